using Kstack.Kube;

namespace Kstack.Skills.AuditNetwork;

/// <summary>
/// The reads /audit-network makes. Secrets are metadata-only (their data is never requested); EndpointSlices fall
/// back to the deprecated v1 Endpoints only when slices are not served or not granted. The CRD-backed lists answer
/// 404 when the CRD is not installed, which means "absent", not "unreadable".
/// </summary>
internal static class NetworkLists
{
    public static readonly ListSpec Namespaces = new("namespaces.json", "namespaces", "/api/v1/namespaces", null, "v1", "Namespace");
    public static readonly ListSpec Endpoints = new("endpoints.json", "endpoints", "/api/v1/endpoints", "/api/v1/namespaces/{ns}/endpoints", "v1", "Endpoints");
    public static readonly ListSpec EndpointSlices = new("endpointslices.json", "endpointslices", "/apis/discovery.k8s.io/v1/endpointslices",
        "/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", "discovery.k8s.io/v1", "EndpointSlice", Fallback: Endpoints);
    public static readonly ListSpec NetworkPolicies = new("networkpolicies.json", "networkpolicies", "/apis/networking.k8s.io/v1/networkpolicies",
        "/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", "networking.k8s.io/v1", "NetworkPolicy");
    public static readonly ListSpec Ingresses = new("ingresses.json", "ingresses", "/apis/networking.k8s.io/v1/ingresses",
        "/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses", "networking.k8s.io/v1", "Ingress");
    public static readonly ListSpec IngressClasses = new("ingressclasses.json", "ingressclasses", "/apis/networking.k8s.io/v1/ingressclasses", null,
        "networking.k8s.io/v1", "IngressClass");
    public static readonly ListSpec SecretsMeta = new("secrets.meta.json", "secrets", "/api/v1/secrets",
        "/api/v1/namespaces/{ns}/secrets", "v1", "Secret", MetadataOnly: true);
    public static readonly ListSpec Gateways = new("gateways.json", "gateways.gateway.networking.k8s.io", "/apis/gateway.networking.k8s.io/v1/gateways",
        "/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/gateways", "gateway.networking.k8s.io/v1", "Gateway");
    public static readonly ListSpec HttpRoutes = new("httproutes.json", "httproutes.gateway.networking.k8s.io", "/apis/gateway.networking.k8s.io/v1/httproutes",
        "/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", "gateway.networking.k8s.io/v1", "HTTPRoute");
    public static readonly ListSpec Certificates = new("certificates.json", "certificates.cert-manager.io", "/apis/cert-manager.io/v1/certificates",
        "/apis/cert-manager.io/v1/namespaces/{ns}/certificates", "cert-manager.io/v1", "Certificate");
    public static readonly ListSpec CiliumPolicies = new("ciliumnetworkpolicies.json", "ciliumnetworkpolicies.cilium.io", "/apis/cilium.io/v2/ciliumnetworkpolicies",
        "/apis/cilium.io/v2/namespaces/{ns}/ciliumnetworkpolicies", "cilium.io/v2", "CiliumNetworkPolicy");
    public static readonly ListSpec CiliumClusterPolicies = new("ciliumclusterwidenetworkpolicies.json", "ciliumclusterwidenetworkpolicies.cilium.io",
        "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies", null, "cilium.io/v2", "CiliumClusterwideNetworkPolicy");
    public static readonly ListSpec CalicoPolicies = new("calico.networkpolicies.json", "networkpolicies.crd.projectcalico.org", "/apis/crd.projectcalico.org/v1/networkpolicies",
        "/apis/crd.projectcalico.org/v1/namespaces/{ns}/networkpolicies", "crd.projectcalico.org/v1", "NetworkPolicy");
    public static readonly ListSpec CalicoGlobalPolicies = new("calico.globalnetworkpolicies.json", "globalnetworkpolicies.crd.projectcalico.org",
        "/apis/crd.projectcalico.org/v1/globalnetworkpolicies", null, "crd.projectcalico.org/v1", "GlobalNetworkPolicy");

    /// <summary>Lists whose 404 means the add-on is not installed.</summary>
    public static readonly IReadOnlyList<ListSpec> Optional = [Gateways, HttpRoutes, Certificates, CiliumPolicies, CiliumClusterPolicies, CalicoPolicies, CalicoGlobalPolicies];

    public static readonly IReadOnlyList<ListSpec> All =
    [
        ListSpec.Version, Namespaces, ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta, ListSpec.Services, EndpointSlices,
        NetworkPolicies, Ingresses, IngressClasses, SecretsMeta, .. Optional,
    ];

    /// <summary>agent_context role → cache file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles = All.ToDictionary(s => s.File == "cluster.json" ? "cluster" : s.File[..s.File.LastIndexOf(".json", StringComparison.Ordinal)].Replace(".meta", "", StringComparison.Ordinal), s => s.File);

    /// <summary>The checks a list's absence leaves unrun.</summary>
    public static IReadOnlyList<string> Unchecked(ListSpec spec)
    {
        var c = NetworkChecks.All;
        IEnumerable<Kstack.Checks.CheckInfo> checks = spec.File switch
        {
            "pods.json" => c.Where(x => x.Category is "network-policy" or "dns" || x == NetworkChecks.ServiceNoPods || x == NetworkChecks.TargetPortName || x == NetworkChecks.TargetPortNumber),
            "namespaces.json" => [NetworkChecks.PeerSelectsNothing],
            "networkpolicies.json" => c.Where(x => x.Category == "network-policy"),
            "services.json" => c.Where(x => x.Category == "service").Concat([NetworkChecks.IngressBackendMissing, NetworkChecks.IngressPortUndefined, NetworkChecks.RouteBackendMissing, NetworkChecks.DnsUnavailable]),
            "endpointslices.json" => [NetworkChecks.ServiceNoReady, NetworkChecks.LbNoEndpoints, NetworkChecks.DnsUnavailable],
            "ingresses.json" => c.Where(x => x.Category == "ingress"),
            "ingressclasses.json" => [NetworkChecks.IngressNoClass, NetworkChecks.IngressClassMissing, NetworkChecks.IngressConflict],
            "secrets.meta.json" => [NetworkChecks.IngressTlsSecretMissing, NetworkChecks.TlsUnchecked],
            "gateways.json" => [NetworkChecks.GatewayNotReady],
            "httproutes.json" => [NetworkChecks.RouteNotAccepted, NetworkChecks.RouteRefsUnresolved, NetworkChecks.RouteBackendMissing],
            "certificates.json" => [NetworkChecks.CertExpired, NetworkChecks.CertExpiring, NetworkChecks.CertNotReady, NetworkChecks.TlsUnchecked],
            "ciliumnetworkpolicies.json" or "ciliumclusterwidenetworkpolicies.json" or "calico.networkpolicies.json" or "calico.globalnetworkpolicies.json" =>
                [NetworkChecks.NonCorePolicy],
            _ => [], // owner lists: findings then name the direct owner

        };
        return checks.Select(x => x.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
