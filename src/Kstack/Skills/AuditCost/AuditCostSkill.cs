using System.Runtime.CompilerServices;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>The /audit-cost descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class AuditCostSkill
{
    public static readonly AuditFlags Audit = new("cost", "COST-PVC-UNMOUNTED");
    public static readonly DurationFlag Window = new("--window", "Prometheus lookback, 1h to 31d") { Default = "7d" };
    public static readonly TextFlag MinSavings = new("--min-savings", "<cpu>,<memory>", "Smallest saving per workload (default 100m,100Mi)");
    public static readonly TextFlag PricesFile = new("--prices", "<file>", "Price table YAML; without it no money");
    public static readonly TextFlag Prometheus = new("--prometheus", "<ns>/<svc>:<port>", "Prometheus Service to query");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "audit-cost",
        Summary = "cost audit: right-sizing (KRR), idle workloads, storage, load balancers, requests, idle nodes.",
        Flags = [.. Audit.All, Window, MinSavings, PricesFile, Prometheus, RequestTimeout.Flag],
        DefaultTtl = "15m",
        Reads = ["version", "namespaces", "nodes", "pods", "replicasets (metadata)", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
            "persistentvolumes", "persistentvolumeclaims", "services", "endpointslices", "verticalpodautoscalers.autoscaling.k8s.io",
            "Prometheus through services/proxy (3 queries)", "metrics.k8s.io (without Prometheus)"],
        JsonResult = "audit-summary/1",
        JsonDocuments = [AuditJson.Default.AuditSummaryDocument],
        Examples =
        [
            new("", "Audit the whole cluster (reuses lists younger than 15m)"),
            new("--check COST-PVC-UNMOUNTED --check COST-PV-RELEASED", "Only unused storage"),
            new("-n shop --severity medium", "Namespace shop, medium and above"),
            new("--window 14d --min-savings 250m,512Mi", "Right-size over two weeks, savings of a quarter core or 512Mi and up"),
            new("--prices prices.yaml", "The same figures with monthly money from your price table"),
        ],
        Notes = "Read-only. Right-sizing: CPU p95, memory max + 15 % (KRR), from Prometheus through the service proxy in 3 queries,\n"
                + "else VPA targets, else metrics-server's one sample (weak). Figures are cores, GiB and counts, never invented money.",
        Create = () => new AuditCostCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
