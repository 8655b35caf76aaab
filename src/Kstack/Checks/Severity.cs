namespace Kstack.Checks;

/// <summary>How bad a hit of a check is. Ordered: a higher value is more severe (filters use "at least").</summary>
internal enum Severity { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 }

internal static class Severities
{
    public static readonly IReadOnlyList<Severity> All = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info];

    /// <summary>The lower-case name used on the command line, in JSON and in SARIF tags.</summary>
    public static string Name(this Severity s) => s switch
    {
        Severity.Critical => "critical", Severity.High => "high", Severity.Medium => "medium", Severity.Low => "low", _ => "info",
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        foreach (var s in All)
            if (string.Equals(s.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase)) { severity = s; return true; }
        severity = Severity.Info;
        return false;
    }

    /// <summary>SARIF's result level for a hit of this severity.</summary>
    public static string SarifLevel(this Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error", Severity.Medium => "warning", _ => "note",
    };

    /// <summary>
    /// GitHub code scanning's <c>security-severity</c> rule property (a CVSS-like 0.0–10.0 score: over 9.0 critical,
    /// 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low).
    /// </summary>
    public static string SecurityScore(this Severity s) => s switch
    {
        Severity.Critical => "9.5", Severity.High => "8.0", Severity.Medium => "5.5", Severity.Low => "3.0", _ => "0.0",
    };
}
