using System.Globalization;
using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Metrics;

/// <summary>The detected sources, cached per context in state.</summary>
internal sealed record DetectedSources(bool MetricsServer, PrometheusTarget? Prometheus, string? PrometheusNote, DateTimeOffset DetectedAt,
    string? MetricsServerNote = null)
{
    public const string StateKey = "metrics-sources.json";

    public string Serialize()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("metricsServer", MetricsServer);
            if (Prometheus is null) w.WriteNull("prometheus"); else w.WriteString("prometheus", Prometheus.ToString());
            if (PrometheusNote is not null) w.WriteString("prometheusNote", PrometheusNote);
            if (MetricsServerNote is not null) w.WriteString("metricsServerNote", MetricsServerNote);
            w.WriteString("detectedAt", DetectedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static DetectedSources? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var r = doc.RootElement;
            var prom = r.Str("prometheus");
            var target = PrometheusTarget.TryParse(prom);
            if (prom is not null && target is null) return null;
            return new DetectedSources(r.Bool("metricsServer"), target, r.Str("prometheusNote"), r.Time("detectedAt") ?? DateTimeOffset.UnixEpoch,
                r.Str("metricsServerNote"));
        }
        catch (JsonException) { return null; }
    }
}
