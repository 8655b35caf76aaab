using Kstack.Checks;
using Kstack.Kube;

namespace Kstack.Skills.Karpenter;

/// <summary>
/// The reads /karpenter makes. NodePools first: when karpenter.sh/v1 is not served the audit stops there (not
/// installed) and reads nothing else. EC2NodeClasses answer 404 on other providers (AKS, on-premises): absent, not
/// unreadable. Every Karpenter object is cluster-scoped; pods, PDBs and events follow -n.
/// </summary>
internal static class KarpenterLists
{
    public static readonly ListSpec NodePools = new("nodepools.json", "nodepools.karpenter.sh", "/apis/karpenter.sh/v1/nodepools", null,
        "karpenter.sh/v1", "NodePool");
    /// <summary>Read only when v1 is not served, to tell "not installed" from "too old".</summary>
    public static readonly ListSpec NodePoolsV1Beta1 = new("nodepools.v1beta1.json", "nodepools.karpenter.sh", "/apis/karpenter.sh/v1beta1/nodepools", null,
        "karpenter.sh/v1beta1", "NodePool");
    public static readonly ListSpec NodeClaims = new("nodeclaims.json", "nodeclaims.karpenter.sh", "/apis/karpenter.sh/v1/nodeclaims", null,
        "karpenter.sh/v1", "NodeClaim");
    public static readonly ListSpec NodeClasses = new("ec2nodeclasses.json", "ec2nodeclasses.karpenter.k8s.aws", "/apis/karpenter.k8s.aws/v1/ec2nodeclasses", null,
        "karpenter.k8s.aws/v1", "EC2NodeClass");
    public static readonly ListSpec Pdbs = new("poddisruptionbudgets.json", "poddisruptionbudgets", "/apis/policy/v1/poddisruptionbudgets",
        "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets", "policy/v1", "PodDisruptionBudget");

    public static readonly IReadOnlyList<ListSpec> Probe = [ListSpec.Version, NodePools];

    public static readonly IReadOnlyList<ListSpec> Rest =
        [NodeClaims, NodeClasses, ListSpec.Nodes, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta, Pdbs, ListSpec.Events];

    public static readonly IReadOnlyList<ListSpec> All = [.. Probe, .. Rest];

    /// <summary>agent_context role → cache file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles = All.ToDictionary(
        s => s.File == "cluster.json" ? "cluster" : s.File[..s.File.LastIndexOf(".json", StringComparison.Ordinal)].Replace(".meta", "", StringComparison.Ordinal), s => s.File);

    /// <summary>The checks a list's absence leaves unrun.</summary>
    public static IReadOnlyList<string> Unchecked(ListSpec spec)
    {
        var c = KarpenterChecks.All;
        IEnumerable<CheckInfo> checks = spec.File switch
        {
            "nodepools.json" => c.Where(x => x.Category is "nodepool" or "cost" or "scheduling").Append(KarpenterChecks.NodeClassUnused),
            "nodeclaims.json" => c.Where(x => x.Category == "nodeclaim"),
            "ec2nodeclasses.json" => c.Where(x => x.Category == "nodeclass").Append(KarpenterChecks.PoolNodeClassMissing),
            "nodes.json" => [KarpenterChecks.NodeUnderutilized, KarpenterChecks.PdbBlocks, KarpenterChecks.DoNotDisrupt, KarpenterChecks.PoolNoTerminationGrace],
            "pods.json" => [KarpenterChecks.NoPoolFits, KarpenterChecks.NodeUnderutilized, KarpenterChecks.PdbBlocks, KarpenterChecks.DoNotDisrupt,
                KarpenterChecks.PoolNoTerminationGrace, KarpenterChecks.ControllerNotReady, KarpenterChecks.ControllerRestarting],
            "poddisruptionbudgets.json" => [KarpenterChecks.PdbBlocks, KarpenterChecks.PoolNoTerminationGrace],
            "events.json" => c.Where(x => x.Category == "events"),
            _ => [],
        };
        return checks.Select(x => x.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
