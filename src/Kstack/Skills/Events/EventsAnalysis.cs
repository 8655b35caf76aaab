using Kstack.Skills.Shared;

namespace Kstack.Skills.Events;

internal enum EventCategory { Warn, Note, Chatty, Other }

/// <summary>One group; Objects is newest first (trimmed to the shown few once Owner is resolved), ObjectCount counts them all.</summary>
internal sealed record EventGroup(
    EventCategory Category, string Type, string Reason, string Kind, string Namespace, long Count,
    DateTimeOffset? First, DateTimeOffset? Last, string Message, IReadOnlyList<string> Objects, int ObjectCount, string? Owner = null);

internal sealed record EventsReport(
    string Context, string? Namespace, IReadOnlyList<EventGroup> Shown, int HiddenGroups,
    int WarningGroups, int NotableGroups, long SuppressedCount, long OtherTypeCount, DateTimeOffset? OldestLast, int TotalEvents,
    string EventsApi = "")
{
    /// <summary>How far back the events reach: the age of the oldest group's last occurrence.</summary>
    public TimeSpan? Span(DateTimeOffset now) => OldestLast is { } t ? now - t : null;
}

/// <summary>Groups events by (type, reason, kind, namespace), classifies and ranks them. Pure.</summary>
internal static class EventsAnalysis
{
    public const int MaxGroups = 25;

    public static readonly IReadOnlySet<string> NotableNormal = new HashSet<string>
        { "Killing", "Preempting", "NodeNotReady", "Rebooted", "FailedScheduling", "OOMKilling", "FreeDiskSpaceFailed", "Evicted", "BackoffLimitExceeded" };

    public static readonly IReadOnlySet<string> ChattyNormal = new HashSet<string>
        { "Pulled", "Pulling", "Created", "Started", "Scheduled", "SuccessfulCreate" };

    public static EventCategory Classify(string type, string reason) => type switch
    {
        "Warning" => EventCategory.Warn,
        "Normal" when ChattyNormal.Contains(reason) => EventCategory.Chatty,
        "Normal" => EventCategory.Note,
        _ => EventCategory.Other,
    };

    public static EventsReport Analyse(string context, string? ns, IReadOnlyList<EventFacts> events)
    {
        var groups = events
            .GroupBy(e => (e.Type, e.Reason, e.Kind, e.Namespace))
            .Select(g =>
            {
                var latest = g.OrderByDescending(e => e.Last ?? DateTimeOffset.MinValue).First();
                var objects = g.OrderByDescending(e => e.Last ?? DateTimeOffset.MinValue)
                    .Select(e => e.ObjectName).Where(n => n.Length > 0).Distinct().ToList();
                return new EventGroup(Classify(g.Key.Type, g.Key.Reason), g.Key.Type, g.Key.Reason, g.Key.Kind, g.Key.Namespace,
                    g.Sum(e => e.Count), g.Min(e => e.First), g.Max(e => e.Last), latest.Message, objects, objects.Count);
            })
            .OrderByDescending(g => g.Last ?? DateTimeOffset.MinValue)
            .ThenBy(g => g.Namespace, StringComparer.Ordinal).ThenBy(g => g.Kind, StringComparer.Ordinal).ThenBy(g => g.Reason, StringComparer.Ordinal)
            .ToList();

        var warn = groups.Where(g => g.Category == EventCategory.Warn).ToList();
        var note = groups.Where(g => g.Category == EventCategory.Note).ToList();
        var shown = warn.Concat(note).Take(MaxGroups).ToList();
        var dated = groups.Where(g => g.Last is not null).ToList();
        DateTimeOffset? oldest = dated.Count == 0 ? null : dated.Min(g => g.Last!.Value);
        return new EventsReport(context, ns, shown, warn.Count + note.Count - shown.Count, warn.Count, note.Count,
            groups.Where(g => g.Category == EventCategory.Chatty).Sum(g => g.Count),
            groups.Where(g => g.Category == EventCategory.Other).Sum(g => g.Count), oldest, events.Count,
            events.Select(e => e.ApiVersion).FirstOrDefault(a => a.Length > 0) ?? "");
    }
}
