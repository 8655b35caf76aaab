using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kstack.Commands;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>A skill that reads cached list snapshots and caches the report it computes from them.</summary>
internal abstract class SnapshotSkillCommand : SkillCommand
{
    /// <summary>Brings the given lists up to the run's TTL in the run's snapshot directory (the API client is built only if needed).</summary>
    protected static async Task<(string Dir, IReadOnlyDictionary<string, Read<Snapshot>> Results)> FetchAsync(
        SkillRun run, IReadOnlyList<ListSpec> specs, CancellationToken ct, params ListObserver[] observers)
    {
        var dir = SnapshotDir.For(run);
        return (dir, await new SnapshotFetcher(run.LazyApi, dir, run.Ttl).EnsureAsync(specs, run.Namespace, ct, observers));
    }

    /// <summary>The report cached for exactly these inputs, or a fresh analysis that is then cached.</summary>
    protected static async Task<T> CachedReportAsync<T>(string path, IReadOnlyDictionary<string, Read<Snapshot>> results,
        Func<Task<T>> analyse, Action<Utf8JsonWriter, T> write, Func<JsonElement, T> read)
    {
        var stamps = ReportCache.Stamp(results);
        using (var cached = ReportCache.TryLoad(path, stamps))
            if (cached is not null && read(cached.RootElement.GetProperty("report")) is { } hit) return hit;
        var report = await analyse();
        await ReportCache.SaveAsync(path, stamps, w => write(w, report));
        return report;
    }

    /// <summary>As above, with the report serialised by its source-generated type info; an unreadable cached report is recomputed.</summary>
    protected static Task<T> CachedReportAsync<T>(string path, IReadOnlyDictionary<string, Read<Snapshot>> results,
        Func<Task<T>> analyse, JsonTypeInfo<T> info) where T : class =>
        CachedReportAsync(path, results, analyse, (w, r) => JsonSerializer.Serialize(w, r, info), e => ReadOrNull(e, info)!);

    private static T? ReadOrNull<T>(JsonElement e, JsonTypeInfo<T> info) where T : class
    {
        try { return e.Deserialize(info); }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException) { return null; }
    }
}
