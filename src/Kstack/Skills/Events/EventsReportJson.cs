using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Events;

/// <summary>Exact round trip of an events report (shown groups already trimmed) for the report cache.</summary>
public static class EventsReportJson
{
    public static void Write(Utf8JsonWriter w, EventsReport r)
    {
        w.WriteStartObject();
        w.WriteString("context", r.Context);
        w.WriteString("namespace", r.Namespace);
        w.WriteNumber("hiddenGroups", r.HiddenGroups);
        w.WriteNumber("warningGroups", r.WarningGroups);
        w.WriteNumber("notableGroups", r.NotableGroups);
        w.WriteNumber("suppressed", r.SuppressedCount);
        w.WriteNumber("otherType", r.OtherTypeCount);
        if (r.OldestLast is { } oldest) w.WriteString("oldestLast", oldest);
        w.WriteNumber("totalEvents", r.TotalEvents);
        w.WriteString("eventsApi", r.EventsApi);
        w.WriteStartArray("shown");
        foreach (var g in r.Shown)
        {
            w.WriteStartObject();
            w.WriteNumber("category", (int)g.Category);
            w.WriteString("type", g.Type);
            w.WriteString("reason", g.Reason);
            w.WriteString("kind", g.Kind);
            w.WriteString("namespace", g.Namespace);
            w.WriteNumber("count", g.Count);
            if (g.First is { } f) w.WriteString("first", f);
            if (g.Last is { } l) w.WriteString("last", l);
            w.WriteString("message", g.Message);
            w.WriteStartArray("objects");
            foreach (var o in g.Objects) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteNumber("objectCount", g.ObjectCount);
            w.WriteString("owner", g.Owner);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static EventsReport Read(JsonElement e)
    {
        var shown = e.Array("shown").Select(g => new EventGroup(
            (EventCategory)(int)(g.Long("category") ?? 0), g.Str("type") ?? "", g.Str("reason") ?? "", g.Str("kind") ?? "",
            g.Str("namespace") ?? "", g.Long("count") ?? 0, g.Time("first"), g.Time("last"), g.Str("message") ?? "",
            g.Array("objects").Select(o => o.GetString() ?? "").ToList(), (int)(g.Long("objectCount") ?? 0), g.Str("owner"))).ToList();
        return new EventsReport(e.Str("context") ?? "", e.Str("namespace"), shown, (int)(e.Long("hiddenGroups") ?? 0),
            (int)(e.Long("warningGroups") ?? 0), (int)(e.Long("notableGroups") ?? 0), e.Long("suppressed") ?? 0,
            e.Long("otherType") ?? 0, e.Time("oldestLast"), (int)(e.Long("totalEvents") ?? 0), e.Str("eventsApi") ?? "");
    }
}
