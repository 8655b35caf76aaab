namespace Kstack.Objects;

/// <summary>
/// One API resource kstack can name: its kind, plural, group/version, scope and the short names kubectl accepts.
/// Built-in kinds are listed in <see cref="KindTable"/>; custom resources come from the API server's discovery.
/// </summary>
internal sealed record KindInfo(string Kind, string Plural, string Group, string Version, bool Namespaced, string[] ShortNames, bool Discovered = false)
{
    /// <summary>/api/v1 for the core group, /apis/&lt;group&gt;/&lt;version&gt; otherwise.</summary>
    public string ApiPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>kind (lower case), plural and short names: every word that names this kind.</summary>
    public IEnumerable<string> Names => [Kind.ToLowerInvariant(), Plural, .. ShortNames];

    public string ItemPath(string? ns, string name) => Namespaced && ns is not null
        ? $"{ApiPrefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}/{Uri.EscapeDataString(name)}"
        : $"{ApiPrefix}/{Plural}/{Uri.EscapeDataString(name)}";

    public string ListPath(string? ns) => Namespaced && ns is not null
        ? $"{ApiPrefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
        : $"{ApiPrefix}/{Plural}";

    public ObjectRef Ref(string? ns, string name) => new(Kind, Namespaced ? ns : null, name);

    public static readonly KindInfo Pod = new("Pod", "pods", "", "v1", true, ["po"]);
    public static readonly KindInfo Deployment = new("Deployment", "deployments", "apps", "v1", true, ["deploy"]);
    public static readonly KindInfo StatefulSet = new("StatefulSet", "statefulsets", "apps", "v1", true, ["sts"]);
    public static readonly KindInfo DaemonSet = new("DaemonSet", "daemonsets", "apps", "v1", true, ["ds"]);
    public static readonly KindInfo ReplicaSet = new("ReplicaSet", "replicasets", "apps", "v1", true, ["rs"]);
    public static readonly KindInfo Job = new("Job", "jobs", "batch", "v1", true, []);
    public static readonly KindInfo CronJob = new("CronJob", "cronjobs", "batch", "v1", true, ["cj"]);
    public static readonly KindInfo Node = new("Node", "nodes", "", "v1", false, ["no"]);
    public static readonly KindInfo Namespace = new("Namespace", "namespaces", "", "v1", false, ["ns"]);
    public static readonly KindInfo Service = new("Service", "services", "", "v1", true, ["svc"]);

    /// <summary>Search order for a bare workload name: pods first, then top-level workloads, ReplicaSets last.</summary>
    public static readonly IReadOnlyList<KindInfo> PodsAndWorkloads = [Pod, Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet];

    public static IReadOnlyList<KindInfo> Workloads => PodsAndWorkloads.Skip(1).ToList();
}
