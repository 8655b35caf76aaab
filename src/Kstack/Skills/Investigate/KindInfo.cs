namespace Kstack.Skills.Investigate;

/// <summary>A kind /investigate can target or walk through, with its API path and the short names kubectl accepts.</summary>
public sealed record KindInfo(string Kind, string Plural, string ApiPrefix, string[] Aliases)
{
    public string ItemPath(string ns, string name) => $"{ApiPrefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}/{Uri.EscapeDataString(name)}";
    public string ListPath(string? ns) => ns is null ? $"{ApiPrefix}/{Plural}" : $"{ApiPrefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}";

    public static readonly KindInfo Pod = new("Pod", "pods", "/api/v1", ["pod", "pods", "po"]);
    public static readonly KindInfo Deployment = new("Deployment", "deployments", "/apis/apps/v1", ["deployment", "deployments", "deploy"]);
    public static readonly KindInfo StatefulSet = new("StatefulSet", "statefulsets", "/apis/apps/v1", ["statefulset", "statefulsets", "sts"]);
    public static readonly KindInfo DaemonSet = new("DaemonSet", "daemonsets", "/apis/apps/v1", ["daemonset", "daemonsets", "ds"]);
    public static readonly KindInfo CronJob = new("CronJob", "cronjobs", "/apis/batch/v1", ["cronjob", "cronjobs", "cj"]);
    public static readonly KindInfo Job = new("Job", "jobs", "/apis/batch/v1", ["job", "jobs"]);
    public static readonly KindInfo ReplicaSet = new("ReplicaSet", "replicasets", "/apis/apps/v1", ["replicaset", "replicasets", "rs"]);

    /// <summary>Search order for a bare name: pods first, then workloads (top-level ones before ReplicaSets).</summary>
    public static readonly IReadOnlyList<KindInfo> All = [Pod, Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet];
    public static IReadOnlyList<KindInfo> Workloads => All.Skip(1).ToList();

    /// <summary>Kinds people name that are not investigable themselves; the error points at what to investigate instead.</summary>
    private static readonly HashSet<string> Other =
    [
        "service", "services", "svc", "node", "nodes", "no", "configmap", "configmaps", "cm", "secret", "secrets",
        "pvc", "persistentvolumeclaim", "persistentvolumeclaims", "ingress", "ingresses", "ing", "namespace", "namespaces", "ns",
    ];

    public static KindInfo? Find(string alias) =>
        All.FirstOrDefault(k => k.Aliases.Contains(alias.ToLowerInvariant()) || string.Equals(k.Kind, alias, StringComparison.OrdinalIgnoreCase));

    public static KindInfo? ByKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    public static bool IsOtherKind(string alias) => Other.Contains(alias.ToLowerInvariant());
}
