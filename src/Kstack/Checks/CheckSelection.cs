using Kstack.Envelope;
using Kstack.Skills.Shared;

namespace Kstack.Checks;

/// <summary>
/// Which checks a run evaluates: <c>--check ID</c> (repeatable; a trailing <c>*</c> takes every ID with that prefix)
/// and <c>--severity &lt;min&gt;</c>. Unknown IDs and severities are user errors with the closest names.
/// </summary>
internal sealed class CheckSelection
{
    private readonly IReadOnlyList<string> _patterns;

    private CheckSelection(IReadOnlyList<string> patterns, Severity minimum)
    {
        _patterns = patterns;
        Minimum = minimum;
    }

    public static readonly CheckSelection Everything = new([], Severity.Info);

    public Severity Minimum { get; }
    public IReadOnlyList<string> Patterns => _patterns;

    public bool Includes(CheckInfo check) =>
        check.Severity >= Minimum
        && (_patterns.Count == 0 || _patterns.Any(p => p.EndsWith('*')
            ? check.Id.StartsWith(p[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(check.Id, p, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Validates the patterns against the checks a skill offers; throws a user error naming the bad one.</summary>
    public static CheckSelection Parse(IEnumerable<string> ids, string? minimumSeverity, IReadOnlyList<CheckInfo> offered, string slot)
    {
        var minimum = Severity.Info;
        if (minimumSeverity is not null && !Severities.TryParse(minimumSeverity, out minimum))
            throw KstackException.User(
                $"Unknown severity `{DataText.Token(minimumSeverity, 40)}` for `--severity`: use one of {string.Join(", ", Severities.All.Select(s => s.Name()))}.");
        var patterns = new List<string>();
        foreach (var raw in ids)
        {
            var id = raw.Trim();
            var prefix = id.EndsWith('*') ? id[..^1] : null;
            var known = prefix is null
                ? offered.Any(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))
                : prefix.Length > 0 && offered.Any(c => c.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
            if (!known)
            {
                var closest = NameSuggestions.Closest(id.ToUpperInvariant(), offered, c => c.Id, 3);
                throw KstackException.User($"Unknown check `{DataText.Token(id, 80)}` for `--check`"
                    + (closest.Count > 0 ? $"; did you mean {string.Join(", ", closest.Select(c => c.Id))}?" : ".")
                    + $" Run `/{slot} --help` for the check IDs.");
            }
            patterns.Add(id);
        }
        return new CheckSelection(patterns, minimum);
    }
}
