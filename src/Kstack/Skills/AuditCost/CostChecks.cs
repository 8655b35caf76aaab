using Kstack.Checks;
using static Kstack.Checks.Severity;

namespace Kstack.Skills.AuditCost;

/// <summary>The /audit-cost catalogue. IDs are stable: baselines, exemptions and SARIF alerts key on them.</summary>
internal static class CostChecks
{
    private static CheckInfo C(string id, string category, Severity severity, string title, string remediation, params string[] standards) =>
        new(id, title, severity, category, remediation, Standards: standards);

    /// <summary>How long a workload must have been at zero replicas, or its pods unready, before it counts as idle.</summary>
    public static readonly TimeSpan ScaledToZeroFor = TimeSpan.FromDays(7);
    public static readonly TimeSpan UnreadyFor = TimeSpan.FromMinutes(15);
    /// <summary>Below this share of allocatable requested, for CPU and memory both, a node or node pool is mostly idle.</summary>
    public const decimal IdleShare = 0.5m;

    // Idle and waste, from the Kubernetes API alone (audits.md §2.7.4).
    public static readonly CheckInfo ScaledToZero = C("COST-WORKLOAD-SCALED-TO-ZERO", "idle", Low,
        "Deployment or StatefulSet at zero replicas for 7 days or more", "Delete it with what only it uses (PVCs, Services, ConfigMaps) if it is abandoned; keep it when scaling to zero is intended.");
    public static readonly CheckInfo AllUnready = C("COST-WORKLOAD-ALL-UNREADY", "idle", Medium,
        "Workload's pods all unready for 15 minutes or more (requests reserved, nothing served)", "Find why (kstack investigate <kind>/<ns>/<name>) and fix it, or scale it down to release the reserved CPU and memory.");
    public static readonly CheckInfo PvReleased = C("COST-PV-RELEASED", "storage", Medium,
        "PersistentVolume Released: its claim is gone, the disk is still billed", "Keep what you need, then delete the PV; under reclaimPolicy Retain also delete the backing disk at the provider.");
    public static readonly CheckInfo PvAvailable = C("COST-PV-AVAILABLE", "storage", Low,
        "PersistentVolume Available: provisioned and bound to no claim", "Delete it unless a claim is meant to bind it.",
        "popeye:1000");
    public static readonly CheckInfo PvcUnmounted = C("COST-PVC-UNMOUNTED", "storage", Medium,
        "PersistentVolumeClaim Bound but mounted by no pod", "Delete the claim if its data is no longer needed (under reclaimPolicy Delete the disk goes with it); a StatefulSet at zero replicas keeps its claims by design.",
        "popeye:400");
    public static readonly CheckInfo LbNoEndpoints = C("COST-LB-NO-ENDPOINTS", "idle", Medium,
        "LoadBalancer Service with no ready endpoints (a billed load balancer serving nothing)", "Fix the selected pods or the selector, or delete the Service to release the load balancer.",
        "popeye:1103");
    public static readonly CheckInfo CronJobSuspended = C("COST-CRONJOB-SUSPENDED", "idle", Low,
        "CronJob suspended", "Delete it if it will not be resumed; its finished Jobs and their pods go with it.",
        "popeye:1500");
    public static readonly CheckInfo CronJobFailing = C("COST-CRONJOB-ALWAYS-FAILING", "idle", Medium,
        "CronJob whose kept Jobs all failed (every run still schedules pods)", "Read the last failed Job's logs (kstack logs job/<name>) and fix it, or suspend it.",
        "popeye:1502");
    public static readonly CheckInfo JobNoTtl = C("COST-JOB-NO-TTL", "idle", Low,
        "Finished Job without ttlSecondsAfterFinished (kept, with its pods, until someone deletes it)", "Set spec.ttlSecondsAfterFinished on the Job template; delete this finished Job.");
    public static readonly CheckInfo NamespaceIdle = C("COST-NAMESPACE-NO-RUNNING-PODS", "idle", Low,
        "Namespace runs no pods", "Delete it if it is abandoned; its PVCs and LoadBalancer Services are billed with no pod running.",
        "popeye:400");

    // Requests and limits (Polaris efficiency checks).
    public static readonly CheckInfo CpuRequestMissing = C("COST-CPU-REQUEST-MISSING", "requests", Medium,
        "Container without a CPU request (scheduled as if it used none)", "Set resources.requests.cpu from its observed p95 (kstack metrics <workload>).",
        "polaris:cpuRequestsMissing", "popeye:106");
    public static readonly CheckInfo MemoryRequestMissing = C("COST-MEMORY-REQUEST-MISSING", "requests", Medium,
        "Container without a memory request (scheduled as if it used none, evicted first)", "Set resources.requests.memory from its observed maximum plus 15 % (kstack metrics <workload> --by memory).",
        "polaris:memoryRequestsMissing", "popeye:106");
    public static readonly CheckInfo MemoryLimitMissing = C("COST-MEMORY-LIMIT-MISSING", "requests", Low,
        "Container without a memory limit (can grow into its neighbours' memory)", "Set resources.limits.memory, usually equal to the memory request.",
        "polaris:memoryLimitsMissing", "popeye:107");
    public static readonly CheckInfo CpuLimitMissing = C("COST-CPU-LIMIT-MISSING", "requests", Info,
        "Container without a CPU limit", "Often intended (no throttling); set resources.limits.cpu where one workload must not take a node's spare CPU.",
        "polaris:cpuLimitsMissing", "popeye:107");
    public static readonly CheckInfo LimitsWithoutRequests = C("COST-LIMITS-WITHOUT-REQUESTS", "requests", Low,
        "Template sets a limit without a request (the request defaults to the limit, reserving the peak)", "Set resources.requests explicitly, from observed usage, below the limit.");

    // Capacity: node allocatable against the sum of requests.
    public static readonly CheckInfo NodeIdle = C("COST-NODE-IDLE-CAPACITY", "capacity", Low,
        "Node with under half of both its allocatable CPU and memory requested", "Consolidate onto fewer or smaller nodes (cluster autoscaler, Karpenter consolidation), or check taints and affinity keeping pods away.");
    public static readonly CheckInfo PoolIdle = C("COST-NODEPOOL-IDLE-CAPACITY", "capacity", Medium,
        "Node pool with under half of both its allocatable CPU and memory requested", "Lower the pool's size or instance type, or enable consolidation (Karpenter consolidationPolicy, cluster-autoscaler scale-down).");

    // Right-sizing with KRR's simple strategy (audits.md §2.7.1): CPU p95, memory max + 15 %.
    public static readonly CheckInfo CpuOverprovisioned = C("COST-CPU-OVERPROVISIONED", "rightsizing", Medium,
        "CPU request above the observed p95 (KRR method) by at least --min-savings over the workload", "Lower resources.requests.cpu to the recommendation; check the p95 first with kstack metrics <workload> --since <window>.",
        "krr:simple");
    public static readonly CheckInfo MemoryOverprovisioned = C("COST-MEMORY-OVERPROVISIONED", "rightsizing", Medium,
        "Memory request above the observed maximum + 15 % (KRR method) by at least --min-savings over the workload", "Lower resources.requests.memory (and the limit with it) to the recommendation; a peak outside the window is not seen.",
        "krr:simple");

    public static readonly IReadOnlyList<CheckInfo> All =
    [
        ScaledToZero, AllUnready, PvReleased, PvAvailable, PvcUnmounted, LbNoEndpoints, CronJobSuspended, CronJobFailing, JobNoTtl, NamespaceIdle,
        CpuRequestMissing, MemoryRequestMissing, MemoryLimitMissing, CpuLimitMissing, LimitsWithoutRequests,
        NodeIdle, PoolIdle, CpuOverprovisioned, MemoryOverprovisioned,
    ];

    public static readonly IChecklist Checklist = new CheckCatalogue("audit-cost", All);
}
