using Kstack.Kube;
using Kstack.Skills.ClusterStatus;

namespace Kstack.Tests.Support;

/// <summary>
/// Runs a skill's analysis in-process against list JSON held by the test (no binary, no API server): the lists are laid
/// out as the fetcher would leave them and the skill's own analysis reads them, so one check costs milliseconds.
/// The binary-against-simulator tests stay for end to end.
/// </summary>
public sealed class SkillTester : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-skilltester-").FullName;
    private readonly Dictionary<string, FetchResult> _results = new();

    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T10:05:00Z");

    /// <summary>A list of the given items (each a JSON object), written as the cache holds it (kind List).</summary>
    public SkillTester Items(ListSpec spec, params string[] items) =>
        Raw(spec, $$"""{"apiVersion":"v1","kind":"List","metadata":{},"items":[{{string.Join(",", items)}}]}""");

    /// <summary>A cached file with exactly this content (for /version, or a list as the server sent it).</summary>
    public SkillTester Raw(ListSpec spec, string json)
    {
        var path = Path.Combine(_dir, spec.File);
        File.WriteAllText(path, json);
        _results[spec.File] = new FetchResult(spec, FetchOutcome.Fetched, path, DateTime.UtcNow);
        return this;
    }

    /// <summary>The list as an RBAC-denied read.</summary>
    public SkillTester Forbidden(ListSpec spec)
    {
        _results[spec.File] = new FetchResult(spec, FetchOutcome.Forbidden, Path.Combine(_dir, spec.File), default);
        return this;
    }

    private IReadOnlyDictionary<string, FetchResult> Results(params ListSpec[] specs)
    {
        foreach (var s in specs)
            if (!_results.ContainsKey(s.File)) Items(s);
        return _results;
    }

    /// <summary>/cluster-status's report from the lists given (absent lists are empty); Version defaults to v1.31.0.</summary>
    public Task<ClusterStatusReport> ClusterStatusAsync(string context = "test", string? ns = null)
    {
        if (!_results.ContainsKey(ListSpec.Version.File)) Raw(ListSpec.Version, """{"gitVersion":"v1.31.0","platform":"linux/amd64"}""");
        return ClusterStatusCommand.AnalyseAsync(context, ns,
            Results(ListSpec.Nodes, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta), CancellationToken.None);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
