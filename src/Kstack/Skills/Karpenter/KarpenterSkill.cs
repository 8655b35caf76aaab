using System.Runtime.CompilerServices;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

/// <summary>The /karpenter descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class KarpenterSkill
{
    public static readonly AuditFlags Audit = new("karpenter", "KARP-CLAIM-NOT-REGISTERED");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "karpenter",
        Summary = "Karpenter: NodePool limits and disruption, stuck NodeClaims, EC2NodeClass resolution, pods no pool fits, cost posture.",
        Flags = [.. Audit.All, RequestTimeout.Flag],
        DefaultTtl = "5m",
        Reads = ["version", "nodepools.karpenter.sh", "nodeclaims.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws", "nodes", "pods",
            "replicasets (metadata)", "jobs (metadata)", "poddisruptionbudgets", "events"],
        JsonResult = "audit-summary/1",
        JsonDocuments = [AuditJson.Default.AuditSummaryDocument],
        Examples =
        [
            new("", "Pools, claims and node classes with every finding (reuses lists younger than 5m)"),
            new("--check KARP-PODS-NO-POOL-FITS --check KARP-CLAIM-NOT-REGISTERED", "Only pods no pool can take and nodes that never joined"),
            new("--severity high --format sarif --output karpenter.sarif", "High and above, also as SARIF"),
        ],
        Notes = "Read-only, Kubernetes API only (karpenter.sh/v1, karpenter.k8s.aws/v1). Without Karpenter it answers so and reads\n"
                + "nothing else. Pending pods are matched against each pool's requirements, taints, limits and readiness. The full\n"
                + "findings (schema audit/1) stay in the cache for jq.",
        Create = () => new KarpenterCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
