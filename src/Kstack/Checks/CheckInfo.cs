using System.Text.RegularExpressions;

namespace Kstack.Checks;

/// <summary>
/// What a check is, independent of any input: written once per check and shared by every renderer (text rows, --json,
/// SARIF rules, the README coverage table). Rank orders hits within one checklist (lower first); Standards name the
/// controls the check maps to as <c>standard:control</c> (<c>cis-1.12:5.1.3</c>, <c>pss:restricted/runAsNonRoot</c>,
/// <c>polaris:runAsRootAllowed</c>).
/// </summary>
internal sealed partial record CheckInfo(
    string Id, string Title, Severity Severity, string Category, string Remediation, int Rank = 0,
    IReadOnlyList<string>? Standards = null)
{
    public IReadOnlyList<string> Standards { get; init; } = Standards ?? [];

    /// <summary>Stable IDs: upper-case words joined by dashes, a checklist prefix first (<c>CS-POD-CRASHLOOP</c>).</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>A standard reference: a lower-case standard name, a colon, a non-empty control.</summary>
    public static bool IsValidStandard(string standard) => StandardPattern().IsMatch(standard);

    [GeneratedRegex("^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9.\-]*:\S+$")]
    private static partial Regex StandardPattern();
}
