using Kstack.Checks;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditSecurity;

// Inside the namespace, so it wins over the Kstack.Checks namespace.
using Checks = Kstack.Skills.AuditSecurity.SecurityChecks;

/// <summary>One RBAC finding before rendering: a subject (role, binding or bound subject) and where the right comes from.</summary>
internal sealed record RbacHit(CheckInfo Check, ObjectRef Subject, string Field, string Observed, Audit.Scope Scope);

/// <summary>A subject's rules through one binding, already scoped: a RoleBinding grants only namespaced resources.</summary>
internal sealed record Grant(RbacBinding Binding, RbacSubject Subject, IReadOnlyList<RbacRule> Rules, string Via)
{
    /// <summary>Whether this grant allows the request; a RoleBinding never grants a cluster-scoped resource, even through "*".</summary>
    public bool Allows(string verb, string group, string resource) =>
        !(Binding.Kind == "RoleBinding" && RbacGraph.ClusterScoped.Contains(resource)) && Rules.Any(r => r.Grants(verb, group, resource));
}

/// <summary>
/// The RBAC graph: bindings → roles (ClusterRole aggregation resolved) → rules, per subject. Static: what is granted,
/// not what is used. Pure over the four lists; a list that could not be read is null and its checks are skipped.
/// </summary>
internal sealed class RbacGraph
{
    /// <summary>Cluster-scoped resources: a RoleBinding never grants them, whatever its ClusterRole says.</summary>
    public static readonly HashSet<string> ClusterScoped =
    [
        "nodes", "nodes/proxy", "nodes/status", "persistentvolumes", "namespaces", "clusterroles", "clusterrolebindings",
        "certificatesigningrequests", "certificatesigningrequests/approval", "signers", "validatingwebhookconfigurations",
        "mutatingwebhookconfigurations", "users", "groups", "uids", "userextras/*", "customresourcedefinitions", "storageclasses",
        "priorityclasses", "runtimeclasses", "apiservices", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
    ];

    private readonly Dictionary<string, RbacRole> _clusterRoles;
    private readonly Dictionary<(string Ns, string Name), RbacRole> _roles;
    public IReadOnlyList<RbacBinding> Bindings { get; }
    public IReadOnlyList<RbacRole> Roles { get; }
    public bool RolesReadable { get; }
    public bool ClusterRolesReadable { get; }

    public RbacGraph(IReadOnlyList<RbacRole>? clusterRoles, IReadOnlyList<RbacRole>? roles, IReadOnlyList<RbacBinding> bindings)
    {
        ClusterRolesReadable = clusterRoles is not null;
        RolesReadable = roles is not null;
        _clusterRoles = (clusterRoles ?? []).GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _roles = (roles ?? []).GroupBy(r => (r.Namespace ?? "", r.Name)).ToDictionary(g => g.Key, g => g.First());
        Roles = [.. clusterRoles ?? [], .. roles ?? []];
        Bindings = bindings;
    }

    /// <summary>The rules of a role; null when it does not exist (or its list is unreadable: then Known is false).</summary>
    public (IReadOnlyList<RbacRule>? Rules, bool Known, IReadOnlyList<string> AggregatedFrom) RulesOf(string kind, string? ns, string name)
    {
        if (kind == "Role")
            return _roles.TryGetValue((ns ?? "", name), out var r) ? (r.Rules, true, []) : (null, RolesReadable, []);
        if (!_clusterRoles.TryGetValue(name, out var cr)) return (null, ClusterRolesReadable, []);
        if (_aggregated.TryGetValue(name, out var done)) return (done.Rules, true, done.Sources);
        var sources = new List<string>();
        var rules = Aggregate(cr, [], sources);
        _aggregated[name] = (rules, sources);
        return (rules, true, sources);
    }

    // Thousands of RoleBindings name the same few ClusterRoles (view, edit, admin): aggregate each once.
    private readonly Dictionary<string, (List<RbacRule> Rules, List<string> Sources)> _aggregated = new(StringComparer.Ordinal);

    private List<RbacRule> Aggregate(RbacRole role, HashSet<string> seen, List<string> sources)
    {
        var rules = new List<RbacRule>(role.Rules);
        if (!seen.Add(role.Name) || role.AggregationSelectors.Count == 0) return rules;
        foreach (var other in _clusterRoles.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (other.Name == role.Name || !role.AggregationSelectors.Any(s => LabelSelector.Matches(s, other.Labels))) continue;
            if (!seen.Contains(other.Name)) sources.Add(other.Name);
            foreach (var rule in Aggregate(other, seen, sources))
                if (!rules.Contains(rule)) rules.Add(rule);
        }
        return rules;
    }

    /// <summary>Every (binding, subject) pair of a non-bootstrap binding with the rules it effectively grants.</summary>
    public IReadOnlyList<Grant> Grants() => _grants ??= [.. ComputeGrants()];

    private List<Grant>? _grants;

    private IEnumerable<Grant> ComputeGrants()
    {
        foreach (var b in Bindings.Where(b => !b.Bootstrap))
        {
            var (rules, _, from) = RulesOf(b.RoleKind, b.Namespace, b.RoleName);
            if (rules is null) continue;
            var effective = b.Kind == "RoleBinding"
                ? rules.Where(r => r.NonResourceUrls.Count == 0)
                    .Select(r => r with { Resources = r.Resources.Where(res => !ClusterScoped.Contains(res)).ToList() })
                    .Where(r => r.Resources.Count > 0).ToList()
                : rules; // Grant.Allows also keeps "*" in a RoleBinding away from cluster-scoped resources
            var via = $"{b.Kind.ToLowerInvariant()}/{(b.Namespace is null ? "" : b.Namespace + "/")}{b.Name} → {b.RoleKind.ToLowerInvariant()}/{b.RoleName}"
                      + (from.Count > 0 ? $" (aggregates {string.Join(", ", from.Take(3).Select(f => "clusterrole/" + f))})" : "");
            foreach (var s in b.Subjects) yield return new Grant(b, s, effective, via);
        }
    }

    /// <summary>Service accounts that hold any right through a non-bootstrap binding (by name or by a group they are in).</summary>
    public Func<string, string, bool> HasRights()
    {
        var named = new HashSet<(string, string)>();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        var all = false;
        foreach (var g in Grants().Where(g => g.Rules.Count > 0))
        {
            if (g.Subject.Kind == "ServiceAccount") named.Add((g.Subject.Namespace ?? "", g.Subject.Name));
            else if (g.Subject.Kind == "Group" && g.Subject.Name is "system:serviceaccounts" or "system:authenticated") all = true;
            else if (g.Subject.Kind == "Group" && g.Subject.Name.StartsWith("system:serviceaccounts:", StringComparison.Ordinal))
                namespaces.Add(g.Subject.Name["system:serviceaccounts:".Length..]);
        }
        return (ns, name) => all || namespaces.Contains(ns) || named.Contains((ns, name));
    }
}

/// <summary>matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) of a metav1.LabelSelector.</summary>
internal static class LabelSelector
{
    public static bool Matches(JsonElement selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var p in selector.Props("matchLabels"))
            if (!labels.TryGetValue(p.Name, out var v) || p.Value.ValueKind != JsonValueKind.String || v != p.Value.GetString()) return false;
        foreach (var e in selector.Array("matchExpressions"))
        {
            var key = e.Str("key") ?? "";
            var values = e.Array("values").Select(x => x.GetString()).ToList();
            var has = labels.TryGetValue(key, out var v);
            var ok = e.Str("operator") switch
            {
                "In" => has && values.Contains(v),
                "NotIn" => !has || !values.Contains(v),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return selector.ValueKind == JsonValueKind.Object;
    }
}

/// <summary>The RBAC checks over a graph. Pure.</summary>
internal static class RbacChecks
{
    private static readonly (string Group, string Resource)[] WorkloadCreators =
    [
        ("", "pods"), ("", "replicationcontrollers"), ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "statefulsets"),
        ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"),
    ];

    /// <param name="serviceAccountExists">null when service accounts could not be listed there (the check is skipped).</param>
    public static IEnumerable<RbacHit> Evaluate(RbacGraph graph, Func<string, string, bool?> serviceAccountExists)
    {
        foreach (var role in graph.Roles.Where(r => !r.Bootstrap))
        {
            var subject = new ObjectRef(role.Kind, role.Namespace, role.Name);
            var scope = role.Kind == "ClusterRole" ? Audit.Scope.Cluster : Audit.Scope.Namespace;
            for (var i = 0; i < role.Rules.Count; i++)
            {
                var r = role.Rules[i];
                foreach (var (field, values) in new[] { ("verbs", r.Verbs), ("resources", r.Resources), ("apiGroups", r.ApiGroups) })
                    if (values.Contains("*")) yield return new RbacHit(Checks.Wildcard, subject, $"rules[{i}].{field}", "*", scope);
            }
        }

        foreach (var b in graph.Bindings.Where(b => !b.Bootstrap))
        {
            var (rules, known, _) = graph.RulesOf(b.RoleKind, b.Namespace, b.RoleName);
            var roleRef = $"{b.RoleKind.ToLowerInvariant()}/{b.RoleName}";
            if (rules is null && known) yield return new RbacHit(Checks.MissingRole, b.Ref, "roleRef", roleRef, b.Scope);
            var onlyMasters = b.Subjects.Count > 0 && b.Subjects.All(s => s is { Kind: "Group", Name: "system:masters" });
            if ((b.RoleName == "cluster-admin" && b.RoleKind == "ClusterRole" || rules?.Any(r => r.AllWildcard) == true) && !onlyMasters)
                yield return new RbacHit(Checks.ClusterAdmin, b.Ref, "roleRef", $"{roleRef} → {SubjectList(b)}", b.Scope);
            foreach (var s in b.Subjects)
            {
                var who = s.Ref.ToString();
                if (s is { Kind: "Group", Name: "system:masters" })
                    yield return new RbacHit(Checks.SystemMasters, b.Ref, "subjects", "group/system:masters", b.Scope);
                if (s is { Kind: "User", Name: "system:anonymous" } or { Kind: "Group", Name: "system:unauthenticated" })
                    yield return new RbacHit(Checks.Anonymous, b.Ref, "subjects", $"{s.Name} → {roleRef}", b.Scope);
                if (s.Kind == "Group" && (s.Name is "system:authenticated" or "system:serviceaccounts" || s.Name.StartsWith("system:serviceaccounts:", StringComparison.Ordinal)))
                    yield return new RbacHit(Checks.AllAuthenticated, b.Ref, "subjects", $"{s.Name} → {roleRef}", b.Scope);
                if (s.Kind == "ServiceAccount" && serviceAccountExists(s.Namespace ?? "", s.Name) == false)
                    yield return new RbacHit(Checks.MissingSubject, b.Ref, "subjects", who, b.Scope);
                if (s is { Kind: "ServiceAccount", Name: "default" } && rules is { Count: > 0 })
                    yield return new RbacHit(Checks.DefaultSaRights, s.Ref, "rbac: " + b.Ref, roleRef, b.Scope);
            }
        }

        foreach (var g in graph.Grants())
        {
            // An all-wildcard grant is reported once, as cluster-admin on the binding.
            if (g.Rules.Any(r => r.AllWildcard) || g.Subject is { Kind: "Group", Name: "system:masters" }) continue;
            foreach (var (check, observed) in Rights(g)) yield return new RbacHit(check, g.Subject.Ref, "rbac: " + g.Via, observed, g.Binding.Scope);
        }
    }

    /// <summary>The dangerous rights one grant gives, each with what was found ("get,list secrets in namespace wild").</summary>
    public static IEnumerable<(CheckInfo Check, string Observed)> Rights(Grant g)
    {
        var where = g.Binding.Namespace is { } ns ? $" in namespace {ns}" : " cluster-wide";
        string? Verbs(string group, string resource, params string[] verbs)
        {
            var granted = verbs.Where(v => g.Allows(v, group, resource)).ToList();
            return granted.Count == 0 ? null : $"{string.Join(",", granted)} {resource}";
        }
        string? Any(params string?[] parts) => parts.Where(p => p is not null).ToList() is { Count: > 0 } found ? string.Join("; ", found) + where : null;

        if (Any(Verbs("", "secrets", "get", "list", "watch")) is { } secrets) yield return (Checks.SecretsRead, secrets);
        if (Any(Verbs("rbac.authorization.k8s.io", "roles", "escalate", "bind"), Verbs("rbac.authorization.k8s.io", "clusterroles", "escalate", "bind"),
                Verbs("", "users", "impersonate"), Verbs("", "groups", "impersonate"), Verbs("", "serviceaccounts", "impersonate"),
                Verbs("authentication.k8s.io", "uids", "impersonate"), Verbs("authentication.k8s.io", "userextras/scopes", "impersonate")) is { } esc)
            yield return (Checks.Escalate, esc);
        if (Any(Verbs("", "pods/exec", "create", "get"), Verbs("", "pods/attach", "create", "get"), Verbs("", "pods/ephemeralcontainers", "patch", "update")) is { } exec)
            yield return (Checks.PodExec, exec);
        if (Any(Verbs("", "nodes/proxy", "get", "create", "update", "patch", "delete", "*")) is { } proxy) yield return (Checks.NodesProxy, proxy);
        if (Any(WorkloadCreators.Select(w => Verbs(w.Group, w.Resource, "create")).ToArray()) is { } create) yield return (Checks.CreatePods, create);
        if (Any(Verbs("", "persistentvolumes", "create")) is { } pv) yield return (Checks.CreatePv, pv);
        if (Any(Verbs("certificates.k8s.io", "certificatesigningrequests/approval", "update", "patch")) is { } csr) yield return (Checks.CsrApprove, csr);
        if (Any(Verbs("admissionregistration.k8s.io", "validatingwebhookconfigurations", "create", "update", "patch", "delete"),
                Verbs("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "create", "update", "patch", "delete")) is { } hooks)
            yield return (Checks.Webhooks, hooks);
        if (Any(Verbs("", "serviceaccounts/token", "create")) is { } token) yield return (Checks.TokenCreate, token);
        if (Any(Verbs("", "pods/portforward", "create", "get")) is { } pf) yield return (Checks.PortForward, pf);
        if ((g.Binding.Namespace is null or "kube-system")
            && g.Rules.Any(r => (r.ResourceNames.Count == 0 || r.ResourceNames.Contains("coredns")) && (r.Grants("update", "", "configmaps") || r.Grants("patch", "", "configmaps"))))
            yield return (Checks.CoreDns, "update/patch configmaps" + (g.Binding.Namespace is null ? " cluster-wide" : " in kube-system"));
    }

    /// <summary>Service accounts that can both create workloads and read Secrets, through any of their grants.</summary>
    public static IEnumerable<(RbacSubject Account, string Via)> TakeoverAccounts(RbacGraph graph)
    {
        var byAccount = graph.Grants().Where(g => g.Subject.Kind == "ServiceAccount" && !g.Rules.Any(r => r.AllWildcard))
            .GroupBy(g => (g.Subject.Namespace ?? "", g.Subject.Name));
        foreach (var grants in byAccount)
        {
            var create = grants.FirstOrDefault(g => new[] { "create", "update", "patch" }.Any(v => g.Allows(v, "", "pods")));
            var read = grants.FirstOrDefault(g => new[] { "get", "list", "watch" }.Any(v => g.Allows(v, "", "secrets")));
            if (create is not null && read is not null)
                yield return (create.Subject, create == read ? create.Via : $"{create.Via}; {read.Via}");
        }
    }

    private static string SubjectList(RbacBinding b) =>
        string.Join(", ", b.Subjects.Take(3).Select(s => s.Ref.ToString())) + (b.Subjects.Count > 3 ? $" +{b.Subjects.Count - 3} more" : "");
}
