using System.Runtime.CompilerServices;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditNetwork;

/// <summary>The /audit-network descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class AuditNetworkSkill
{
    public static readonly AuditFlags Audit = new("network", "NET-SVC-SELECTOR-NO-PODS");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "audit-network",
        Summary = "network audit: NetworkPolicy coverage, Services and EndpointSlices, Ingress, Gateway API, TLS expiry, DNS.",
        Flags = [.. Audit.All, RequestTimeout.Flag],
        DefaultTtl = "15m",
        Reads = ["version", "namespaces", "pods", "replicasets (metadata)", "jobs (metadata)", "services", "endpointslices (endpoints as fallback)",
            "networkpolicies", "ingresses", "ingressclasses", "secrets (metadata only)", "gateways", "httproutes", "certificates.cert-manager.io",
            "cilium and calico policies"],
        JsonResult = "audit-summary/1",
        JsonDocuments = [AuditJson.Default.AuditSummaryDocument],
        Examples =
        [
            new("", "Audit the whole cluster (reuses lists younger than 15m)"),
            new("--check NET-NETPOL-NAMESPACE-UNCOVERED --check NET-SVC-SELECTOR-NO-PODS", "Only uncovered namespaces and dead Service selectors"),
            new("-n shop --severity medium", "Namespace shop, medium and above"),
        ],
        Notes = "Read-only, Kubernetes API only. Coverage is computed from selectors and policyTypes; Cilium and Calico policies are\n"
                + "listed, not evaluated. Secrets are listed metadata-only: TLS expiry comes from cert-manager Certificates, never from\n"
                + "Secret data. The full findings (schema audit/1) stay in the cache for jq.",
        Create = () => new AuditNetworkCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
