using System.Text.Json;
using Kstack.Sim.Store;

namespace Kstack.Sim.Api;

/// <summary>Serves core v1 Events as events.k8s.io/v1 Events, field for field as the API server converts them.</summary>
internal static class EventConversion
{
    public static void Write(Utf8JsonWriter w, StoredObject o)
    {
        using var doc = JsonDocument.Parse(o.Json);
        var r = doc.RootElement;
        w.WriteStartObject();
        w.WriteString("kind", "Event");
        w.WriteString("apiVersion", "events.k8s.io/v1");
        w.WritePropertyName("metadata");
        w.WriteRawValue(o.Metadata, true);
        w.WritePropertyName("eventTime");
        if (r.TryGetProperty("eventTime", out var et) && et.ValueKind == JsonValueKind.String) et.WriteTo(w); else w.WriteNullValue();
        if (r.TryGetProperty("series", out var series) && series.ValueKind == JsonValueKind.Object) { w.WritePropertyName("series"); series.WriteTo(w); }
        var controller = Str(r, "reportingComponent") is { Length: > 0 } rc ? rc
            : r.TryGetProperty("source", out var src) && Str(src, "component") is { Length: > 0 } sc ? sc : null;
        if (controller != null) w.WriteString("reportingController", controller);
        var instance = Str(r, "reportingInstance") is { Length: > 0 } ri ? ri
            : r.TryGetProperty("source", out var src2) && Str(src2, "host") is { Length: > 0 } sh ? sh : null;
        if (instance != null) w.WriteString("reportingInstance", instance);
        Copy(w, r, "action", "action");
        Copy(w, r, "reason", "reason");
        Copy(w, r, "involvedObject", "regarding");
        Copy(w, r, "related", "related");
        Copy(w, r, "message", "note");
        Copy(w, r, "type", "type");
        if (r.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object && s.EnumerateObject().Any())
        {
            w.WritePropertyName("deprecatedSource");
            s.WriteTo(w);
        }
        Copy(w, r, "firstTimestamp", "deprecatedFirstTimestamp");
        Copy(w, r, "lastTimestamp", "deprecatedLastTimestamp");
        Copy(w, r, "count", "deprecatedCount");
        w.WriteEndObject();
    }

    private static string? Str(JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static void Copy(Utf8JsonWriter w, JsonElement r, string from, string to)
    {
        if (!r.TryGetProperty(from, out var v) || v.ValueKind == JsonValueKind.Null) return;
        w.WritePropertyName(to);
        v.WriteTo(w);
    }

    /// <summary>Maps events.k8s.io field-selector paths onto the core Event index.</summary>
    public static string MapField(string path) => path switch
    {
        _ when path.StartsWith("regarding.", StringComparison.Ordinal) => "involvedObject." + path["regarding.".Length..],
        "reportingController" => "reportingComponent",
        "deprecatedSource" => "source",
        _ => path,
    };
}
