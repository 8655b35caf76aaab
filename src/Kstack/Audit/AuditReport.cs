using Kstack.Checks;
using Kstack.Objects;

namespace Kstack.Audit;

/// <summary>A list the audit could not read and the checks that were therefore not run.</summary>
internal sealed record Unreadable(string Resource, string Reason, IReadOnlyList<string> Unchecked);

/// <summary>An in-cluster annotation asking a scanner to skip an object: listed, never honoured.</summary>
internal sealed record ExemptionAsk(ObjectRef Subject, string Annotation);

/// <summary>A finding the user's exemptions file suppressed, with the exemption that did it.</summary>
internal sealed record ExemptedFinding(Finding Finding, Exemption By);

/// <summary>A finding of the baseline that is gone now.</summary>
internal sealed record ResolvedFinding(string Fingerprint, string CheckId, string Severity, ObjectRef Subject, string Field);

/// <summary>
/// Everything one audit run produced, after the user's exemptions, --severity/--check filters and the baseline diff.
/// Findings are ordered by blast radius. Shared by every audit skill.
/// </summary>
internal sealed record AuditReport(
    string Audit, string Context, string KubernetesVersion, string? Namespace, DateTimeOffset GeneratedAt,
    IReadOnlyList<CheckInfo> Catalogue, IReadOnlyList<Finding> Findings, IReadOnlyList<ExemptedFinding> Exempted,
    IReadOnlyList<Exemption> ExpiredExemptions, IReadOnlyList<ExemptionAsk> InClusterAsks, IReadOnlyList<Unreadable> Unreadable,
    IReadOnlySet<string>? NewFingerprints, IReadOnlyList<ResolvedFinding>? Resolved, int ObjectsRead)
{
    public const string Schema = "audit/1";

    public int Count(Severity s) => Findings.Count(f => f.Check.Severity == s);

    public static IReadOnlyList<Finding> Rank(IEnumerable<Finding> findings) =>
        findings.OrderBy(f => f.Rank)
            .ThenBy(f => f.Check.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Namespace ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Kind, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Container ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Field, StringComparer.Ordinal)
            .ToList();
}

/// <summary>Options every audit skill shares: filters, the exemptions file and the baseline.</summary>
internal sealed record AuditOptions(Severity MinSeverity, IReadOnlyList<string> Checks, IReadOnlyList<Exemption> Exemptions, BaselineFile? Baseline);

internal static class AuditPipeline
{
    /// <summary>Filters, exemptions and the baseline applied to a raw analysis, in that order.</summary>
    public static AuditReport Build(string audit, string context, string version, string? ns, DateTimeOffset now,
        IReadOnlyList<CheckInfo> catalogue, IEnumerable<Finding> raw, IReadOnlyList<ExemptionAsk> asks,
        IReadOnlyList<Unreadable> unreadable, AuditOptions options, int objectsRead)
    {
        var selected = raw.Where(f => f.Check.Severity >= options.MinSeverity
                                      && (options.Checks.Count == 0 || options.Checks.Contains(f.Check.Id, StringComparer.OrdinalIgnoreCase)));
        var kept = new List<Finding>();
        var exempted = new List<ExemptedFinding>();
        var active = options.Exemptions.Where(e => !e.ExpiredAt(now)).ToList();
        foreach (var f in selected)
        {
            if (active.FirstOrDefault(e => e.Matches(f)) is { } by) exempted.Add(new ExemptedFinding(f, by));
            else kept.Add(f);
        }
        var ranked = AuditReport.Rank(kept);
        IReadOnlySet<string>? fresh = null;
        IReadOnlyList<ResolvedFinding>? resolved = null;
        if (options.Baseline is { } b)
        {
            var now_ = ranked.Select(f => f.Fingerprint).ToHashSet(StringComparer.Ordinal);
            fresh = ranked.Where(f => !b.Fingerprints.ContainsKey(f.Fingerprint)).Select(f => f.Fingerprint).ToHashSet(StringComparer.Ordinal);
            resolved = b.Fingerprints.Values.Where(r => !now_.Contains(r.Fingerprint)).OrderBy(r => r.CheckId, StringComparer.Ordinal).ToList();
        }
        return new AuditReport(audit, context, version, ns, now, catalogue, ranked, exempted,
            options.Exemptions.Where(e => e.ExpiredAt(now)).ToList(), asks, unreadable, fresh, resolved, objectsRead);
    }
}
