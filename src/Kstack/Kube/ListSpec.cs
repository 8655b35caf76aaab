namespace Kstack.Kube;

/// <summary>
/// One cached API read: where it comes from and which cache file it becomes. KeepWriteTime keeps each item's newest
/// managedFields time (as <c>managedFields: [{time}]</c>) instead of dropping managedFields whole.
/// </summary>
internal sealed record ListSpec(string File, string Noun, string ClusterPath, string? NamespacedPath, string ItemApiVersion, string ItemKind,
    bool MetadataOnly = false, bool IsList = true, ListSpec? Fallback = null, bool KeepWriteTime = false)
{
    public string PathFor(string? ns) =>
        ns is null || NamespacedPath is null ? ClusterPath : NamespacedPath.Replace("{ns}", Uri.EscapeDataString(ns), StringComparison.Ordinal);

    /// <summary>The verb and resource named in RBAC messages: "list nodes".</summary>
    public string RbacAction => IsList ? $"list {Noun}" : $"get {Noun}";

    public static readonly ListSpec Version = new("cluster.json", "cluster version", "/version", null, "", "", IsList: false);
    public static readonly ListSpec Nodes = new("nodes.json", "nodes", "/api/v1/nodes", null, "v1", "Node");
    public static readonly ListSpec Pods = new("pods.json", "pods", "/api/v1/pods", "/api/v1/namespaces/{ns}/pods", "v1", "Pod");
    public static readonly ListSpec PodsMeta = new("pods.meta.json", "pods", "/api/v1/pods", "/api/v1/namespaces/{ns}/pods", "v1", "Pod", MetadataOnly: true);
    public static readonly ListSpec ReplicaSetsMeta = new("replicasets.meta.json", "replicasets", "/apis/apps/v1/replicasets",
        "/apis/apps/v1/namespaces/{ns}/replicasets", "apps/v1", "ReplicaSet", MetadataOnly: true);
    public static readonly ListSpec JobsMeta = new("jobs.meta.json", "jobs", "/apis/batch/v1/jobs",
        "/apis/batch/v1/namespaces/{ns}/jobs", "batch/v1", "Job", MetadataOnly: true);
    public static readonly ListSpec Services = new("services.json", "services", "/api/v1/services", "/api/v1/namespaces/{ns}/services", "v1", "Service");
    public static readonly ListSpec PodMetrics = new("podmetrics.json", "pods.metrics.k8s.io", "/apis/metrics.k8s.io/v1beta1/pods",
        "/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", "metrics.k8s.io/v1beta1", "PodMetrics");
    public static readonly ListSpec NodeMetrics = new("nodemetrics.json", "nodes.metrics.k8s.io", "/apis/metrics.k8s.io/v1beta1/nodes", null,
        "metrics.k8s.io/v1beta1", "NodeMetrics");
    public static readonly ListSpec CoreEvents = new("events.json", "events", "/api/v1/events", "/api/v1/namespaces/{ns}/events", "v1", "Event");
    public static readonly ListSpec Events = new("events.json", "events", "/apis/events.k8s.io/v1/events",
        "/apis/events.k8s.io/v1/namespaces/{ns}/events", "events.k8s.io/v1", "Event", Fallback: CoreEvents);
}
