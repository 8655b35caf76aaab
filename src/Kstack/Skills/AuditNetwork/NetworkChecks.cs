using Kstack.Checks;
using static Kstack.Checks.Severity;

namespace Kstack.Skills.AuditNetwork;

/// <summary>The /audit-network catalogue. IDs are stable: baselines, exemptions and SARIF alerts key on them.</summary>
internal static class NetworkChecks
{
    private static CheckInfo C(string id, string category, Severity severity, string title, string remediation, params string[] standards) =>
        new(id, title, severity, category, remediation, Standards: standards);

    // NetworkPolicy coverage, computed from selectors and policyTypes (audits.md §2.6.1).
    public static readonly CheckInfo NamespaceUncovered = C("NET-NETPOL-NAMESPACE-UNCOVERED", "network-policy", Medium,
        "Namespace runs pods but no NetworkPolicy selects any of them", "Add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) and allow what the pods need.",
        "cis-1.12:5.3.2", "kubescape:C-0206", "kubescape:C-0260", "popeye:1204", "popeye:1205", "polaris:missingNetworkPolicy");
    public static readonly CheckInfo NoDefaultDenyIngress = C("NET-NETPOL-NO-DEFAULT-DENY-INGRESS", "network-policy", Low,
        "Namespace has NetworkPolicies but no default-deny for ingress", "Add a policy with podSelector: {} and policyTypes: [Ingress] so new pods start isolated.",
        "cis-1.12:5.3.2", "popeye:1204");
    public static readonly CheckInfo NoDefaultDenyEgress = C("NET-NETPOL-NO-DEFAULT-DENY-EGRESS", "network-policy", Low,
        "Namespace has NetworkPolicies but no default-deny for egress", "Add a policy with podSelector: {} and policyTypes: [Egress], then allow DNS and the destinations the pods need.",
        "cis-1.12:5.3.2", "popeye:1205");
    public static readonly CheckInfo IngressUnisolated = C("NET-NETPOL-INGRESS-UNISOLATED", "network-policy", Medium,
        "Workload not isolated for ingress while others in its namespace are", "Select the workload's pods with an Ingress policy, or add a namespace default-deny.",
        "kubescape:C-0260", "popeye:1204", "polaris:missingNetworkPolicy");
    public static readonly CheckInfo EgressUnisolated = C("NET-NETPOL-EGRESS-UNISOLATED", "network-policy", Low,
        "Workload not isolated for egress while others in its namespace are", "Select the workload's pods with an Egress policy, or add a namespace default-deny for egress.",
        "kubescape:C-0260", "popeye:1205");
    public static readonly CheckInfo PolicySelectsNothing = C("NET-NETPOL-SELECTS-NOTHING", "network-policy", Medium,
        "NetworkPolicy's podSelector selects no pod", "Fix spec.podSelector to match the pods' labels, or delete the dead policy.",
        "popeye:1200", "kubescape:C-0299");
    public static readonly CheckInfo PeerSelectsNothing = C("NET-NETPOL-PEER-SELECTS-NOTHING", "network-policy", Medium,
        "NetworkPolicy peer (from/to) selects no namespace or pod", "Fix the peer's namespaceSelector/podSelector labels (namespaces match on kubernetes.io/metadata.name), or remove the peer.",
        "popeye:1201", "popeye:1202", "popeye:1208");
    public static readonly CheckInfo PortUndefined = C("NET-NETPOL-PORT-UNDEFINED", "network-policy", Medium,
        "NetworkPolicy names a port no destination pod declares", "Use a containerPorts[].name the destination pods declare (protocol included), or the port number.",
        "popeye:1106");
    public static readonly CheckInfo AllowAll = C("NET-NETPOL-ALLOW-ALL", "network-policy", Info,
        "NetworkPolicy rule allows all traffic", "Replace the empty rule ({}) with the peers and ports the pods need.",
        "popeye:1203");
    public static readonly CheckInfo NonCorePolicy = C("NET-NETPOL-NONCORE-UNEVALUATED", "network-policy", Info,
        "CNI-specific policies exist and are not evaluated", "Check them with the CNI's own tooling (cilium, calicoctl); kstack counts their namespaces as covered, never as uncovered.",
        "cis-1.12:5.3.1");

    // Services and their EndpointSlices (audits.md §2.6.2).
    public static readonly CheckInfo ServiceNoPods = C("NET-SVC-SELECTOR-NO-PODS", "service", Medium,
        "Service selector matches no pod", "Fix spec.selector to the pods' labels, or delete the Service.",
        "popeye:1100", "kubescape:C-0293");
    public static readonly CheckInfo ServiceNoReady = C("NET-SVC-NO-READY-ENDPOINTS", "service", High,
        "Service has no ready endpoints", "Make the selected pods Ready (kstack investigate on one of them), or fix the selector.",
        "popeye:1105");
    public static readonly CheckInfo TargetPortName = C("NET-SVC-TARGETPORT-NAME-UNDEFINED", "service", High,
        "Service targetPort names a port the selected pods do not declare", "Use a containerPorts[].name of the pods (same protocol), or the number the app listens on.",
        "popeye:1106");
    public static readonly CheckInfo TargetPortNumber = C("NET-SVC-TARGETPORT-NUMBER-UNDECLARED", "service", Low,
        "Service targetPort number is not among the selected pods' declared ports", "Check the app listens on that port; declare it in containerPorts or point targetPort at a declared one.",
        "popeye:1106");
    public static readonly CheckInfo LbNoEndpoints = C("NET-SVC-LB-NO-ENDPOINTS", "service", Medium,
        "LoadBalancer Service has no ready endpoints (billed, serves nothing)", "Fix the selected pods or the selector, or delete the Service to release the load balancer.",
        "popeye:1103", "popeye:1105");
    public static readonly CheckInfo LbNoAddress = C("NET-SVC-LB-NO-ADDRESS", "service", Medium,
        "LoadBalancer Service has no external address", "Check the cloud controller or load-balancer controller (kstack events on the Service).",
        "popeye:1103");
    public static readonly CheckInfo NodePort = C("NET-SVC-NODEPORT", "service", Low,
        "Service exposed on every node's port (NodePort)", "Use ClusterIP behind an Ingress or Gateway, or a LoadBalancer, unless node ports are intended.",
        "popeye:1104", "kubescape:C-0256");
    public static readonly CheckInfo ExternalIps = C("NET-SVC-EXTERNAL-IPS", "service", High,
        "Service sets spec.externalIPs (traffic to those IPs can be intercepted)", "Remove spec.externalIPs; block the field with the DenyServiceExternalIPs admission plugin or a policy.",
        "cve:CVE-2020-8554");
    public static readonly CheckInfo ExternalName = C("NET-SVC-EXTERNALNAME", "service", Info,
        "ExternalName Service (a DNS alias the cluster does not control)", "Check the target name is intended; ExternalName can alias internal names across namespaces.");

    // Ingress (audits.md §2.6.3).
    public static readonly CheckInfo IngressBackendMissing = C("NET-ING-BACKEND-MISSING", "ingress", High,
        "Ingress backend names a Service that does not exist", "Create the Service or fix backend.service.name.",
        "popeye:1401", "kubescape:C-0298");
    public static readonly CheckInfo IngressPortUndefined = C("NET-ING-BACKEND-PORT-UNDEFINED", "ingress", High,
        "Ingress backend port is not a port of its Service", "Use one of the Service's spec.ports[].port numbers or names.",
        "popeye:1402");
    public static readonly CheckInfo IngressTlsSecretMissing = C("NET-ING-TLS-SECRET-MISSING", "ingress", High,
        "Ingress TLS Secret does not exist (the controller serves a fallback certificate)", "Create the kubernetes.io/tls Secret (or its cert-manager Certificate) or fix spec.tls[].secretName.");
    public static readonly CheckInfo IngressNoTls = C("NET-ING-NO-TLS", "ingress", Low,
        "Ingress serves plain HTTP only (no spec.tls)", "Add spec.tls with a certificate Secret (cert-manager can issue one).",
        "polaris:tlsSettingsMissing", "kubescape:C-0263");
    public static readonly CheckInfo IngressConflict = C("NET-ING-HOST-PATH-CONFLICT", "ingress", Medium,
        "Host and path claimed by two Ingresses of the same class", "Keep one owner per host and path; controllers resolve the clash differently.");
    public static readonly CheckInfo IngressNoClass = C("NET-ING-NO-CLASS", "ingress", Medium,
        "Ingress has no class and the cluster has no default IngressClass", "Set spec.ingressClassName, or mark one IngressClass ingressclass.kubernetes.io/is-default-class: \"true\".");
    public static readonly CheckInfo IngressClassMissing = C("NET-ING-CLASS-MISSING", "ingress", High,
        "Ingress names an IngressClass that does not exist", "Fix spec.ingressClassName or install the controller that provides the class.");

    // Gateway API: the controller's status first, then recomputed references (audits.md §2.6.4).
    public static readonly CheckInfo GatewayNotReady = C("NET-GW-NOT-PROGRAMMED", "gateway-api", High,
        "Gateway (or a listener) not accepted, programmed or resolved", "Read the condition's reason and message (kubectl describe gateway); fix the class, listener or certificate ref.");
    public static readonly CheckInfo RouteNotAccepted = C("NET-ROUTE-NOT-ACCEPTED", "gateway-api", High,
        "Route not accepted by its parent Gateway, or by any controller", "Check parentRefs (name, namespace, sectionName), the listener's allowedRoutes and hostnames.");
    public static readonly CheckInfo RouteRefsUnresolved = C("NET-ROUTE-REFS-UNRESOLVED", "gateway-api", High,
        "Route's controller reports unresolved references", "Fix the backendRefs the reason names; a cross-namespace ref needs a ReferenceGrant.");
    public static readonly CheckInfo RouteBackendMissing = C("NET-ROUTE-BACKEND-MISSING", "gateway-api", High,
        "Route backendRef names a Service that does not exist", "Create the Service or fix backendRefs[].name/namespace.",
        "kubescape:C-0302", "popeye:407");

    // TLS certificates, never from Secret data (audits.md §2.6.5).
    public static readonly CheckInfo CertExpired = C("NET-TLS-CERT-EXPIRED", "tls", Critical,
        "cert-manager Certificate has expired", "Check the Certificate's Ready condition and its issuer (kubectl describe certificate); renewal has failed.");
    public static readonly CheckInfo CertExpiring = C("NET-TLS-CERT-EXPIRING", "tls", High,
        "cert-manager Certificate expires within 14 days", "cert-manager renews well before that: check the Certificate's conditions, its CertificateRequests and the issuer.");
    public static readonly CheckInfo CertNotReady = C("NET-TLS-CERT-NOT-READY", "tls", Medium,
        "cert-manager Certificate is not Ready", "Read the Ready condition's reason and message; fix the issuer or the request.");
    public static readonly CheckInfo TlsUnchecked = C("NET-TLS-EXPIRY-UNCHECKED", "tls", Info,
        "TLS Secret's expiry is only readable from its data (no cert-manager Certificate)", "Manage it with cert-manager, or check it yourself: reading the Secret exposes its private key to whoever reads it.");

    // Cluster DNS (audits.md §2.6.6).
    public static readonly CheckInfo DnsUnavailable = C("NET-DNS-UNAVAILABLE", "dns", Critical,
        "Cluster DNS has no ready endpoint", "Check the CoreDNS pods in kube-system (kstack investigate deployment/coredns -n kube-system).");
    public static readonly CheckInfo DnsNotRedundant = C("NET-DNS-NOT-REDUNDANT", "dns", Medium,
        "Cluster DNS runs fewer than 2 ready replicas on distinct nodes", "Run at least 2 CoreDNS replicas spread over nodes (topologySpreadConstraints or anti-affinity) with a PodDisruptionBudget.");
    public static readonly CheckInfo NodeLocalDnsAbsent = C("NET-DNS-NODELOCAL-ABSENT", "dns", Info,
        "NodeLocal DNSCache is not deployed", "Consider node-local-dns on large or DNS-heavy clusters (fewer conntrack races, lower latency).");

    public static readonly IReadOnlyList<CheckInfo> All =
    [
        NamespaceUncovered, NoDefaultDenyIngress, NoDefaultDenyEgress, IngressUnisolated, EgressUnisolated, PolicySelectsNothing,
        PeerSelectsNothing, PortUndefined, AllowAll, NonCorePolicy,
        ServiceNoPods, ServiceNoReady, TargetPortName, TargetPortNumber, LbNoEndpoints, LbNoAddress, NodePort, ExternalIps, ExternalName,
        IngressBackendMissing, IngressPortUndefined, IngressTlsSecretMissing, IngressNoTls, IngressConflict, IngressNoClass, IngressClassMissing,
        GatewayNotReady, RouteNotAccepted, RouteRefsUnresolved, RouteBackendMissing,
        CertExpired, CertExpiring, CertNotReady, TlsUnchecked,
        DnsUnavailable, DnsNotRedundant, NodeLocalDnsAbsent,
    ];

    public static readonly IChecklist Checklist = new CheckCatalogue("audit-network", All);
}
