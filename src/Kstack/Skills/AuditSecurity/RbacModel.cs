using System.Text.Json;
using Kstack.Audit;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditSecurity;

internal sealed record RbacRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    public bool AllWildcard => Verbs.Contains("*") && ApiGroups.Contains("*") && Resources.Contains("*");

    public static RbacRule From(JsonElement r) => new(S(r, "verbs"), S(r, "apiGroups"), S(r, "resources"), S(r, "resourceNames"), S(r, "nonResourceURLs"));

    private static string[] S(JsonElement e, string name) =>
        e.Array(name).Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray();

    /// <summary>RBAC matching: "*" matches everything; resource "*" also matches subresources, "pods/*" every pods subresource.</summary>
    public bool Grants(string verb, string group, string resource) =>
        (Verbs.Contains("*") || Verbs.Contains(verb))
        && (ApiGroups.Contains("*") || ApiGroups.Contains(group))
        && Resources.Any(r => r == "*" || r == resource || ResourceMatches(r, resource));

    private static bool ResourceMatches(string pattern, string resource)
    {
        var slash = resource.IndexOf('/');
        if (slash < 0) return false;
        return pattern == resource[..slash] + "/*" || pattern == "*/" + resource[(slash + 1)..];
    }
}

/// <summary>A Role or ClusterRole. Bootstrap roles (label kubernetes.io/bootstrapping=rbac-defaults or a system: name) are the platform's.</summary>
internal sealed record RbacRole(string Kind, string? Namespace, string Name, IReadOnlyList<RbacRule> Rules,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyList<JsonElement> AggregationSelectors, bool Bootstrap)
{
    public static RbacRole From(JsonElement e, string kind)
    {
        var labels = e.Props("metadata", "labels").Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var name = e.Str("metadata", "name") ?? "";
        return new RbacRole(kind, kind == "Role" ? e.Str("metadata", "namespace") : null, name,
            e.Array("rules").Select(RbacRule.From).ToList(), labels,
            e.Array("aggregationRule", "clusterRoleSelectors").Select(x => x.Clone()).ToList(),
            RbacBinding.IsBootstrap(name, labels));
    }
}

internal sealed record RbacSubject(string Kind, string Name, string? Namespace)
{
    public Objects.ObjectRef Ref => Kind == "ServiceAccount" ? new("ServiceAccount", Namespace, Name) : new(Kind, null, Name);
}

internal sealed record RbacBinding(string Kind, string? Namespace, string Name, string RoleKind, string RoleName,
    IReadOnlyList<RbacSubject> Subjects, IReadOnlyDictionary<string, string> Annotations, bool Bootstrap)
{
    public Objects.ObjectRef Ref => new(Kind, Namespace, Name);
    public Scope Scope => Kind == "ClusterRoleBinding" ? Scope.Cluster : Scope.Namespace;

    public static RbacBinding From(JsonElement e, string kind)
    {
        var labels = e.Props("metadata", "labels").Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var annotations = e.Props("metadata", "annotations").Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var ns = kind == "RoleBinding" ? e.Str("metadata", "namespace") : null;
        var name = e.Str("metadata", "name") ?? "";
        var subjects = e.Array("subjects").Select(s => new RbacSubject(s.Str("kind") ?? "", s.Str("name") ?? "",
            s.Str("kind") == "ServiceAccount" ? s.Str("namespace") ?? ns : null)).ToList();
        return new RbacBinding(kind, ns, name, e.Str("roleRef", "kind") ?? "", e.Str("roleRef", "name") ?? "", subjects, annotations,
            IsBootstrap(name, labels));
    }

    public static bool IsBootstrap(string name, IReadOnlyDictionary<string, string> labels) =>
        name.StartsWith("system:", StringComparison.Ordinal)
        || labels.TryGetValue("kubernetes.io/bootstrapping", out var b) && b == "rbac-defaults";
}

