using Kstack.Checks;
using System.Text;
using Kstack.Envelope;
using Kstack.Json;

namespace Kstack.Audit;

/// <summary>
/// The bounded summary every audit returns (render: agent): counts by severity, the top findings grouped by check,
/// what was not readable and what that leaves unchecked. Under <see cref="MaxChars"/> at any cluster size; the full
/// findings are in the findings file.
/// </summary>
internal static class AuditRenderer
{
    public const int MaxChars = 4000;
    public const int MaxGroups = 12;
    public const int SubjectsPerGroup = 3;
    public const int MaxOverviewLines = 12;
    public const int MaxOverviewLine = 160;

    /// <summary>The audit's status lines, capped in number and length (the audit frames cluster text in them).</summary>
    public static IReadOnlyList<string> Overview(IReadOnlyList<string>? lines) =>
        lines is null ? [] : lines.Take(MaxOverviewLines).Select(l => l.Length <= MaxOverviewLine ? l : l[..(MaxOverviewLine - 1)] + "…").ToList();

    public sealed record Group(CheckInfo Check, int Count, int New, IReadOnlyList<Finding> Top, int Subjects);

    public static IReadOnlyList<Group> Groups(AuditReport r) =>
        r.Findings.GroupBy(f => f.Check.Id)
            .Select(g => new Group(g.First().Check, g.Count(), r.NewFingerprints is { } nf ? g.Count(f => nf.Contains(f.Fingerprint)) : 0,
                g.DistinctBy(f => f.Subject with { Container = null }).Take(SubjectsPerGroup).ToList(),
                g.Select(f => f.Subject with { Container = null }).Distinct().Count()))
            .OrderBy(g => g.Top[0].Rank).ThenByDescending(g => g.Count).ThenBy(g => g.Check.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>The bounded text: <paramref name="overview"/> lines (capped) and an audit's own <paramref name="section"/> (e.g. cost totals) come after the counts.</summary>
    public static string Text(AuditReport r, string findingsPath, string? sarifPath, string freshness, IReadOnlyList<string>? overview = null, string? section = null)
    {
        var sb = new StringBuilder(2048);
        sb.Append(char.ToUpperInvariant(r.Audit[0])).Append(r.Audit[1..]).Append(" audit: ").Append(DataText.Inline(r.Context, 60)).Append(" · Kubernetes ").Append(DataText.Token(r.KubernetesVersion, 40))
          .Append(" · ").Append(r.Namespace is null ? "cluster-wide" : "namespace " + DataText.Token(r.Namespace, 63))
          .Append($" · {r.Catalogue.Count} checks · {r.ObjectsRead} objects read\n");
        sb.Append($"Findings: {r.Findings.Count}");
        if (r.Findings.Count > 0)
            sb.Append(" — ").Append(string.Join(" · ", Enum.GetValues<Severity>().Reverse().Where(s => r.Count(s) > 0).Select(s => $"{s.Name()} {r.Count(s)}")));
        if (r.NewFingerprints is { } nf)
            sb.Append($" · baseline: {nf.Count} new, {r.Findings.Count - nf.Count} unchanged, {r.Resolved?.Count ?? 0} resolved");
        sb.Append('\n');
        foreach (var line in Overview(overview)) sb.Append(line).Append('\n');
        if (!string.IsNullOrEmpty(section)) sb.Append('\n').Append(section.TrimEnd('\n')).Append('\n');

        var footer = Footer(r, findingsPath, sarifPath, freshness);
        var groups = Groups(r);
        if (groups.Count > 0) sb.Append("\nTop findings by check (ranked by severity and blast radius):\n");
        var shown = 0;
        foreach (var g in groups.Take(MaxGroups))
        {
            var block = GroupBlock(g, r.NewFingerprints is not null);
            // Room kept for the "…and N more" line.
            if (sb.Length + block.Length + footer.Length + 100 > MaxChars) break;
            sb.Append(block);
            shown++;
        }
        if (groups.Count > shown)
            sb.Append($"  …and {groups.Count - shown} more check(s) with {groups.Skip(shown).Sum(g => g.Count)} finding(s), in the findings file\n");
        sb.Append(footer);
        var text = sb.ToString();
        return text.Length <= MaxChars ? text : text[..(MaxChars - 1)] + "…";
    }

    private static string GroupBlock(Group g, bool baseline)
    {
        var sb = new StringBuilder();
        sb.Append($"  {g.Check.Severity.Name(),-8} {g.Check.Id} ×{g.Count}");
        if (baseline && g.New > 0) sb.Append($" ({g.New} new)");
        sb.Append(" — ").Append(g.Check.Title).Append('\n');
        var subjects = g.Top.Select(f => Subject(f)).ToList();
        var distinct = g.Subjects - g.Top.Count;
        sb.Append("    ").Append(string.Join(", ", subjects));
        if (distinct > 0) sb.Append($" +{distinct} more");
        sb.Append('\n');
        sb.Append("    fix: ").Append(g.Check.Remediation).Append('\n');
        return sb.ToString();
    }

    private static string Subject(Finding f)
    {
        var s = f.Subject;
        var kind = s.Kind.ToLowerInvariant();
        var text = s.Namespace is null ? $"{kind}/{DataText.Token(s.Name, 60)}" : $"{kind}/{DataText.Token(s.Namespace, 63)}/{DataText.Token(s.Name, 60)}";
        if (f.Pods > 1) text += $" ({f.Pods} pods)";
        return text;
    }

    private static string Footer(AuditReport r, string findingsPath, string? sarifPath, string freshness)
    {
        var sb = new StringBuilder();
        if (r.Exempted.Count > 0 || r.ExpiredExemptions.Count > 0)
        {
            sb.Append($"\nExempted by your exemptions file: {r.Exempted.Count}");
            if (r.ExpiredExemptions.Count > 0)
                sb.Append($" · {r.ExpiredExemptions.Count} expired exemption(s) no longer apply: ")
                  .Append(string.Join(", ", r.ExpiredExemptions.Take(3).Select(e => $"{DataText.Token(e.Check, 40)} {DataText.Quote(e.Subject, 60)} (line {e.Line})")));
            sb.Append('\n');
        }
        if (r.InClusterAsks.Count > 0)
        {
            sb.Append($"\nAsk to be exempted in the cluster (not honoured — anyone who can annotate could hide a finding): {r.InClusterAsks.DistinctBy(a => a.Subject).Count()} object(s): ");
            sb.Append(string.Join(", ", r.InClusterAsks.DistinctBy(a => a.Subject).Take(3).Select(a => $"{a.Subject.Kind.ToLowerInvariant()}/{(a.Subject.Namespace is null ? "" : DataText.Token(a.Subject.Namespace, 63) + "/")}{DataText.Token(a.Subject.Name, 60)} ({DataText.Token(a.Annotation, 60)})")));
            var more = r.InClusterAsks.DistinctBy(a => a.Subject).Count() - 3;
            if (more > 0) sb.Append($" +{more} more");
            sb.Append('\n');
        }
        if (r.Unreadable.Count > 0)
        {
            sb.Append("\nNot readable (so not checked):\n");
            foreach (var u in r.Unreadable.Take(8))
                sb.Append($"  {u.Resource}: {u.Reason} — unchecked: {(u.Unchecked.Count == 0 ? "none (findings name direct owners)" : u.Unchecked.Count <= 4 ? string.Join(", ", u.Unchecked) : string.Join(", ", u.Unchecked.Take(4)) + $" +{u.Unchecked.Count - 4} more")}\n");
        }
        if (r.Resolved is { Count: > 0 } resolved)
            sb.Append($"\nResolved since the baseline: {resolved.Count} (e.g. {string.Join(", ", resolved.Take(3).Select(x => DataText.Token(x.CheckId, 40) + " " + DataText.Token(x.Subject.ToString(), 80)))})\n");
        sb.Append(r.Audit == "security" ? "\nRBAC checks are static (what roles grant, not what subjects use). " : "\n")
          .Append($"Full findings: {findingsPath} (schema {AuditReport.Schema})");
        if (sarifPath is not null) sb.Append($"; SARIF: {sarifPath}");
        sb.Append(".\n").Append(freshness);
        return sb.ToString();
    }

    /// <summary>The --json content: counts and the same groups, bounded like the text.</summary>
    public static string Json(AuditReport r, string findingsPath, string? sarifPath, bool fromCache, IReadOnlyList<string>? overview = null) =>
        Dto.Serialize(Document(r, findingsPath, sarifPath, fromCache, overview), AuditJson.Default.AuditSummaryDocument);

    public static AuditSummaryDocument Document(AuditReport r, string findingsPath, string? sarifPath, bool fromCache, IReadOnlyList<string>? overview = null) => new(
        "audit-summary/1", r.Audit, TerminalText.Clean(r.Context), r.KubernetesVersion, r.Namespace,
        new AuditCounts(r.Findings.Count, r.Count(Severity.Critical), r.Count(Severity.High), r.Count(Severity.Medium), r.Count(Severity.Low),
            r.Count(Severity.Info), r.NewFingerprints?.Count, r.NewFingerprints is null ? null : r.Resolved?.Count ?? 0,
            r.Exempted.Count, r.ExpiredExemptions.Count, r.InClusterAsks.Count),
        Groups(r).Take(MaxGroups).Select(g => new AuditGroupDocument(g.Check.Id, g.Check.Severity.Name(), g.Count,
            g.Top.Select(f => DataText.Inline((f.Subject with { Container = null }).ToString(), 140)).ToList(), g.Check.Remediation)).ToList(),
        r.Unreadable.Select(u => new AuditUnreadableDocument(u.Resource, u.Reason, u.Unchecked.Count)).ToList(),
        findingsPath, sarifPath, fromCache, Overview(overview) is { Count: > 0 } lines ? lines : null);
}
