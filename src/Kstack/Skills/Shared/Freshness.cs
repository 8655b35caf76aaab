using Kstack.Cache;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>The sentence that says whether the summary came from a fresh fetch or the cache.</summary>
public static class Freshness
{
    public static string Sentence(IEnumerable<FetchResult> results, string ttlText, DateTime utcNow)
    {
        var cached = results.Where(r => r.Outcome == FetchOutcome.Cached).ToList();
        if (cached.Count == 0) return $"Snapshot cached (TTL {ttlText}).";
        var oldest = cached.Min(r => r.WrittenUtc);
        return $"Used cached snapshot ({Duration.Format(utcNow - oldest)} old, --refresh to update).";
    }
}
