using System.Text.Json;
using Kstack.Sim.Store;

namespace Kstack.Sim.Rbac;

/// <summary>What a request wants to do, in RBAC terms.</summary>
internal sealed record RequestAttributes
{
    public required string User { get; init; }
    public required IReadOnlyList<string> Groups { get; init; }
    public required string Verb { get; init; }
    public bool IsResourceRequest { get; init; } = true;
    public string ApiGroup { get; init; } = "";
    public string Resource { get; init; } = "";
    public string Subresource { get; init; } = "";
    public string Name { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Path { get; init; } = "";
}

internal sealed record PolicyRule(string[] Verbs, string[] ApiGroups, string[] Resources, string[] ResourceNames, string[] NonResourceUrls)
{
    public bool Matches(RequestAttributes a)
    {
        if (!Verbs.Contains("*") && !Verbs.Contains(a.Verb)) return false;
        if (!a.IsResourceRequest)
            return NonResourceUrls.Any(u => u == "*" || u == a.Path || (u.EndsWith('*') && a.Path.StartsWith(u[..^1], StringComparison.Ordinal)));
        if (!ApiGroups.Contains("*") && !ApiGroups.Contains(a.ApiGroup)) return false;
        var combined = a.Subresource.Length == 0 ? a.Resource : a.Resource + "/" + a.Subresource;
        if (!Resources.Any(r => r == "*" || r == combined || (a.Subresource.Length > 0 && r == "*/" + a.Subresource))) return false;
        if (ResourceNames.Length > 0 && !ResourceNames.Contains(a.Name)) return false;
        return true;
    }
}

/// <summary>RBAC over the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings in the store, with the system:masters bypass.</summary>
internal sealed class Authorizer(ObjectStore store)
{
    public const string Masters = "system:masters";
    private readonly object _lock = new();
    private (long, long, long, long) _cacheKey = (-1, -1, -1, -1);
    private Policy _policy = new([], []);

    private sealed record Binding(string? Namespace, string[] Users, string[] Groups, PolicyRule[] Rules);

    private sealed record Policy(Binding[] ClusterWide, Binding[] Namespaced);

    public bool Authorize(RequestAttributes a)
    {
        if (a.Groups.Contains(Masters)) return true;
        return RulesFor(a.User, a.Groups, a.Namespace, includeAllNamespaces: false).Any(r => r.Matches(a));
    }

    /// <summary>All rules that apply to the user in a namespace (cluster-wide rules plus those bound in the namespace).</summary>
    public IEnumerable<PolicyRule> RulesFor(string user, IReadOnlyList<string> groups, string ns, bool includeAllNamespaces)
    {
        if (groups.Contains(Masters))
        {
            yield return new PolicyRule(["*"], ["*"], ["*"], [], []);
            yield return new PolicyRule(["*"], [], [], [], ["*"]);
            yield break;
        }
        var p = Current();
        foreach (var b in p.ClusterWide.Concat(p.Namespaced.Where(b => includeAllNamespaces || (ns.Length > 0 && b.Namespace == ns))))
        {
            if (!b.Users.Contains(user) && !b.Groups.Any(groups.Contains)) continue;
            foreach (var r in b.Rules) yield return r;
        }
    }

    private Policy Current()
    {
        var reg = store.Registry;
        var cr = store.Get(reg.ByPlural("rbac.authorization.k8s.io", "v1", "clusterroles")!).Current;
        var crb = store.Get(reg.ByPlural("rbac.authorization.k8s.io", "v1", "clusterrolebindings")!).Current;
        var r = store.Get(reg.ByPlural("rbac.authorization.k8s.io", "v1", "roles")!).Current;
        var rb = store.Get(reg.ByPlural("rbac.authorization.k8s.io", "v1", "rolebindings")!).Current;
        var key = (cr.ResourceVersion, crb.ResourceVersion, r.ResourceVersion, rb.ResourceVersion);
        lock (_lock)
        {
            if (key == _cacheKey) return _policy;
            var clusterRoles = cr.Items.ToDictionary(o => o.Name, ParseRules);
            var roles = r.Items.ToDictionary(o => (o.Namespace, o.Name), ParseRules);
            var cw = crb.Items.Select(o => ParseBinding(o, null, clusterRoles, roles)).Where(b => b != null).Cast<Binding>().ToArray();
            var ns = rb.Items.Select(o => ParseBinding(o, o.Namespace, clusterRoles, roles)).Where(b => b != null).Cast<Binding>().ToArray();
            _policy = new Policy(cw, ns);
            _cacheKey = key;
            return _policy;
        }
    }

    private static PolicyRule[] ParseRules(StoredObject o)
    {
        using var doc = JsonDocument.Parse(o.Json);
        if (!doc.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array) return [];
        return rules.EnumerateArray().Select(rule => new PolicyRule(
            Strings(rule, "verbs"), Strings(rule, "apiGroups"), Strings(rule, "resources"), Strings(rule, "resourceNames"), Strings(rule, "nonResourceURLs"))).ToArray();
    }

    private static string[] Strings(JsonElement e, string prop) =>
        e.TryGetProperty(prop, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];

    private static Binding? ParseBinding(StoredObject o, string? ns, Dictionary<string, PolicyRule[]> clusterRoles, Dictionary<(string, string), PolicyRule[]> roles)
    {
        using var doc = JsonDocument.Parse(o.Json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("roleRef", out var rr)) return null;
        var kind = rr.TryGetProperty("kind", out var k) ? k.GetString() : null;
        var name = rr.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        PolicyRule[]? rules = kind switch
        {
            "ClusterRole" => clusterRoles.GetValueOrDefault(name),
            "Role" when ns != null => roles.GetValueOrDefault((ns, name)),
            _ => null,
        };
        if (rules == null) return null;
        var users = new List<string>();
        var groups = new List<string>();
        if (root.TryGetProperty("subjects", out var subjects) && subjects.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in subjects.EnumerateArray())
            {
                var sk = s.TryGetProperty("kind", out var x) ? x.GetString() : null;
                var sn = s.TryGetProperty("name", out var y) ? y.GetString() ?? "" : "";
                switch (sk)
                {
                    case "User": users.Add(sn); break;
                    case "Group": groups.Add(sn); break;
                    case "ServiceAccount":
                        var sns = s.TryGetProperty("namespace", out var z) ? z.GetString() ?? ns ?? "" : ns ?? "";
                        users.Add($"system:serviceaccount:{sns}:{sn}");
                        break;
                }
            }
        }
        return new Binding(ns, users.ToArray(), groups.ToArray(), rules);
    }

    /// <summary>The message of a 403 Status, worded as the real API server words it.</summary>
    public static string ForbiddenMessage(RequestAttributes a)
    {
        if (!a.IsResourceRequest) return $"forbidden: User \"{a.User}\" cannot {a.Verb} path \"{a.Path}\"";
        var gr = a.ApiGroup.Length == 0 ? a.Resource : a.Resource + "." + a.ApiGroup;
        var subject = a.Name.Length > 0 ? $"{gr} \"{a.Name}\"" : gr;
        var res = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
        var scope = a.Namespace.Length > 0 ? $"in the namespace \"{a.Namespace}\"" : "at the cluster scope";
        return $"{subject} is forbidden: User \"{a.User}\" cannot {a.Verb} resource \"{res}\" in API group \"{a.ApiGroup}\" {scope}";
    }
}
