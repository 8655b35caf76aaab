using Kstack.Kube;
using Kstack.Skills.AuditNetwork;

namespace Kstack.Skills.AuditCost;

/// <summary>
/// The reads /audit-cost makes: workloads in full, with their last write time (a scale to zero leaves no other timestamp) (replicas, templates' resources, timestamps), Jobs in full (their
/// conditions and TTL), storage, Services with their EndpointSlices, nodes. The VPA list is CRD-backed: a 404 there
/// means "VPA not installed", not "unreadable".
/// </summary>
internal static class CostLists
{
    public static readonly ListSpec Namespaces = NetworkLists.Namespaces;
    public static readonly ListSpec EndpointSlices = NetworkLists.EndpointSlices;
    public static readonly ListSpec Deployments = new("deployments.json", "deployments", "/apis/apps/v1/deployments",
        "/apis/apps/v1/namespaces/{ns}/deployments", "apps/v1", "Deployment", KeepWriteTime: true);
    public static readonly ListSpec StatefulSets = new("statefulsets.json", "statefulsets", "/apis/apps/v1/statefulsets",
        "/apis/apps/v1/namespaces/{ns}/statefulsets", "apps/v1", "StatefulSet", KeepWriteTime: true);
    public static readonly ListSpec DaemonSets = new("daemonsets.json", "daemonsets", "/apis/apps/v1/daemonsets",
        "/apis/apps/v1/namespaces/{ns}/daemonsets", "apps/v1", "DaemonSet");
    public static readonly ListSpec Jobs = new("jobs.json", "jobs", "/apis/batch/v1/jobs", "/apis/batch/v1/namespaces/{ns}/jobs", "batch/v1", "Job");
    public static readonly ListSpec CronJobs = new("cronjobs.json", "cronjobs", "/apis/batch/v1/cronjobs",
        "/apis/batch/v1/namespaces/{ns}/cronjobs", "batch/v1", "CronJob");
    public static readonly ListSpec PersistentVolumes = new("persistentvolumes.json", "persistentvolumes", "/api/v1/persistentvolumes", null, "v1", "PersistentVolume");
    public static readonly ListSpec Claims = new("persistentvolumeclaims.json", "persistentvolumeclaims", "/api/v1/persistentvolumeclaims",
        "/api/v1/namespaces/{ns}/persistentvolumeclaims", "v1", "PersistentVolumeClaim");
    public static readonly ListSpec Vpas = new("verticalpodautoscalers.json", "verticalpodautoscalers.autoscaling.k8s.io",
        "/apis/autoscaling.k8s.io/v1/verticalpodautoscalers", "/apis/autoscaling.k8s.io/v1/namespaces/{ns}/verticalpodautoscalers",
        "autoscaling.k8s.io/v1", "VerticalPodAutoscaler");

    /// <summary>Lists whose 404 means the add-on is not installed.</summary>
    public static readonly IReadOnlyList<ListSpec> Optional = [Vpas];

    public static readonly IReadOnlyList<ListSpec> All =
    [
        ListSpec.Version, Namespaces, ListSpec.Nodes, ListSpec.Pods, ListSpec.ReplicaSetsMeta, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs,
        PersistentVolumes, Claims, ListSpec.Services, EndpointSlices, .. Optional,
    ];

    /// <summary>agent_context role → cache file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles = All.ToDictionary(s => s.File == "cluster.json" ? "cluster" : s.File[..s.File.LastIndexOf(".json", StringComparison.Ordinal)].Replace(".meta", "", StringComparison.Ordinal), s => s.File);

    /// <summary>The checks a list's absence leaves unrun.</summary>
    public static IReadOnlyList<string> Unchecked(ListSpec spec)
    {
        var c = CostChecks.All;
        IEnumerable<Kstack.Checks.CheckInfo> checks = spec.File switch
        {
            "pods.json" => c.Where(x => x.Category is "requests" or "capacity" && x != CostChecks.LimitsWithoutRequests)
                .Concat([CostChecks.AllUnready, CostChecks.PvcUnmounted, CostChecks.NamespaceIdle]),
            "namespaces.json" => [CostChecks.NamespaceIdle],
            "nodes.json" => [CostChecks.NodeIdle, CostChecks.PoolIdle],
            "deployments.json" or "statefulsets.json" => [CostChecks.ScaledToZero, CostChecks.LimitsWithoutRequests],
            "daemonsets.json" => [CostChecks.LimitsWithoutRequests],
            "jobs.json" => [CostChecks.JobNoTtl, CostChecks.CronJobFailing],
            "cronjobs.json" => [CostChecks.CronJobSuspended, CostChecks.CronJobFailing, CostChecks.LimitsWithoutRequests],
            "persistentvolumes.json" => [CostChecks.PvReleased, CostChecks.PvAvailable],
            "persistentvolumeclaims.json" => [CostChecks.PvcUnmounted],
            "services.json" or "endpointslices.json" => [CostChecks.LbNoEndpoints],
            _ => [],
        };
        return checks.Select(x => x.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
