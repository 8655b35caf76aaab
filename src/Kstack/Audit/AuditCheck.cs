using Kstack.Objects;

namespace Kstack.Audit;

public enum Severity { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 }

public static class Severities
{
    public static string Name(this Severity s) => s switch
    {
        Severity.Critical => "critical", Severity.High => "high", Severity.Medium => "medium", Severity.Low => "low", _ => "info",
    };

    public static Severity? Parse(string? text) => text?.ToLowerInvariant() switch
    {
        "critical" => Severity.Critical, "high" => Severity.High, "medium" => Severity.Medium, "low" => Severity.Low, "info" => Severity.Info,
        _ => null,
    };

    /// <summary>GitHub's security-severity score: above 9 critical, 7–8.9 high, 4–6.9 medium, below 4 low.</summary>
    public static string SecurityScore(this Severity s) => s switch
    {
        Severity.Critical => "9.5", Severity.High => "8.0", Severity.Medium => "5.5", Severity.Low => "3.0", _ => "0.5",
    };

    public static string SarifLevel(this Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error", Severity.Medium => "warning", _ => "note",
    };
}

/// <summary>
/// One audit check: a stable ID, what it looks for, how bad a hit is, the standards it maps to
/// (<c>pss:restricted/runAsNonRoot</c>, <c>polaris:hostPIDSet</c>, <c>cis-1.12:5.1.3</c>, <c>kubescape:C-0267</c>,
/// <c>popeye:300</c>) and the fix in one line. Prose lives here and in renderers, never in the evaluation.
/// </summary>
public sealed record AuditCheck(string Id, string Category, Severity Severity, string Title, string Remediation, IReadOnlyList<string> Standards);

/// <summary>How far a finding reaches: a cluster-wide grant outranks a namespace, a workload, a single pod.</summary>
public enum Scope { Cluster = 0, Namespace = 1, Workload = 2, Pod = 3 }

/// <summary>
/// One check hit on one subject. Field is where it was seen (a field path, or the binding chain for RBAC);
/// Observed is the offending value as found (cluster data: renderers frame it, credentials never get here).
/// Pods counts the pods of a workload the hit was seen in; Running says whether any of them runs.
/// </summary>
public sealed record Finding(AuditCheck Check, ObjectRef Subject, string Field, string? Observed, Scope Scope, bool Running, int Pods = 0)
{
    /// <summary>Blast-radius rank, lower first: severity, then scope, then running before not running.</summary>
    public int Rank => (4 - (int)Check.Severity) * 10 + (int)Scope * 2 + (Running ? 0 : 1);

    /// <summary>Identity across runs (baseline, exemptions, SARIF): check, subject and field, never the observed value.</summary>
    public string Key => $"{Check.Id}|{Subject.Kind}|{Subject.Namespace}|{Subject.Name}|{Subject.Container}|{Field}";

    public string Fingerprint => Cache.InstallRoot.ShortSha(Key);
}
