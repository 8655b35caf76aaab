using System.Runtime.CompilerServices;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditSecurity;

/// <summary>The /audit-security descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class AuditSecuritySkill
{
    public static readonly AuditFlags Audit = new("security", "SEC-PSS-PRIVILEGED");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "audit-security",
        Summary = "security audit: RBAC, Pod Security Standards, service accounts, Secrets' metadata and images, ranked by blast radius.",
        Flags = [.. Audit.All, RequestTimeout.Flag],
        DefaultTtl = "15m",
        Reads = ["version", "namespaces", "pods", "replicasets (metadata)", "jobs (metadata)", "serviceaccounts", "secrets (metadata only)",
            "clusterroles", "clusterrolebindings", "roles", "rolebindings"],
        JsonResult = "audit-summary/1",
        JsonDocuments = [Kstack.Audit.AuditJson.Default.AuditSummaryDocument],
        Examples =
        [
            new("", "Audit the whole cluster (reuses lists younger than 15m)"),
            new("--severity high -n payments", "Only critical and high findings in namespace payments"),
            new("--format sarif --output kstack.sarif --baseline old/audit-security.json", "SARIF for GitHub code scanning, new findings marked"),
        ],
        Notes = "Read-only, Kubernetes API only: Secrets are listed metadata-only (their data is never requested); env values with\n"
                + "credential-like names never reach the cache. The full findings (schema audit/1) stay in the cache for jq.",
        Create = () => new AuditSecurityCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
