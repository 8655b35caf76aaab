using Kstack.Kube;

namespace Kstack.Skills.Cleanup;

/// <summary>One kind kstack may create: where to list and delete it and what deleting one does.</summary>
internal sealed record CleanupKind(string Kind, string Plural, string GroupVersion, bool Namespaced, string Effect, bool MetadataOnly = true)
{
    private string Prefix => GroupVersion == "v1" ? "/api/v1" : "/apis/" + GroupVersion;

    public string Group => GroupVersion.Contains('/') ? GroupVersion.Split('/')[0] : "";

    /// <summary>The list across the cluster, or in one namespace.</summary>
    public string ListPath(string? ns) => ns is null || !Namespaced ? $"{Prefix}/{Plural}" : $"{Prefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}";

    public string ItemPath(string? ns, string name) =>
        Namespaced ? $"{Prefix}/namespaces/{Uri.EscapeDataString(ns ?? "")}/{Plural}/{Uri.EscapeDataString(name)}" : $"{Prefix}/{Plural}/{Uri.EscapeDataString(name)}";

    public ApiAction ListAction(string? ns) => ApiAction.List(Plural, Namespaced ? ns : null);

    /// <summary>Metadata-only list, with no full-object fallback (a Secret's data is never requested).</summary>
    public const string StrictMetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

    public string? Accept => MetadataOnly ? StrictMetadataListAccept : null;

    public string Lower => Kind.ToLowerInvariant();

    /// <summary>The kinds, in the order /cleanup deletes them: pods first (they use the rest), bindings before what they bind.</summary>
    public static readonly IReadOnlyList<CleanupKind> All =
    [
        new("Pod", "pods", "v1", true, "stops its containers (a shell in it ends)", MetadataOnly: false),
        new("RoleBinding", "rolebindings", "rbac.authorization.k8s.io/v1", true, "revokes what it grants its subjects in the namespace"),
        new("ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io/v1", false, "revokes what it grants its subjects cluster-wide"),
        new("Role", "roles", "rbac.authorization.k8s.io/v1", true, "removes its rules; bindings that name it grant nothing"),
        new("ClusterRole", "clusterroles", "rbac.authorization.k8s.io/v1", false, "removes its rules; bindings that name it grant nothing"),
        new("ServiceAccount", "serviceaccounts", "v1", true, "invalidates its tokens; pods using it keep running until restarted"),
        new("Secret", "secrets", "v1", true, "removes the credential; pods mounting it keep their copy until restarted"),
        new("ConfigMap", "configmaps", "v1", true, "removes the data; pods mounting it keep their copy until restarted"),
    ];

    public static CleanupKind? ByKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);
}
