using System.Text.Json;
using Kstack.Kube;
using Kstack.Skills.ClusterStatus;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Kstack.Skills.Investigate;

namespace Kstack.Tests.Support;

/// <summary>
/// Runs a skill's analysis in-process against list JSON held by the test (no binary, no API server): the lists are laid
/// out as the fetcher would leave them and the skill's own analysis reads them, so one check costs milliseconds.
/// The binary-against-simulator tests stay for end to end.
/// </summary>
internal sealed class SkillTester : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-skilltester-").FullName;
    private readonly Dictionary<string, Read<Snapshot>> _results = new();

    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T10:05:00Z");

    /// <summary>A list of the given items (each a JSON object), written as the cache holds it (kind List).</summary>
    public SkillTester Items(ListSpec spec, params string[] items) =>
        Raw(spec, $$"""{"apiVersion":"v1","kind":"List","metadata":{},"items":[{{string.Join(",", items)}}]}""");

    /// <summary>A cached file with exactly this content (for /version, or a list as the server sent it).</summary>
    public SkillTester Raw(ListSpec spec, string json)
    {
        var path = Path.Combine(_dir, spec.File);
        File.WriteAllText(path, json);
        _results[spec.File] = Read<Snapshot>.Success(new Snapshot(spec, path, DateTime.UtcNow, FromCache: false));
        return this;
    }

    /// <summary>The list as an RBAC-denied read.</summary>
    public SkillTester Forbidden(ListSpec spec)
    {
        _results[spec.File] = Read<Snapshot>.Missing(new NotReadable(ReadOutcome.Forbidden, ApiAction.List(spec.Noun), 403));
        return this;
    }

    private IReadOnlyDictionary<string, Read<Snapshot>> Results(params ListSpec[] specs)
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

    /// <summary>/audit-security's raw analysis (before filters) from the lists given (absent lists are empty).</summary>
    public Task<Kstack.Audit.RawAnalysis> AuditSecurityAsync(string gitVersion = "v1.31.0")
    {
        if (!_results.ContainsKey(ListSpec.Version.File)) Raw(ListSpec.Version, $$"""{"gitVersion":"{{gitVersion}}","platform":"linux/amd64"}""");
        return Kstack.Skills.AuditSecurity.AuditSecurityCommand.AnalyseAsync(Results([.. Kstack.Skills.AuditSecurity.SecurityLists.All]), CancellationToken.None);
    }

    /// <summary>
    /// An /investigate evidence bundle built in memory from object JSON as the API returns it (pods, events, nodes,
    /// workloads above the pods), plus the parts the gatherer derives from several reads (Services with endpoint counts,
    /// references with their status, narrowed logs). The first pod is the target unless a workload is given.
    /// </summary>
    public static Investigation Investigation(string[]? pods = null, string[]? events = null, string[]? nodes = null,
        (string Kind, string Json)[]? workloads = null, ServiceView[]? services = null, RefView[]? refs = null, LogView[]? logs = null)
    {
        static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();
        var podViews = (pods ?? []).Select(p => PodView.From(J(p))).ToList();
        var owners = (workloads ?? []).Select(w => ObjectView.From(w.Kind, J(w.Json))).ToList();
        var target = podViews.Count > 0
            ? new ObjectView("Pod", podViews[0].Namespace, podViews[0].Name, podViews[0].Uid, null, podViews[0].Phase, podViews[0].Conditions)
            : owners.FirstOrDefault() ?? new ObjectView("Pod", "ns", "x", "", null, "", []);
        var chainEvents = (events ?? []).Select(e => new ChainEvent(EventFacts.From(J(e)), null)).ToList();
        return new Investigation("test", KindInfo.Pod, target.Namespace.Length > 0 ? target.Namespace : "ns", target.Name, target, owners, [], podViews,
            podViews.Count, chainEvents, logs ?? [], services ?? [], refs ?? [], (nodes ?? []).Select(n => NodeFacts.From(J(n))).ToList(), [], Now);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
