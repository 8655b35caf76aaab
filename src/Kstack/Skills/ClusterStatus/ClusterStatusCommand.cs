using Kstack.Cache;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.ClusterStatus;

/// <summary>/cluster-status: nodes, pods and a ranked Issues block from a cached snapshot.</summary>
internal sealed class ClusterStatusCommand : SnapshotSkillCommand
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
        var facts = new Facts();
        var (dir, results) = await FetchAsync(run,
            [ListSpec.Version, ListSpec.Nodes, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta], ct, facts.All);
        var report = await CachedReportAsync(Path.Combine(dir, ReportFile), results,
            () => AnalyseAsync(run.Context, run.Namespace, results, ct, facts), ClusterStatusJson.Default.ClusterStatusReport);

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

    /// <summary>What the analysis maps from each list, collected while the lists stream (or read from their files).</summary>
    internal sealed class Facts
    {
        public readonly ListFacts<NodeFacts> Nodes = new(ListSpec.Nodes, NodeFacts.From);
        public readonly PodTally StreamedPods = new();
        public readonly ListVisitor Pods;
        public readonly ListFacts<OwnerIndex.Entry> ReplicaSets = OwnerIndex.Facts(ListSpec.ReplicaSetsMeta);
        public readonly ListFacts<OwnerIndex.Entry> Jobs = OwnerIndex.Facts(ListSpec.JobsMeta);
        public ListObserver[] All => [Nodes, Pods, ReplicaSets, Jobs];

        public Facts() => Pods = new ListVisitor(ListSpec.Pods, pod => StreamedPods.Add(PodFacts.From(pod)));

        public async Task<PodTally?> PodsAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
        {
            if (results[ListSpec.Pods.File].Value is not { } snapshot) return null;
            if (!snapshot.FromCache && Pods.Seen) return StreamedPods;
            var tally = new PodTally();
            await CachedList.MapAsync<object>(snapshot.Path, pod => { tally.Add(PodFacts.From(pod)); return null; }, ct);
            return tally;
        }
    }

    /// <summary>The analysis from the fetched lists (also run in-process by the tests' skill tester).</summary>
    internal static async Task<ClusterStatusReport> AnalyseAsync(string context, string? ns, IReadOnlyDictionary<string, Read<Snapshot>> results,
        CancellationToken ct, Facts? facts = null)
    {
        facts ??= new Facts();
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
        var nodeFacts = await facts.Nodes.GetAsync(results, ct);
        var podFacts = await facts.PodsAsync(results, ct);
        var owners = await OwnerIndex.FromAsync(results, ct, facts.ReplicaSets, facts.Jobs);
        return ClusterStatusAnalysis.Analyse(context, gitVersion, serverPlatform, ns,
            nodeFacts, nodes.HasValue ? null : AgentContext.Unreadable(nodes),
            podFacts, pods.HasValue ? null : AgentContext.Unreadable(pods, ns is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {ns}"),
            owners);
    }
}
