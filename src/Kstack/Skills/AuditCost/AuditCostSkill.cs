using System.Runtime.CompilerServices;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>The /audit-cost descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class AuditCostSkill
{
    public static readonly AuditFlags Audit = new("cost", "COST-PVC-UNMOUNTED");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "audit-cost",
        Summary = "cost audit: idle workloads, storage and load balancers, missing requests and limits, idle node capacity.",
        Flags = [.. Audit.All, RequestTimeout.Flag],
        DefaultTtl = "15m",
        Reads = ["version", "namespaces", "nodes", "pods", "replicasets (metadata)", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
            "persistentvolumes", "persistentvolumeclaims", "services", "endpointslices", "verticalpodautoscalers.autoscaling.k8s.io"],
        JsonResult = "audit-summary/1",
        JsonDocuments = [AuditJson.Default.AuditSummaryDocument],
        Examples =
        [
            new("", "Audit the whole cluster (reuses lists younger than 15m)"),
            new("--check COST-PVC-UNMOUNTED --check COST-PV-RELEASED", "Only unused storage"),
            new("-n shop --severity medium", "Namespace shop, medium and above"),
        ],
        Notes = "Read-only. Figures are cores, GiB and object counts, never invented money. The full findings (schema audit/1)\n"
                + "stay in the cache for jq.",
        Create = () => new AuditCostCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
