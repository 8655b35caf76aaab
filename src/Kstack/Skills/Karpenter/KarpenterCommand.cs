using System.Text.Json;
using Kstack.Audit;
using Kstack.Checks;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Karpenter;

/// <summary>/karpenter: NodePools, NodeClaims and EC2NodeClasses, what blocks scheduling and disruption, cost posture.</summary>
internal sealed class KarpenterCommand : AuditSkillCommand
{
    public override SkillDescriptor Descriptor => KarpenterSkill.Descriptor;
    protected override string Audit => "karpenter";
    protected override AuditFlags Flags => KarpenterSkill.Audit;
    protected override IReadOnlyList<CheckInfo> Catalogue => KarpenterChecks.All;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var options = ParseOptions(run, out var sarifPath);
        var (dir, probe) = await FetchAsync(run, KarpenterLists.Probe, ct);
        if (probe[KarpenterLists.NodePools.File].Outcome == ReadOutcome.NotFound)
        {
            var (_, beta) = await FetchAsync(run, [KarpenterLists.NodePoolsV1Beta1], ct);
            var none = new RawAnalysis(await ClusterVersion.GitVersionAsync(probe, ct), [], [], new Dictionary<ObjectRef, string>(), 0)
            {
                Overview = KarpenterOverview.NotInstalled(beta[KarpenterLists.NodePoolsV1Beta1.File].HasValue),
            };
            return await ReportAsync(run, options, sarifPath, dir, probe, KarpenterLists.Roles, none, []);
        }

        var (_, rest) = await FetchAsync(run, KarpenterLists.Rest, ct);
        var results = probe.Concat(rest).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var raw = await CachedAnalysisAsync(dir, results, () => AnalyseAsync(results, DateTimeOffset.UtcNow, run.Namespace, ct));
        var unreadable = KarpenterLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue && !IsAbsentProvider(s, results[s.File]))
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), KarpenterLists.Unchecked(s))).ToList();
        return await ReportAsync(run, options, sarifPath, dir, results, KarpenterLists.Roles, raw, unreadable);
    }

    /// <summary>EC2NodeClass not served: another provider (AKS, on-premises), not a denial.</summary>
    private static bool IsAbsentProvider(ListSpec spec, Read<Snapshot> read) => spec == KarpenterLists.NodeClasses && read.Outcome == ReadOutcome.NotFound;

    /// <summary>The analysis from the fetched lists (also run in-process by the tests).</summary>
    internal static async Task<RawAnalysis> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, DateTimeOffset now, string? scope, CancellationToken ct)
    {
        async Task<List<T>?> Map<T>(ListSpec spec, Func<JsonElement, T> map) where T : class =>
            results.TryGetValue(spec.File, out var r) && r.Value is { } s ? await CachedList.MapAsync(s.Path, map, ct) : null;
        async Task<List<JsonElement>?> Load(ListSpec spec) => (await Map<object>(spec, e => e.Clone()))?.Cast<JsonElement>().ToList();

        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta));
        var analysis = new KarpenterAnalysis(now)
        {
            Scope = scope,
            Pools = await Load(KarpenterLists.NodePools),
            Claims = await Load(KarpenterLists.NodeClaims),
            NodeClasses = await Load(KarpenterLists.NodeClasses),
            Nodes = await Map(ListSpec.Nodes, KarpenterNode.From),
            Pods = await Map(ListSpec.Pods, p => KarpenterPod.From(p, owners)),
            Pdbs = await Load(KarpenterLists.Pdbs),
            Events = await Map(ListSpec.Events, EventFacts.From),
        };
        var objects = (analysis.Pools?.Count ?? 0) + (analysis.Claims?.Count ?? 0) + (analysis.NodeClasses?.Count ?? 0) + (analysis.Nodes?.Count ?? 0)
                      + (analysis.Pods?.Count ?? 0) + (analysis.Pdbs?.Count ?? 0) + (analysis.Events?.Count ?? 0);
        var findings = analysis.Run();
        return new RawAnalysis(await ClusterVersion.GitVersionAsync(results, ct), findings, [], new Dictionary<ObjectRef, string>(), objects)
        {
            Overview = KarpenterOverview.Lines(analysis, now),
        };
    }
}
