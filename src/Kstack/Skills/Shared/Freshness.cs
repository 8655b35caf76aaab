using Kstack.Cache;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>The sentence that says whether the summary came from a fresh fetch or the cache.</summary>
internal static class Freshness
{
    public static string Sentence(IEnumerable<Read<Snapshot>> results, string ttlText, DateTime utcNow)
    {
        var all = results.ToList();
        var cached = all.Where(r => r is { Ok: true, Value.FromCache: true }).Select(r => r.Value!).ToList();
        var sentence = cached.Count == 0 ? $"Snapshot cached (TTL {ttlText})."
            : $"Used cached snapshot ({Duration.Format(utcNow - cached.Min(r => r.WrittenUtc))} old, --refresh to update).";
        return Stale(all, utcNow) is { } stale ? sentence + " " + stale : sentence;
    }

    /// <summary>"Stale: nodes from 2h ago (refresh failed: RBAC denies list nodes)." for lists kept after a denied refresh.</summary>
    public static string? Stale(IEnumerable<Read<Snapshot>> results, DateTime utcNow)
    {
        var stale = results.Where(r => r is { HasValue: true, Ok: false })
            .Select(r => $"{r.Value!.Spec.Noun} from {Duration.Format(utcNow - r.Value.WrittenUtc)} ago (refresh failed: {r.Problem!.Reason})").ToList();
        return stale.Count == 0 ? null : $"Stale: {string.Join("; ", stale)}.";
    }
}
