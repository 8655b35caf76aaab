using Kstack.Cache;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.ClusterStatus;

/// <summary>/cluster-status: nodes, pods and a ranked Issues block from a cached snapshot.</summary>
public sealed class ClusterStatusCommand : SnapshotSkillCommand
{
    private static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>
    {
        ["cluster"] = ListSpec.Version.File, ["nodes"] = ListSpec.Nodes.File, ["pods"] = ListSpec.Pods.File,
        ["replicasets"] = ListSpec.ReplicaSetsMeta.File, ["jobs"] = ListSpec.JobsMeta.File,
    };

    public const string ReportFile = "cluster-status.report.json";

    public override SkillDescriptor Descriptor => ClusterStatusSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var (dir, results) = await FetchAsync(run,
            [ListSpec.Version, ListSpec.Nodes, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta], ct);
        var report = await CachedReportAsync(Path.Combine(dir, ReportFile), results,
            () => AnalyseAsync(run.Context, run.Namespace, results, ct), ClusterStatusJson.Default.ClusterStatusReport);

        var now = DateTimeOffset.UtcNow;
        var fromCache = results.Values.Any(r => r.Outcome == FetchOutcome.Cached);
        var agentContext = AgentContext.Build(w =>
        {
            AgentContext.WriteCache(w, dir, results, Roles);
            w.WriteStartObject("counts");
            w.WriteNumber("nodes", report.Nodes?.Total ?? 0);
            w.WriteNumber("pods", report.PodsListed);
            w.WriteNumber("issues", report.IssuesTotal);
            w.WriteEndObject();
        });
        return run.Json
            ? Env.Agent(ClusterStatusRenderer.Json(report, dir, fromCache, now), agentContext)
            : Env.Verbatim(ClusterStatusRenderer.Text(report, Freshness.Sentence(results.Values, run.TtlText, now.UtcDateTime), now), agentContext);
    }

    /// <summary>The analysis from the fetched lists (also run in-process by the tests' skill tester).</summary>
    internal static async Task<ClusterStatusReport> AnalyseAsync(string context, string? ns, IReadOnlyDictionary<string, FetchResult> results, CancellationToken ct)
    {
        var version = results[ListSpec.Version.File];
        string gitVersion = "unknown", serverPlatform = "";
        if (version.Available)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(version.Path, ct));
            gitVersion = doc.RootElement.Str("gitVersion") is { Length: > 0 } g ? g : "unknown";
            serverPlatform = doc.RootElement.Str("platform") ?? "";
        }
        var nodes = results[ListSpec.Nodes.File];
        var pods = results[ListSpec.Pods.File];
        var nodeFacts = nodes.Available ? await CachedList.MapAsync(nodes.Path, NodeFacts.From, ct) : null;
        var podFacts = pods.Available ? await CachedList.MapAsync(pods.Path, PodFacts.From, ct) : null;
        var owners = await OwnerIndex.LoadAsync(
            new[] { ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta }.Select(s => results[s.File]).Where(r => r.Available).Select(r => (r.Path, r.Spec.ItemKind)), ct);
        return ClusterStatusAnalysis.Analyse(context, gitVersion, serverPlatform, ns,
            nodeFacts, nodes.Available ? null : AgentContext.Unreadable(nodes),
            podFacts, pods.Available ? null : AgentContext.Unreadable(pods, ns is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {ns}"),
            owners);
    }
}
