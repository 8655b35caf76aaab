namespace Kstack.Sim.Store;

/// <summary>All resource types the server knows: the built-in API groups plus CRD-defined ones.</summary>
internal sealed class ResourceRegistry
{
    private readonly List<ResourceType> _types = [];
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceType> _byPlural = new();
    private readonly Dictionary<(string ApiVersion, string Kind), ResourceType> _byKind = new();
    private readonly List<(string Group, string Version)> _groupVersions = [];

    public IReadOnlyList<ResourceType> Types => _types;

    public ResourceRegistry()
    {
        // Register group versions in the order real clusters list them, even when no object exists.
        foreach (var gv in new[] { ("", "v1"), ("apiregistration.k8s.io", "v1"), ("apps", "v1"), ("events.k8s.io", "v1"),
                     ("authentication.k8s.io", "v1"), ("authorization.k8s.io", "v1"), ("autoscaling", "v2"), ("autoscaling", "v1"), ("batch", "v1"),
                     ("certificates.k8s.io", "v1"), ("networking.k8s.io", "v1"), ("policy", "v1"), ("rbac.authorization.k8s.io", "v1"),
                     ("storage.k8s.io", "v1"), ("admissionregistration.k8s.io", "v1"), ("apiextensions.k8s.io", "v1"),
                     ("scheduling.k8s.io", "v1"), ("coordination.k8s.io", "v1"), ("node.k8s.io", "v1"), ("discovery.k8s.io", "v1") })
            AddGroupVersion(gv.Item1, gv.Item2);

        // core
        Add("", "v1", "Pod", "pods", true, ["po"], sub: ["log", "status", "exec", "attach", "ephemeralcontainers", "eviction"], cat: ["all"]);
        Add("", "v1", "Node", "nodes", false, ["no"], sub: ["status", "proxy"]);
        Add("", "v1", "Namespace", "namespaces", false, ["ns"], sub: ["status", "finalize"]);
        var coreEvent = Add("", "v1", "Event", "events", true, ["ev"]);
        Add("", "v1", "Service", "services", true, ["svc"], sub: ["status", "proxy"], cat: ["all"]);
        Add("", "v1", "Endpoints", "endpoints", true, ["ep"], singular: "endpoints");
        Add("", "v1", "ConfigMap", "configmaps", true, ["cm"]);
        Add("", "v1", "Secret", "secrets", true, []);
        Add("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"], sub: ["token"]);
        Add("", "v1", "PersistentVolume", "persistentvolumes", false, ["pv"], sub: ["status"]);
        Add("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], sub: ["status"]);
        Add("", "v1", "ReplicationController", "replicationcontrollers", true, ["rc"], sub: ["scale", "status"], cat: ["all"]);
        Add("", "v1", "ResourceQuota", "resourcequotas", true, ["quota"], sub: ["status"]);
        Add("", "v1", "LimitRange", "limitranges", true, ["limits"]);
        Add("", "v1", "PodTemplate", "podtemplates", true, []);
        Add("", "v1", "ComponentStatus", "componentstatuses", false, ["cs"], verbs: ["get", "list"], singular: "componentstatus");
        // apps
        Add("apps", "v1", "Deployment", "deployments", true, ["deploy"], sub: ["scale", "status"], cat: ["all"]);
        Add("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], sub: ["scale", "status"], cat: ["all"]);
        Add("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], sub: ["scale", "status"], cat: ["all"]);
        Add("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], sub: ["status"], cat: ["all"]);
        Add("apps", "v1", "ControllerRevision", "controllerrevisions", true, []);
        // events.k8s.io: a converted view of core events
        Add("events.k8s.io", "v1", "Event", "events", true, ["ev"], viewOf: coreEvent);
        // authorization
        Add("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, [], verbs: ["create"], isVirtual: true);
        Add("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, [], verbs: ["create"], isVirtual: true);
        Add("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, [], verbs: ["create"], isVirtual: true);
        Add("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, [], verbs: ["create"], isVirtual: true);
        Add("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, [], verbs: ["create"], isVirtual: true);
        // autoscaling
        Add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], sub: ["status"], cat: ["all"]);
        Add("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], sub: ["status"], cat: ["all"]);
        // batch
        Add("batch", "v1", "Job", "jobs", true, [], sub: ["status"], cat: ["all"]);
        Add("batch", "v1", "CronJob", "cronjobs", true, ["cj"], sub: ["status"], cat: ["all"]);
        // networking
        Add("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], sub: ["status"]);
        Add("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, []);
        Add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, ["netpol"]);
        // policy
        Add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"], sub: ["status"]);
        // rbac
        Add("rbac.authorization.k8s.io", "v1", "Role", "roles", true, []);
        Add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, []);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, []);
        Add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, []);
        // storage
        Add("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"]);
        Add("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, [], sub: ["status"]);
        Add("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, []);
        Add("storage.k8s.io", "v1", "CSINode", "csinodes", false, []);
        // others
        Add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], sub: ["status"]);
        Add("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, [], sub: ["status"]);
        Add("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, ["csr"], sub: ["approval", "status"]);
        Add("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, []);
        Add("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, []);
        Add("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, ["pc"]);
        Add("coordination.k8s.io", "v1", "Lease", "leases", true, []);
        Add("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, []);
        Add("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, []);
    }

    public IReadOnlyList<(string Group, string Version)> GroupVersions => _groupVersions;

    public void AddGroupVersion(string group, string version)
    {
        if (!_groupVersions.Contains((group, version))) _groupVersions.Add((group, version));
    }

    public ResourceType Add(string group, string version, string kind, string plural, bool namespaced, string[] shortNames,
        string[]? sub = null, string[]? cat = null, string[]? verbs = null, string? singular = null, ResourceType? viewOf = null, bool isVirtual = false)
    {
        var t = new ResourceType
        {
            Group = group, Version = version, Kind = kind, Plural = plural, Namespaced = namespaced, ShortNames = shortNames,
            Singular = singular ?? kind.ToLowerInvariant(), Subresources = sub ?? [], Categories = cat ?? [],
            Verbs = verbs ?? (viewOf != null ? ResourceType.ReadOnly : ResourceType.ReadWrite), ViewOf = viewOf, Virtual = isVirtual,
        };
        AddGroupVersion(group, version);
        _types.Add(t);
        _byPlural[(group, version, plural)] = t;
        _byKind.TryAdd((t.ApiVersion, kind), t);
        return t;
    }

    public ResourceType? ByPlural(string group, string version, string plural) =>
        _byPlural.TryGetValue((group, version, plural), out var t) ? t : null;

    public ResourceType? ByKind(string apiVersion, string kind) =>
        _byKind.TryGetValue((apiVersion, kind), out var t) ? t : null;

    /// <summary>The stored type for a kind in any version of its group (e.g. autoscaling/v1 HPA is stored as v2).</summary>
    public ResourceType? StorageFor(ResourceType t) => t.ViewOf ?? t;

    public IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
        _types.Where(t => t.Group == group && t.Version == version);

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var i = apiVersion.IndexOf('/');
        return i < 0 ? ("", apiVersion) : (apiVersion[..i], apiVersion[(i + 1)..]);
    }
}
