using System.Text.Json;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Objects;

/// <summary>
/// The one kind table: the built-in kinds kstack knows without asking, plus the custom resources an API server's
/// discovery serves (<see cref="DiscoverAsync"/>). Lookup accepts what kubectl accepts: kind, plural, short name,
/// and <c>plural.group</c> / <c>kind.group</c>, case-insensitively.
/// </summary>
internal sealed class KindTable
{
    /// <summary>Aggregated discovery (apidiscovery.k8s.io/v2, one request for every group) with the legacy list as fallback.</summary>
    public const string AggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

    /// <summary>Legacy discovery asks once per group; cap how many groups one lookup may cost.</summary>
    public const int MaxLegacyGroups = 60;

    public static readonly KindTable Builtin = new(
    [
        .. KindInfo.PodsAndWorkloads, KindInfo.Node, KindInfo.Namespace, KindInfo.Service,
        new("ConfigMap", "configmaps", "", "v1", true, ["cm"]),
        new("Secret", "secrets", "", "v1", true, []),
        new("ServiceAccount", "serviceaccounts", "", "v1", true, ["sa"]),
        new("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", true, ["pvc"]),
        new("PersistentVolume", "persistentvolumes", "", "v1", false, ["pv"]),
        new("Endpoints", "endpoints", "", "v1", true, ["ep"]),
        new("Event", "events", "", "v1", true, ["ev"]),
        new("LimitRange", "limitranges", "", "v1", true, ["limits"]),
        new("ResourceQuota", "resourcequotas", "", "v1", true, ["quota"]),
        new("ReplicationController", "replicationcontrollers", "", "v1", true, ["rc"]),
        new("EndpointSlice", "endpointslices", "discovery.k8s.io", "v1", true, []),
        new("Ingress", "ingresses", "networking.k8s.io", "v1", true, ["ing"]),
        new("IngressClass", "ingressclasses", "networking.k8s.io", "v1", false, []),
        new("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", true, ["netpol"]),
        new("HorizontalPodAutoscaler", "horizontalpodautoscalers", "autoscaling", "v2", true, ["hpa"]),
        new("PodDisruptionBudget", "poddisruptionbudgets", "policy", "v1", true, ["pdb"]),
        new("Role", "roles", "rbac.authorization.k8s.io", "v1", true, []),
        new("RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1", true, []),
        new("ClusterRole", "clusterroles", "rbac.authorization.k8s.io", "v1", false, []),
        new("ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", false, []),
        new("StorageClass", "storageclasses", "storage.k8s.io", "v1", false, ["sc"]),
        new("PriorityClass", "priorityclasses", "scheduling.k8s.io", "v1", false, ["pc"]),
        new("Lease", "leases", "coordination.k8s.io", "v1", true, []),
        new("CustomResourceDefinition", "customresourcedefinitions", "apiextensions.k8s.io", "v1", false, ["crd", "crds"]),
    ]);

    private readonly List<KindInfo> _kinds;

    public KindTable(IEnumerable<KindInfo> kinds) => _kinds = kinds.ToList();

    public IReadOnlyList<KindInfo> All => _kinds;

    /// <summary>The kind a word names, or null. Built-ins win over custom resources that reuse a short name.</summary>
    public KindInfo? Find(string word)
    {
        var w = word.ToLowerInvariant();
        var dot = w.IndexOf('.');
        foreach (var k in _kinds)
        {
            if (k.Names.Contains(w)) return k;
            if (dot > 0 && k.Group.Length > 0 && w[(dot + 1)..] == k.Group && (w[..dot] == k.Plural || w[..dot] == k.Kind.ToLowerInvariant())) return k;
        }
        return null;
    }

    public KindInfo? ByKind(string kind) => _kinds.FirstOrDefault(k => k.Kind == kind);

    /// <summary>This table plus kinds not already in it (a built-in keeps its entry).</summary>
    public KindTable With(IEnumerable<KindInfo> more) =>
        new(_kinds.Concat(more.Where(m => !_kinds.Any(k => k.Plural == m.Plural && k.Group == m.Group))));

    /// <summary>
    /// The built-in table plus every resource the API server's discovery lists (custom resources included), from one
    /// aggregated-discovery request, or the legacy group list when the server does not offer it. Unreadable discovery
    /// leaves the built-in table: a lookup must not fail because discovery is denied.
    /// </summary>
    public static async Task<KindTable> DiscoverAsync(KubeApi api, CancellationToken ct)
    {
        var root = await api.GetAsync("/apis", ApiAction.Get("API discovery"), ct, AggregatedAccept);
        if (!root.Ok) return Builtin;
        if (root.Value.Str("kind") == "APIGroupDiscoveryList") return Builtin.With(FromAggregated(root.Value));
        var versions = root.Value.Array("groups")
            .Select(g => g.Str("preferredVersion", "groupVersion"))
            .OfType<string>()
            .Where(gv => !Builtin.All.Any(k => k.ApiVersion == gv))
            .Take(MaxLegacyGroups).ToList();
        var lists = await Task.WhenAll(versions.Select(gv => api.GetAsync("/apis/" + gv, ApiAction.Get("API discovery"), ct)));
        return Builtin.With(lists.Where(l => l.Ok).SelectMany(l => FromResourceList(l.Value)));
    }

    /// <summary>Kinds from an APIGroupDiscoveryList (preferred, i.e. first, version of each group; no subresources).</summary>
    public static IEnumerable<KindInfo> FromAggregated(JsonElement list)
    {
        foreach (var group in list.Array("items"))
        {
            var name = group.Str("metadata", "name") ?? "";
            var version = group.Array("versions").FirstOrDefault();
            if (version.ValueKind != JsonValueKind.Object) continue;
            foreach (var r in version.Array("resources"))
            {
                var plural = r.Str("resource");
                var kind = r.Str("responseKind", "kind");
                if (plural is null || kind is null || plural.Contains('/')) continue;
                yield return new KindInfo(kind, plural, name, version.Str("version") ?? "v1", r.Str("scope") != "Cluster",
                    r.Array("shortNames").Select(s => s.GetString()?.ToLowerInvariant()).OfType<string>().ToArray(), Discovered: true);
            }
        }
    }

    /// <summary>Kinds from one legacy APIResourceList (/apis/&lt;group&gt;/&lt;version&gt;).</summary>
    public static IEnumerable<KindInfo> FromResourceList(JsonElement list)
    {
        var gv = list.Str("groupVersion") ?? "";
        var slash = gv.IndexOf('/');
        var (group, version) = slash < 0 ? ("", gv) : (gv[..slash], gv[(slash + 1)..]);
        foreach (var r in list.Array("resources"))
        {
            var plural = r.Str("name");
            var kind = r.Str("kind");
            if (plural is null || kind is null || plural.Contains('/')) continue;
            yield return new KindInfo(kind, plural, group, version, r.Bool("namespaced"),
                r.Array("shortNames").Select(s => s.GetString()?.ToLowerInvariant()).OfType<string>().ToArray(), Discovered: true);
        }
    }
}
