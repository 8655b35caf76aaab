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
        var fromCache = results.Values.Any(r => r.Value is { FromCache: true });
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
    internal static async Task<ClusterStatusReport> AnalyseAsync(string context, string? ns, IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
    {
        var version = results[ListSpec.Version.File];
        string gitVersion = "unknown", serverPlatform = "";
        if (version.Value is { } versionFile)
        {
            var bytes = await File.ReadAllBytesAsync(versionFile.Path, ct);
            JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
            using var doc = System.Text.Json.JsonDocument.Parse(bytes);
            gitVersion = doc.RootElement.Str("gitVersion") is { Length: > 0 } g ? g : "unknown";
            serverPlatform = doc.RootElement.Str("platform") ?? "";
        }
        var nodes = results[ListSpec.Nodes.File];
        var pods = results[ListSpec.Pods.File];
        var nodeFacts = nodes.Value is { } n ? await CachedList.MapAsync(n.Path, NodeFacts.From, ct) : null;
        var podFacts = pods.Value is { } p ? await CachedList.MapAsync(p.Path, PodFacts.From, ct) : null;
        var owners = await OwnerIndex.LoadAsync(CachedList.Files(results, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta), ct);
        return ClusterStatusAnalysis.Analyse(context, gitVersion, serverPlatform, ns,
            nodeFacts, nodes.HasValue ? null : AgentContext.Unreadable(nodes),
            podFacts, pods.HasValue ? null : AgentContext.Unreadable(pods, ns is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {ns}"),
            owners);
    }
}
