using System.Globalization;
using System.Text;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.Alerts;

/// <summary>The text answer of /alerts: bounded at any number of alerts; cluster text (labels, annotations, comments) framed as data.</summary>
internal static class AlertsRenderer
{
    public const int Width = 120;
    public const int MaxGroups = 15;
    public const int MaxUnprocessedGroups = 5;
    public const int MaxSilences = 5;
    public const int MaxTargets = 2;

    public static string Text(AlertsReport r, DateTimeOffset now, string freshness)
    {
        var sb = new StringBuilder();
        sb.Append("Alerts: ").Append(DataText.Inline(r.Context, 60)).Append(" · ")
          .Append(r.Source == "alertmanager" ? "Alertmanager " : "Prometheus ").Append(r.Target).Append('\n');
        if (r.Source == "prometheus")
            sb.Append("No Alertmanager found: these are Prometheus's firing alerting rules (/api/v1/alerts); silences, inhibitions and routing are not known here.\n");
        if (r.Matched > 1)
            sb.Append($"{r.Matched} Alertmanager Services matched; using the first ({r.Target}). Pass --service <ns>/<name>[:<port>] for another.\n");

        var headline = new List<string>();
        if (r.FiringCount > 0)
        {
            var parts = new List<string>();
            if (r.Critical > 0) parts.Add($"{r.Critical} critical");
            if (r.Warning > 0) parts.Add($"{r.Warning} warning");
            if (r.FiringCount - r.Critical - r.Warning > 0) parts.Add($"{r.FiringCount - r.Critical - r.Warning} other");
            headline.Add($"{r.FiringCount} firing ({string.Join(", ", parts)}) in {r.Firing.Count} group{(r.Firing.Count == 1 ? "" : "s")}");
        }
        if (r.Suppressed > 0) headline.Add($"{r.Suppressed} suppressed");
        if (r.UnprocessedCount > 0) headline.Add($"{r.UnprocessedCount} unprocessed");
        if (r.PendingCount > 0) headline.Add($"{r.PendingCount} pending");
        sb.Append('\n');
        if (r.FiringCount == 0 && r.Suppressed == 0 && r.UnprocessedCount == 0 && r.PendingCount == 0)
            sb.Append(r.Source == "alertmanager" ? "No alerts in Alertmanager right now." : "No alerting rule is firing or pending in Prometheus right now.").Append('\n');
        else
        {
            if (r.FiringCount == 0) headline.Insert(0, "Nothing firing");
            sb.Append(string.Join(" · ", headline)).Append(".\n");
        }

        if (r.Firing.Count > 0) sb.Append('\n');
        foreach (var g in r.Firing.Take(MaxGroups)) Group(sb, g, now);
        if (r.Firing.Count > MaxGroups)
        {
            var more = r.Firing.Skip(MaxGroups).ToList();
            sb.Append($"… {more.Count} more group{(more.Count == 1 ? "" : "s")} ({more.Sum(g => g.Count)} alerts): all of them are in the alerts file (agent_context).\n");
        }

        if (r.Suppressed > 0)
        {
            var causes = new List<string> { $"{r.Silenced} silenced", $"{r.Inhibited} inhibited" };
            if (r.MutedByReported) causes.Add($"{r.Muted} muted by a time interval");
            sb.Append('\n').Append($"Suppressed: {r.Suppressed} ({string.Join(", ", causes)})");
            sb.Append(r.MutedByReported || r.Source != "alertmanager" ? ".\n" : "; this Alertmanager does not report time-interval mutes (status.mutedBy, 0.28+).\n");
        }
        if (r.UnprocessedCount > 0)
        {
            sb.Append('\n').Append($"Unprocessed: {r.UnprocessedCount} (received, not yet processed by Alertmanager's pipeline):\n");
            foreach (var g in r.Unprocessed.Take(MaxUnprocessedGroups)) sb.Append("  ").Append(RowHead(g)).Append('\n');
            if (r.Unprocessed.Count > MaxUnprocessedGroups) sb.Append($"  … {r.Unprocessed.Count - MaxUnprocessedGroups} more groups.\n");
        }
        if (r.PendingCount > 0)
            sb.Append('\n').Append($"Pending: {r.PendingCount} (the rule's condition holds, but not yet for its `for:` duration; not firing).\n");

        if (r.Silences.Count > 0)
        {
            sb.Append('\n').Append($"Silences muting these alerts ({r.Silences.Count}):\n");
            foreach (var s in r.Silences.Take(MaxSilences)) Silence(sb, s, now);
            if (r.Silences.Count > MaxSilences) sb.Append($"  … {r.Silences.Count - MaxSilences} more: in the alerts file (agent_context).\n");
        }

        if (r.Canaries.Count > 0 || r.WatchdogMissing) sb.Append('\n');
        if (r.Canaries.Count > 0)
            sb.Append("Canary (always-on, not counted as firing): ")
              .Append(string.Join(", ", r.Canaries.Select(c => $"{c.Name}{(c.Count > 1 ? $" ×{c.Count}" : "")} {DataText.Token(c.State, 20)}"))).Append(".\n");
        if (r.WatchdogMissing)
            sb.Append("No Watchdog alert: Watchdog is meant to fire always (kube-prometheus rules); without it the alerting pipeline "
                      + "(Prometheus → Alertmanager) may be broken, so silence here does not prove all is well.\n");

        sb.Append('\n');
        if (r.Capped) sb.Append($"Note: read the first {r.AlertsRead} of {r.AlertsTotal} alerts (kstack's cap); the counts cover those.\n");
        foreach (var n in r.Notes) sb.Append("Note: ").Append(n).Append('\n');
        sb.Append(freshness);
        return sb.ToString().TrimEnd('\n');
    }

    private static string RowHead(AlertGroup g)
    {
        var name = g.Namespace.Length > 0 ? DataText.Token(g.Namespace, 63) + "/" + DataText.Token(g.Name, 80) : DataText.Token(g.Name, 80);
        return $"{g.Tag}  {name.PadRight(44)} {(g.Count.ToString(CultureInfo.InvariantCulture) + "×").PadLeft(5)}";
    }

    private static void Group(StringBuilder sb, AlertGroup g, DateTimeOffset now)
    {
        sb.Append(RowHead(g));
        if (g.Since is { } since) sb.Append("  for ").Append(Duration.Format(now - since < TimeSpan.Zero ? TimeSpan.Zero : now - since));
        sb.Append('\n');
        if (g.Summary.Length > 0) sb.Append("      summary ").Append(DataText.QuoteFitting(g.Summary, Width - 14)).Append('\n');
        if (g.Targets.Count > 0)
        {
            sb.Append("      → ").Append(string.Join(", ", g.Targets.Take(MaxTargets).Select(t => t.Command)));
            if (g.Targets.Count > MaxTargets) sb.Append($" (+{g.Targets.Count - MaxTargets} more)");
            sb.Append('\n');
        }
    }

    private static void Silence(StringBuilder sb, SilenceItem s, DateTimeOffset now)
    {
        var id = DataText.Token(s.Id.Length > 8 ? s.Id[..8] : s.Id, 12);
        var ends = s.EndsAt is { } e ? $"ends {RelativeTime(e - now)} ({e.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)})" : "no end time";
        sb.Append($"  {id}  {ends} · by {DataText.Quote(s.CreatedBy, 60)}\n");
        sb.Append("      comment ").Append(DataText.QuoteFitting(s.Comment, Width - 14)).Append('\n');
        if (s.Matchers.Count > 0) sb.Append("      matchers ").Append(DataText.QuoteFitting(string.Join(", ", s.Matchers), Width - 15)).Append('\n');
    }

    private static string RelativeTime(TimeSpan span) => span >= TimeSpan.Zero ? "in " + Duration.Format(span) : Duration.Format(-span) + " ago";
}
