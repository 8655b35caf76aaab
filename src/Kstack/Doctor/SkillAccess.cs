namespace Kstack.Doctor;

/// <summary>One permission a skill uses, as a SelfSubjectAccessReview asks it (cluster-wide).</summary>
internal sealed record Access(string Verb, string Group, string Resource, string? Subresource = null)
{
    public override string ToString() => $"{Verb} {(Group.Length == 0 ? "" : Group + "/")}{Resource}{(Subresource is null ? "" : "/" + Subresource)}";
}

/// <summary>
/// The API access each skill needs (required: the skill cannot answer without it) or uses when allowed (optional: that
/// part is reported as not readable). deploy/rbac/kstack-reader.yaml grants every read below; /exec's are writes.
/// </summary>
internal static class SkillAccess
{
    public sealed record Needs(string Skill, IReadOnlyList<Access> Required, IReadOnlyList<Access> Optional);

    public static readonly IReadOnlyList<Needs> All =
    [
        new("cluster-status", [new("list", "", "nodes"), new("list", "", "pods")], [new("list", "apps", "replicasets"), new("list", "batch", "jobs")]),
        new("events", [new("list", "", "events")], [new("list", "", "pods"), new("list", "apps", "replicasets"), new("list", "batch", "jobs")]),
        new("investigate", [new("get", "", "pods"), new("list", "", "pods")],
        [
            new("list", "", "events"), new("get", "", "pods", "log"), new("list", "", "services"), new("list", "discovery.k8s.io", "endpointslices"),
            new("get", "apps", "deployments"), new("get", "apps", "replicasets"), new("get", "apps", "statefulsets"), new("get", "apps", "daemonsets"),
            new("get", "batch", "jobs"), new("get", "batch", "cronjobs"), new("get", "", "configmaps"), new("get", "", "persistentvolumeclaims"),
            new("get", "", "serviceaccounts"), new("get", "", "nodes"),
        ]),
        new("logs", [new("list", "", "pods"), new("watch", "", "pods"), new("get", "", "pods", "log")], []),
        new("alerts", [new("get", "", "services", "proxy")], [new("list", "", "services")]),
        new("metrics", [new("list", "", "pods")], [new("list", "metrics.k8s.io", "pods"), new("list", "metrics.k8s.io", "nodes"), new("list", "", "services"), new("get", "", "services", "proxy")]),
        // Secrets are left out as for /investigate (kstack-reader does not grant them): without `list secrets` the two Secret checks are reported unchecked.
        new("audit-security", [new("list", "", "pods")],
        [
            new("list", "", "namespaces"), new("list", "", "serviceaccounts"), new("list", "apps", "replicasets"), new("list", "batch", "jobs"),
            new("list", "rbac.authorization.k8s.io", "clusterroles"), new("list", "rbac.authorization.k8s.io", "clusterrolebindings"),
            new("list", "rbac.authorization.k8s.io", "roles"), new("list", "rbac.authorization.k8s.io", "rolebindings"),
        ]),
        new("audit-network", [new("list", "", "pods")],
        [
            new("list", "", "namespaces"), new("list", "", "services"), new("list", "discovery.k8s.io", "endpointslices"),
            new("list", "networking.k8s.io", "networkpolicies"), new("list", "networking.k8s.io", "ingresses"), new("list", "networking.k8s.io", "ingressclasses"),
            new("list", "apps", "replicasets"), new("list", "batch", "jobs"), new("list", "gateway.networking.k8s.io", "gateways"),
            new("list", "gateway.networking.k8s.io", "httproutes"), new("list", "cert-manager.io", "certificates"),
        ]),
        new("audit-cost", [new("list", "", "pods")],
        [
            new("list", "", "namespaces"), new("list", "", "nodes"), new("list", "", "persistentvolumes"), new("list", "", "persistentvolumeclaims"),
            new("list", "", "services"), new("list", "discovery.k8s.io", "endpointslices"), new("list", "apps", "replicasets"),
            new("list", "apps", "deployments"), new("list", "apps", "statefulsets"), new("list", "apps", "daemonsets"),
            new("list", "batch", "jobs"), new("list", "batch", "cronjobs"), new("list", "autoscaling.k8s.io", "verticalpodautoscalers"),
            new("get", "", "services", "proxy"), new("list", "metrics.k8s.io", "pods"),
        ]),
        new("karpenter", [new("list", "karpenter.sh", "nodepools")],
        [
            new("list", "karpenter.sh", "nodeclaims"), new("list", "karpenter.k8s.aws", "ec2nodeclasses"), new("list", "", "nodes"),
            new("list", "", "pods"), new("list", "apps", "replicasets"), new("list", "batch", "jobs"),
            new("list", "policy", "poddisruptionbudgets"), new("list", "events.k8s.io", "events"),
        ]),
        new("exec", [new("get", "", "pods"), new("create", "", "pods", "exec")],
            [new("patch", "", "pods", "ephemeralcontainers"), new("create", "", "pods"), new("delete", "", "pods"), new("get", "", "namespaces")]),
        new("cleanup", [new("list", "", "pods")],
        [
            new("list", "", "configmaps"), new("list", "", "secrets"), new("list", "", "serviceaccounts"),
            new("list", "rbac.authorization.k8s.io", "roles"), new("list", "rbac.authorization.k8s.io", "rolebindings"),
            new("list", "rbac.authorization.k8s.io", "clusterroles"), new("list", "rbac.authorization.k8s.io", "clusterrolebindings"),
            new("delete", "", "pods"),
        ]),
    ];
}
