using System.Text.Json;

namespace Kstack.Skills.Shared;

/// <summary>One event, normalised across core v1 and events.k8s.io/v1 (eventTime/series as well as lastTimestamp).</summary>
internal sealed record EventFacts(
    string Type, string Reason, string Kind, string Namespace, string ObjectNamespace, string ObjectName,
    long Count, DateTimeOffset? First, DateTimeOffset? Last, string Message, string ApiVersion = "")
{
    public static EventFacts From(JsonElement e)
    {
        var regarding = e.Get("regarding") ?? e.Get("involvedObject");
        var created = e.Time("metadata", "creationTimestamp");
        var eventTime = e.Time("eventTime");
        var last = e.Time("series", "lastObservedTime") ?? e.Time("lastTimestamp") ?? e.Time("deprecatedLastTimestamp")
                   ?? eventTime ?? e.Time("firstTimestamp") ?? created;
        var first = e.Time("firstTimestamp") ?? e.Time("deprecatedFirstTimestamp") ?? eventTime ?? created ?? last;
        var count = e.Long("series", "count") ?? e.Long("count") ?? e.Long("deprecatedCount") ?? 1;
        var ns = e.Str("metadata", "namespace") ?? "";
        return new EventFacts(
            e.Str("type") ?? "Unknown", e.Str("reason") ?? "Unknown",
            regarding?.Str("kind") ?? "Unknown", ns, regarding?.Str("namespace") ?? ns, regarding?.Str("name") ?? "",
            Math.Max(1, count), first, last, e.Str("note") ?? e.Str("message") ?? "", e.Str("apiVersion") ?? "");
    }
}
