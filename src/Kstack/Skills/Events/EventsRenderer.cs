using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.Events;

/// <summary>Text and JSON renderings of an events report; rows keep the original's column layout.</summary>
public static class EventsRenderer
{
    public const int ObjectsShown = 3;

    public static string Text(EventsReport r, string freshness, DateTimeOffset now)
    {
        var sb = new StringBuilder(2048);
        sb.Append("Events: ").Append(DataText.Inline(r.Context, 60));
        if (r.Namespace is not null) sb.Append(" · namespace ").Append(DataText.Inline(r.Namespace, 63));
        if (r.TotalEvents == 0) sb.Append(" · none");
        else
        {
            if (r.Span(now) is { } span) sb.Append(" · ").Append(Duration.Format(span));
            var parts = new List<string>();
            if (r.WarningGroups > 0) parts.Add(r.WarningGroups == 1 ? "1 warning group" : $"{r.WarningGroups} warning groups");
            if (r.NotableGroups > 0) parts.Add($"{r.NotableGroups} notable");
            sb.Append(" · ").Append(parts.Count == 0 ? "none" : string.Join(", ", parts));
        }
        sb.Append("\n\n");

        if (r.Shown.Count == 0) sb.Append("No Warning or notable Normal events in the current window.\n");
        else
        {
            EventCategory? previous = null;
            foreach (var g in r.Shown)
            {
                if (previous is { } p && p != g.Category) sb.Append('\n');
                previous = g.Category;
                sb.Append(Row(g, now)).Append('\n');
                sb.Append(Detail(g, now)).Append('\n');
            }
            if (r.HiddenGroups > 0) sb.Append($"…and {r.HiddenGroups} more groups (all groups are in events.json).\n");
        }
        if (r.SuppressedCount > 0)
            sb.Append($"\n…and {r.SuppressedCount} Normal events (Pulled, Created, Started, Scheduled) suppressed.\n");
        if (r.OtherTypeCount > 0)
            sb.Append($"\n…and {r.OtherTypeCount} {(r.OtherTypeCount == 1 ? "event" : "events")} of a type other than Normal or Warning hidden.\n");
        sb.Append('\n').Append(freshness)
          .Append(" Ask to drill in — e.g. \"only payments\", \"events on pod/checkout-7c9\", \"show suppressed\".");
        return sb.ToString();
    }

    /// <summary>WARN  ns/Kind(22) reason(18) count×(4)  age ago(9)  "message"</summary>
    public static string Row(EventGroup g, DateTimeOffset now)
    {
        var label = g.Category == EventCategory.Warn ? "WARN" : "NOTE";
        var where = g.Namespace.Length == 0 ? g.Kind : $"{g.Namespace}/{g.Kind}";
        return $"{label}  {DataText.Column(where, 22)} {DataText.Column(g.Reason, 18)} "
             + $"{DataText.Cell($"{g.Count}×", 4)}  {DataText.Cell(Ago(g.Last, now), 9)}  {DataText.Quote(g.Message, 80)}";
    }

    private static string Detail(EventGroup g, DateTimeOffset now)
    {
        var objects = string.Join(", ", g.Objects.Take(ObjectsShown).Select(o => DataText.Token($"{g.Kind.ToLowerInvariant()}/{o}", 80)));
        if (g.ObjectCount > ObjectsShown) objects += $" +{g.ObjectCount - ObjectsShown} more";
        var line = $"      {(objects.Length > 0 ? objects : "(no object)")} · first {Ago(g.First, now)}";
        if (g.Owner is not null) line += $" · owner {DataText.Token(g.Owner, 60)}";
        return line;
    }

    private static string Ago(DateTimeOffset? t, DateTimeOffset now)
    {
        if (t is null) return "?";
        var age = now - t.Value;
        return age <= TimeSpan.Zero ? "?" : Duration.Format(age) + " ago";
    }

    public static string Json(EventsReport r, DateTimeOffset now)
    {
        static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var groups = r.Shown.Select(g => new EventGroupDocument(
            g.Category == EventCategory.Warn ? "warning" : "notable", TerminalText.Clean(g.Type), TerminalText.Clean(g.Reason),
            TerminalText.Clean(g.Kind), TerminalText.Clean(g.Namespace), g.Count, Time(g.First), Time(g.Last), DataText.Plain(g.Message, 200),
            g.ObjectCount, g.Objects.Take(ObjectsShown).Select(TerminalText.Clean).ToList(), g.Owner is { } o ? TerminalText.Clean(o) : null)).ToList();
        return Kstack.Json.Dto.Serialize(new EventsDocument(TerminalText.Clean(r.Context), r.Namespace is { } ns ? TerminalText.Clean(ns) : null,
            r.TotalEvents, r.WarningGroups, r.NotableGroups, r.HiddenGroups, r.SuppressedCount, groups), EventsJson.Default.EventsDocument);
    }
}
