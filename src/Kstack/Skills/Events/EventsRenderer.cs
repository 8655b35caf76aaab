using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.Events;

/// <summary>Text and JSON renderings of an events report; text fits in <see cref="Width"/> columns.</summary>
internal static class EventsRenderer
{
    public const int ObjectsShown = 3;

    /// <summary>Tables fit in this many columns; identifiers are never cut, free text (the message) absorbs the rest.</summary>
    public const int Width = 120;

    private const int MinMessage = 24;

    public static string Text(EventsReport r, string freshness, DateTimeOffset now)
    {
        var sb = new StringBuilder(2048);
        sb.Append("Events: ").Append(DataText.Inline(r.Context, 60));
        if (r.Namespace is not null) sb.Append(" · namespace ").Append(DataText.Inline(r.Namespace, 63));
        if (r.TotalEvents == 0) sb.Append(" · none");
        else
        {
            if (r.Span(now) is { } span) sb.Append(" · window ").Append(Duration.Format(span));
            var parts = new List<string>();
            if (r.WarningGroups > 0) parts.Add(Plural(r.WarningGroups, "warning group"));
            if (r.NotableGroups > 0) parts.Add(Plural(r.NotableGroups, "notable group"));
            sb.Append(" · ").Append(parts.Count == 0 ? "none" : string.Join(", ", parts));
        }
        sb.Append("\n\n");

        if (r.Shown.Count == 0) sb.Append("No Warning or notable Normal events in the current window.\n");
        else
        {
            var layout = Layout.For(r.Shown, now);
            EventCategory? previous = null;
            foreach (var g in r.Shown)
            {
                if (previous is { } p && p != g.Category) sb.Append('\n');
                previous = g.Category;
                sb.Append(Row(g, now, layout)).Append('\n');
                sb.Append(Detail(g, now)).Append('\n');
            }
            if (r.HiddenGroups > 0) sb.Append($"…and {r.HiddenGroups} more {(r.HiddenGroups == 1 ? "group" : "groups")} (all groups are in events.json).\n");
        }
        if (r.SuppressedCount > 0)
            sb.Append($"\n…and {Plural(r.SuppressedCount, "Normal event")} (Pulled, Created, Started, Scheduled) suppressed.\n");
        if (r.OtherTypeCount > 0)
            sb.Append($"\n…and {r.OtherTypeCount} {(r.OtherTypeCount == 1 ? "event" : "events")} of a type other than Normal or Warning hidden.\n");
        sb.Append('\n').Append(freshness)
          .Append(" Ask to drill in — e.g. \"only payments\", \"events on pod/checkout-7c9\", \"show suppressed\".");
        return sb.ToString();
    }

    private static string Plural(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Column widths from the rows shown: wide enough for every identifier up to a cap (a longer one overflows its row, uncut).</summary>
    public sealed record Layout(int Where, int Reason, int Count, int AgoWidth)
    {
        public static Layout For(IReadOnlyList<EventGroup> groups, DateTimeOffset now) => new(
            Math.Min(34, groups.Max(g => WhereOf(g).Length)),
            Math.Min(30, groups.Max(g => DataText.Token(g.Reason).Length)),
            groups.Max(g => CountOf(g).Length),
            groups.Max(g => Ago(g.Last, now).Length));
    }

    /// <summary>Events about cluster-scoped objects are recorded in namespace default; show their kind alone.</summary>
    private static readonly HashSet<string> ClusterScopedKinds = new(StringComparer.Ordinal)
    {
        "Node", "Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "PriorityClass", "IngressClass", "CSINode", "CSIDriver", "VolumeAttachment", "CertificateSigningRequest", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "RuntimeClass",
    };

    private static string WhereOf(EventGroup g) =>
        DataText.Token(g.Namespace.Length == 0 || ClusterScopedKinds.Contains(g.Kind) ? g.Kind : $"{g.Namespace}/{g.Kind}");

    private static string CountOf(EventGroup g) => $"{g.Count}×";

    public static string Row(EventGroup g, DateTimeOffset now) => Row(g, now, Layout.For([g], now));

    /// <summary>WARN  ns/Kind  reason  count×  age ago  "message" — the message is cut with … to fit, or goes to its own line.</summary>
    public static string Row(EventGroup g, DateTimeOffset now, Layout layout)
    {
        var label = g.Category == EventCategory.Warn ? "WARN" : "NOTE";
        var prefix = $"{label}  {WhereOf(g).PadRight(layout.Where)}  {DataText.Token(g.Reason).PadRight(layout.Reason)}  "
                   + $"{CountOf(g).PadLeft(layout.Count)}  {Ago(g.Last, now).PadRight(layout.AgoWidth)}  ";
        var room = Width - prefix.Length;
        if (room >= MinMessage) return prefix + DataText.QuoteFitting(g.Message, room);
        return prefix.TrimEnd() + "\n      " + DataText.QuoteFitting(g.Message, Width - 6);
    }

    /// <summary>Objects, first seen and owner; parts that do not fit in the width go to lines of their own.</summary>
    private static string Detail(EventGroup g, DateTimeOffset now)
    {
        var objects = g.Objects.Take(ObjectsShown).Select(o => DataText.Token($"{g.Kind.ToLowerInvariant()}/{o}", 80)).ToList();
        var parts = new List<string>();
        var more = g.ObjectCount > ObjectsShown ? $" +{g.ObjectCount - ObjectsShown} more" : "";
        parts.Add(objects.Count > 0 ? string.Join(", ", objects) + more : "(no object)");
        parts.Add($"first {Ago(g.First, now)}");
        if (g.Owner is not null) parts.Add($"owner {DataText.Token(g.Owner, 60)}");
        const string indent = "      ";
        var line = indent + string.Join(" · ", parts);
        if (line.Length <= Width) return line;
        // Too wide: one object per line, then first seen and owner together (or apart) below them.
        var lines = objects.Select((o, i) => indent + o + (i < objects.Count - 1 ? "," : more)).ToList();
        var tail = indent + string.Join(" · ", parts.Skip(1));
        if (tail.Length <= Width) lines.Add(tail);
        else lines.AddRange(parts.Skip(1).Select(p => indent + p));
        return string.Join("\n", lines);
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
