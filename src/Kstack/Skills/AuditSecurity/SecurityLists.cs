using Kstack.Checks;
using Kstack.Kube;

namespace Kstack.Skills.AuditSecurity;

/// <summary>The reads /audit-security makes. Secrets are metadata-only (PartialObjectMetadataList): their data is never requested.</summary>
internal static class SecurityLists
{
    public static readonly ListSpec Namespaces = new("namespaces.json", "namespaces", "/api/v1/namespaces", null, "v1", "Namespace");
    public static readonly ListSpec ServiceAccounts = new("serviceaccounts.json", "serviceaccounts", "/api/v1/serviceaccounts",
        "/api/v1/namespaces/{ns}/serviceaccounts", "v1", "ServiceAccount");
    public static readonly ListSpec SecretsMeta = new("secrets.meta.json", "secrets", "/api/v1/secrets",
        "/api/v1/namespaces/{ns}/secrets", "v1", "Secret", MetadataOnly: true);
    public static readonly ListSpec ClusterRoles = new("clusterroles.json", "clusterroles", "/apis/rbac.authorization.k8s.io/v1/clusterroles", null,
        "rbac.authorization.k8s.io/v1", "ClusterRole");
    public static readonly ListSpec ClusterRoleBindings = new("clusterrolebindings.json", "clusterrolebindings",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", null, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
    public static readonly ListSpec Roles = new("roles.json", "roles", "/apis/rbac.authorization.k8s.io/v1/roles",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", "rbac.authorization.k8s.io/v1", "Role");
    public static readonly ListSpec RoleBindings = new("rolebindings.json", "rolebindings", "/apis/rbac.authorization.k8s.io/v1/rolebindings",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", "rbac.authorization.k8s.io/v1", "RoleBinding");

    public static readonly IReadOnlyList<ListSpec> All =
    [
        ListSpec.Version, Namespaces, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta, ServiceAccounts, SecretsMeta,
        ClusterRoles, ClusterRoleBindings, Roles, RoleBindings,
    ];

    /// <summary>agent_context role → cache file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles_ = All.ToDictionary(s => s.File == "cluster.json" ? "cluster" : s.File.Split('.')[0], s => s.File);

    /// <summary>The checks a list's absence leaves unrun.</summary>
    public static IReadOnlyList<string> Unchecked(ListSpec spec)
    {
        IEnumerable<CheckInfo> checks = spec.File switch
        {
            "pods.json" => SecurityChecks.All.Where(c => c.Category is "pod-security" or "workloads" or "images")
                .Concat([SecurityChecks.EnvCredential, SecurityChecks.SecretAsEnv, SecurityChecks.Automount, SecurityChecks.DefaultSaUsed,
                    SecurityChecks.MissingSa, SecurityChecks.NamespaceViolation, SecurityChecks.NamespaceUnlabelled, SecurityChecks.Takeover, SecurityChecks.UnusedSecret]),
            "namespaces.json" => [SecurityChecks.NamespaceUnlabelled, SecurityChecks.NamespacePrivileged, SecurityChecks.NamespaceViolation],
            "serviceaccounts.json" => [SecurityChecks.Automount, SecurityChecks.MissingSa, SecurityChecks.MissingSubject],
            "secrets.meta.json" => [SecurityChecks.LegacyToken, SecurityChecks.UnusedSecret],
            "clusterroles.json" or "roles.json" => [SecurityChecks.Wildcard, SecurityChecks.MissingRole, SecurityChecks.ClusterAdmin],
            "clusterrolebindings.json" or "rolebindings.json" => SecurityChecks.All.Where(c => c.Category == "rbac").Concat([SecurityChecks.Automount]),
            _ => [],
        };
        return checks.Select(c => c.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
