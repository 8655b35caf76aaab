using System.Globalization;
using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.Metrics;

/// <summary>Text and --json renderings of a <see cref="MetricsReport"/>; cluster names are framed as data.</summary>
public static class MetricsRenderer
{
    private const int NameWidth = 46;

    public static string Window(MetricsReport r) =>
        r.PointInTime ? "point-in-time" : $"last {Duration.Format(r.Window!.Value)} (step {Duration.Format(r.Step!.Value)})";

    public static string Text(MetricsReport r)
    {
        var sb = new StringBuilder();
        var source = r.Prometheus is null ? r.Source : $"{r.Source} ({r.Prometheus})";
        sb.Append($"Metrics: {DataText.Inline(r.Context)} · {DataText.Inline(r.Target.Label)} · {Window(r)} · source: {source}\n");
        sb.Append(r.PointInTime
            ? "Values are point-in-time (metrics-server keeps no history); Prometheus is needed for a window.\n"
            : "p50/p95/max: nearest-rank over the samples present in the window; gaps (container not running) are not zeros.\n");

        if (r.Total is { } t)
        {
            var podCount = r.Target.Kind == TargetKind.Node ? r.RowCount : r.Target.Pods.Count;
            sb.Append('\n').Append(r.Target.Kind == TargetKind.Pod ? "Pod total" : $"Whole target ({podCount} pod{(podCount == 1 ? "" : "s")})").Append(":\n");
            sb.Append(TotalLine("cpu", MetricKind.Cpu, t.Cpu, r, r.Resources?.LimitCpu));
            sb.Append(TotalLine("memory", MetricKind.Memory, t.Memory, r, r.Resources?.LimitMemory));
            if (r.Resources is { } res)
                sb.Append($"  {(res.Uniform ? "per pod" : "per pod (largest; pods differ)")}: requests cpu {Opt(MetricKind.Cpu, res.RequestCpu)}, memory {Opt(MetricKind.Memory, res.RequestMemory)}"
                          + $" · limits cpu {Opt(MetricKind.Cpu, res.LimitCpu)}, memory {Opt(MetricKind.Memory, res.LimitMemory)}\n");
        }

        var noun = r.RowKind + (r.RowCount == 1 ? "" : "s");
        sb.Append('\n');
        if (r.Rows.Count == 0) sb.Append($"No {r.RowKind} usage to show.\n");
        else
        {
            sb.Append($"Top {r.Rows.Count} of {r.RowCount} {noun} by {(r.By == MetricKind.Cpu ? "cpu" : "memory")}{(r.PointInTime ? "" : " p95")}:\n");
            var header = r.RowKind.ToUpperInvariant();
            var workloads = r.RowKind == "pod" && r.Rows.Any(x => x.Workload is not null);
            if (r.PointInTime)
            {
                sb.Append("  ").Append(DataText.Cell(header, NameWidth)).Append(' ').Append("CPU".PadRight(9)).Append("MEMORY".PadRight(9)).Append(workloads ? "WORKLOAD" : "").Append('\n');
                foreach (var row in r.Rows)
                {
                    sb.Append("  ").Append(DataText.Column(RowName(r, row), NameWidth)).Append(' ')
                        .Append(Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(9)).Append(Val(MetricKind.Memory, row.Memory?.Max).PadRight(9));
                    if (workloads) sb.Append(DataText.Token(row.Workload ?? "-"));
                    sb.Append('\n');
                }
            }
            else
            {
                sb.Append("  ").Append(DataText.Cell(header, NameWidth)).Append(" CPU p50  p95     max     MEM p50  p95     max     ")
                    .Append(r.By == MetricKind.Cpu ? "CPU" : "MEM").Append(" TREND").Append(workloads ? "  WORKLOAD" : "").Append('\n');
                foreach (var row in r.Rows)
                {
                    sb.Append("  ").Append(DataText.Column(RowName(r, row), NameWidth)).Append(' ')
                        .Append(Val(MetricKind.Cpu, row.Cpu?.P50).PadRight(9)).Append(Val(MetricKind.Cpu, row.Cpu?.P95).PadRight(8)).Append(Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(8))
                        .Append(Val(MetricKind.Memory, row.Memory?.P50).PadRight(9)).Append(Val(MetricKind.Memory, row.Memory?.P95).PadRight(8)).Append(Val(MetricKind.Memory, row.Memory?.Max).PadRight(8))
                        .Append(row.Of(r.By)?.Trend ?? "-");
                    if (workloads) sb.Append("  ").Append(DataText.Token(row.Workload ?? "-"));
                    sb.Append('\n');
                }
            }
        }
        foreach (var n in r.Notes) sb.Append("Note: ").Append(n).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    private static string TotalLine(string label, MetricKind kind, UsageStats? s, MetricsReport r, double? limit)
    {
        if (s is null) return $"  {label.PadRight(7)} no samples\n";
        // The whole target is compared with the sum of its pods' limits (shown only when every pod has the same limit).
        var pods = r.Target.Kind == TargetKind.Workload ? r.Target.Pods.Count : 1;
        var combined = limit * pods;
        var ofLimit = combined is > 0 && r.Resources is { Uniform: true }
            ? $" ({Math.Round(s.Max / combined.Value * 100).ToString(CultureInfo.InvariantCulture)}% of the {(pods > 1 ? "combined " : "")}{UsageFormat.Of(kind, combined.Value)} limit)" : "";
        if (r.PointInTime) return $"  {label.PadRight(7)} {UsageFormat.Of(kind, s.Max)}{ofLimit}\n";
        return $"  {label.PadRight(7)} p50 {UsageFormat.Of(kind, s.P50).PadRight(8)} p95 {UsageFormat.Of(kind, s.P95).PadRight(8)} max {UsageFormat.Of(kind, s.Max).PadRight(8)}"
               + $"{s.Samples} samples  {s.Trend}{ofLimit}\n";
    }

    private static string RowName(MetricsReport r, UsageRow row) => r.RowKind == "pod" ? row.Namespace + "/" + row.Name : row.Name;

    private static string Val(MetricKind kind, double? v) => v is null ? "-" : UsageFormat.Of(kind, v.Value);

    private static string Opt(MetricKind kind, double? v) => v is null ? "unset" : UsageFormat.Of(kind, v.Value);

    /// <summary>--json: cores and bytes as numbers, the window in seconds, the rows already ranked.</summary>
    public static string Json(MetricsReport r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("context", r.Context);
            w.WriteStartObject("target");
            w.WriteString("kind", r.Target.Kind == TargetKind.Workload ? r.Target.WorkloadKind : r.Target.Kind.ToString());
            if (r.Target.Namespace is null) w.WriteNull("namespace"); else w.WriteString("namespace", r.Target.Namespace);
            if (r.Target.Name is null) w.WriteNull("name"); else w.WriteString("name", r.Target.Name);
            w.WriteNumber("pods", r.Target.Pods.Count);
            w.WriteEndObject();
            w.WriteString("source", r.Source);
            if (r.Prometheus is null) w.WriteNull("prometheus"); else w.WriteString("prometheus", r.Prometheus);
            w.WriteBoolean("pointInTime", r.PointInTime);
            if (r.Window is { } win) w.WriteNumber("windowSeconds", (long)win.TotalSeconds); else w.WriteNull("windowSeconds");
            if (r.Step is { } step) w.WriteNumber("stepSeconds", (long)step.TotalSeconds); else w.WriteNull("stepSeconds");
            w.WriteString("percentiles", "nearest-rank");
            w.WriteString("by", r.By == MetricKind.Cpu ? "cpu" : "memory");
            w.WriteString("rowKind", r.RowKind);
            w.WriteNumber("rowsTotal", r.RowCount);
            w.WritePropertyName("total");
            if (r.Total is null) w.WriteNullValue(); else WriteRow(w, r.Total, includeName: false);
            if (r.Resources is { } res)
            {
                w.WriteStartObject("perPod");
                Num(w, "requestCpuCores", res.RequestCpu);
                Num(w, "requestMemoryBytes", res.RequestMemory);
                Num(w, "limitCpuCores", res.LimitCpu);
                Num(w, "limitMemoryBytes", res.LimitMemory);
                w.WriteBoolean("uniform", res.Uniform);
                w.WriteEndObject();
            }
            w.WriteStartArray("rows");
            foreach (var row in r.Rows) WriteRow(w, row, includeName: true);
            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var n in r.Notes) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteRow(Utf8JsonWriter w, UsageRow row, bool includeName)
    {
        w.WriteStartObject();
        if (includeName)
        {
            w.WriteString("namespace", row.Namespace);
            w.WriteString("name", row.Name);
            if (row.Workload is null) w.WriteNull("workload"); else w.WriteString("workload", row.Workload);
        }
        Stats(w, "cpu", row.Cpu);
        Stats(w, "memory", row.Memory);
        w.WriteEndObject();
    }

    private static void Stats(Utf8JsonWriter w, string name, UsageStats? s)
    {
        if (s is null) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteNumber("p50", Math.Round(s.P50, 6));
        w.WriteNumber("p95", Math.Round(s.P95, 6));
        w.WriteNumber("max", Math.Round(s.Max, 6));
        w.WriteNumber("samples", s.Samples);
        w.WriteString("trend", s.Trend);
        w.WriteEndObject();
    }

    private static void Num(Utf8JsonWriter w, string name, double? v)
    {
        if (v is null) w.WriteNull(name); else w.WriteNumber(name, Math.Round(v.Value, 6));
    }
}
