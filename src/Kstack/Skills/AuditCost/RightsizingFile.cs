using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Cache;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>
/// <c>&lt;cache_dir&gt;/audit-cost.rightsizing.json</c> (schema <c>rightsizing/1</c>): where usage came from, the queries sent,
/// and every container with a saving (findings or not), ranked by CPU then memory saving. CPU in cores, memory in bytes.
/// </summary>
internal static class RightsizingFile
{
    public const string Name = "audit-cost.rightsizing.json";
    public const string Schema = "rightsizing/1";

    public static Task WriteAsync(string path, IReadOnlyList<RightsizingRow> rows, CostUsage usage, Prices? prices) =>
        Cache.AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("source", usage.Source);
            w.WriteString("prometheus", usage.Prometheus);
            w.WriteString("window", usage.Source == "prometheus" ? usage.Window : null);
            w.WriteString("method", "KRR simple: CPU request = p95 of the per-container CPU rate, memory = max working set + 15 %; floors 10m, 100Mi");
            w.WriteString("currency", prices?.Currency);
            w.WriteStartArray("queries");
            foreach (var q in usage.Queries) w.WriteStringValue(q);
            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var n in usage.Notes) w.WriteStringValue(CleanText.Of(n));
            w.WriteEndArray();
            w.WriteStartArray("rows");
            foreach (var r in rows)
            {
                w.FlushWhenFull();
                WriteRow(w, r);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            return Task.CompletedTask;
        });

    public static void WriteRow(Utf8JsonWriter w, RightsizingRow r)
    {
        w.WriteStartObject();
        w.WriteString("kind", r.Subject.Kind);
        w.WriteString("namespace", r.Subject.Namespace is null ? null : CleanText.Of(r.Subject.Namespace));
        w.WriteString("name", CleanText.Of(r.Subject.Name));
        w.WriteString("container", CleanText.Of(r.Subject.Container ?? ""));
        w.WriteNumber("index", r.Index);
        w.WriteNumber("pods", r.Pods);
        if (r.CpuRequest is { } cr) w.WriteNumber("cpuRequest", cr); else w.WriteNull("cpuRequest");
        w.WriteNumber("cpuRecommended", r.CpuRecommended);
        if (r.MemoryRequest is { } mr) w.WriteNumber("memoryRequest", mr); else w.WriteNull("memoryRequest");
        w.WriteNumber("memoryRecommended", r.MemoryRecommended);
        w.WriteNumber("cpuSaving", r.CpuSaving);
        w.WriteNumber("memorySaving", r.MemorySaving);
        w.WriteString("source", r.Source);
        w.WriteString("confidence", r.Confidence);
        w.WriteNumber("points", r.Points);
        if (r.Money is { } m) w.WriteNumber("monthlySaving", Math.Round(m, 2));
        w.WriteEndObject();
    }

    public static RightsizingRow ReadRow(JsonElement e)
    {
        decimal? D(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
        return new RightsizingRow(new ObjectRef(e.Str("kind") ?? "", e.Str("namespace"), e.Str("name") ?? "", e.Str("container")), (int)(e.Long("index") ?? 0),
            (int)(e.Long("pods") ?? 0), D("cpuRequest"), D("cpuRecommended") ?? 0, D("memoryRequest"), D("memoryRecommended") ?? 0, D("cpuSaving") ?? 0,
            D("memorySaving") ?? 0, e.Str("source") ?? "", e.Str("confidence") ?? "", (int)(e.Long("points") ?? 0)) { Money = D("monthlySaving") };
    }
}
