using System.Text.Json.Serialization;

namespace Kstack.Audit;

/// <summary>The --json document every audit returns (`audit-summary/1`): counts and the top groups, bounded like the text.</summary>
internal sealed record AuditSummaryDocument(
    string Schema, string Audit, string Context, string KubernetesVersion, string? Namespace, AuditCounts Counts,
    IReadOnlyList<AuditGroupDocument> Top, IReadOnlyList<AuditUnreadableDocument> Unreadable,
    string FindingsFile, string? SarifFile, bool FromCache,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Overview = null);

/// <summary>Findings by severity; `new`/`resolved` only when a baseline was given.</summary>
internal sealed record AuditCounts(
    int Total, int Critical, int High, int Medium, int Low, int Info,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? New,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Resolved,
    int Exempted, int ExpiredExemptions, int InClusterExemptionAsks);

/// <summary>One check's findings: up to three subjects (framed, capped) and the one-line remediation.</summary>
internal sealed record AuditGroupDocument(string Check, string Severity, int Count, IReadOnlyList<string> Subjects, string Remediation);

/// <summary>A list the audit could not read and how many checks that leaves unchecked.</summary>
internal sealed record AuditUnreadableDocument(string Resource, string Reason, int Unchecked);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AuditSummaryDocument))]
internal sealed partial class AuditJson : JsonSerializerContext;
