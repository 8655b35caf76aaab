using System.Globalization;
using System.Text;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Json;

namespace Kstack.Skills.Metrics;

/// <summary>Text and --json renderings of a <see cref="MetricsReport"/>; cluster names are framed as data.</summary>
internal static class MetricsRenderer
{
    /// <summary>Every line fits in this many columns: names are never cut (a long one gets a line of its own), workloads wrap.</summary>
    public const int Width = 120;

    private const int NameCap = 46;
    private const string Indent = "  ";

    public static string Window(MetricsReport r) =>
        r.PointInTime ? "point-in-time" : $"window {Duration.Format(r.Window!.Value)}, step {Duration.Format(r.Step!.Value)}";

    public static string Text(MetricsReport r)
    {
        var sb = new StringBuilder();
        var source = r.Prometheus is null ? r.Source : $"{r.Source} ({r.Prometheus})";
        sb.Append($"Metrics: {DataText.Inline(r.Context)} · {DataText.Inline(r.Target.Label)} · {Window(r)}\n");
        sb.Append($"Source: {source}\n").Append(r.PointInTime
            ? "Values are point-in-time (metrics-server keeps no history); Prometheus is needed for a window.\n"
            : "p50/p95/max: nearest-rank over the samples present; gaps (not running) are not zeros.\n");

        if (r.Total is { } t)
        {
            var podCount = r.Target.Kind == TargetKind.Node ? r.RowCount : r.Target.Pods.Count;
            sb.Append('\n').Append(r.Target.Kind switch
            {
                TargetKind.Pod => "Pod total",
                TargetKind.Node => $"Whole node ({podCount} pod{(podCount == 1 ? "" : "s")} on it)",
                _ => $"Whole target ({podCount} pod{(podCount == 1 ? "" : "s")})",
            }).Append(":\n");
            var node = r.Target.Kind == TargetKind.Node && r.Target.Name is { } n ? r.NodeOf(n) : null;
            sb.Append(TotalLine("cpu", MetricKind.Cpu, t.Cpu, r, r.Resources?.LimitCpu, node));
            sb.Append(TotalLine("memory", MetricKind.Memory, t.Memory, r, r.Resources?.LimitMemory, node));
            if (r.Resources is { } res)
                sb.Append($"  {(res.Uniform ? "per pod" : "per pod (largest; pods differ)")}: requests cpu {Opt(MetricKind.Cpu, res.RequestCpu)}, memory {Opt(MetricKind.Memory, res.RequestMemory)}"
                          + $" · limits cpu {Opt(MetricKind.Cpu, res.LimitCpu)}, memory {Opt(MetricKind.Memory, res.LimitMemory)}\n");
        }

        var noun = r.RowKind + (r.RowCount == 1 ? "" : "s");
        var missing = r.RowKind == "node" ? r.NodesWithoutData.ToList() : [];
        sb.Append('\n');
        if (r.Rows.Count == 0 && missing.Count == 0) sb.Append($"No {r.RowKind} usage to show.\n");
        else
        {
            var ranked = $"Top {r.Rows.Count} of {r.RowCount} {noun} by {(r.By == MetricKind.Cpu ? "cpu" : "memory")}{(r.PointInTime ? "" : " p95")}";
            if (missing.Count > 0) ranked += $", then {missing.Count} without data";
            sb.Append(ranked).Append(":\n");
            if (r.RowKind == "node") NodeTable(sb, r, missing);
            else PodTable(sb, r);
        }
        if (r.Queries is { Count: > 0 } queries)
        {
            sb.Append("Node-level queries (cAdvisor root cgroup of each node):\n");
            foreach (var q in queries) sb.Append(Indent).Append(q).Append('\n');
        }
        foreach (var n in r.Notes) sb.Append("Note: ").Append(n).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>Name column width: the longest name up to a cap; longer names take a line of their own.</summary>
    private static int NameWidth(IEnumerable<string> names, string header, int cap) =>
        Math.Min(cap, names.Select(n => n.Length).Append(header.Length).Max());

    /// <summary>Appends "  name  rest": a name wider than the column goes on its own line, the values below it.</summary>
    private static void NameAndRest(StringBuilder sb, string name, int width, string rest)
    {
        if (name.Length > width) sb.Append(Indent).Append(name).Append('\n').Append(Indent).Append(new string(' ', width));
        else sb.Append(Indent).Append(name.PadRight(width));
        sb.Append(' ').Append(rest);
    }

    private static void PodTable(StringBuilder sb, MetricsReport r)
    {
        var names = r.Rows.Select(row => DataText.Token(RowName(r, row), 253)).ToList();
        var header = r.RowKind.ToUpperInvariant();
        var width = NameWidth(names, header, NameCap);
        var lines = new List<string>();
        string headerRest;
        if (r.PointInTime)
        {
            headerRest = "CPU".PadRight(9) + "MEMORY".PadRight(9);
            lines.AddRange(r.Rows.Select(row => Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(9) + Val(MetricKind.Memory, row.Memory?.Max).PadRight(9)));
        }
        else
        {
            headerRest = "CPU p50  p95     max     MEM p50  p95     max     " + (r.By == MetricKind.Cpu ? "CPU" : "MEM") + " TREND".PadRight(Sparkline.DefaultWidth / 2 - 3);
            lines.AddRange(r.Rows.Select(row =>
                Val(MetricKind.Cpu, row.Cpu?.P50).PadRight(9) + Val(MetricKind.Cpu, row.Cpu?.P95).PadRight(8) + Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(8)
                + Val(MetricKind.Memory, row.Memory?.P50).PadRight(9) + Val(MetricKind.Memory, row.Memory?.P95).PadRight(8) + Val(MetricKind.Memory, row.Memory?.Max).PadRight(8)
                + Sparkline.Halve(row.Of(r.By)?.Trend ?? "-").PadRight(Sparkline.DefaultWidth / 2)));
        }
        var workloads = r.RowKind == "pod" && r.Rows.Any(x => x.Workload is not null)
            ? r.Rows.Select(x => DataText.Token(x.Workload ?? "-")).ToList() : null;
        var rowWidth = Indent.Length + width + 1 + Math.Max(headerRest.Length, lines.Max(l => l.Length));
        var inline = workloads is not null && rowWidth + 2 + workloads.Max(w => w.Length) <= Width;
        sb.Append(Indent).Append(header.PadRight(width)).Append(' ').Append(inline ? headerRest.PadRight(rowWidth - Indent.Length - width - 1) + "  WORKLOAD" : headerRest.TrimEnd())
          .Append(workloads is not null && !inline ? " (↳ workload)" : "").Append('\n');
        for (var i = 0; i < r.Rows.Count; i++)
        {
            var rest = lines[i];
            if (inline) rest = rest.PadRight(rowWidth - Indent.Length - width - 1) + "  " + workloads![i];
            NameAndRest(sb, names[i], width, rest.TrimEnd());
            sb.Append('\n');
            if (workloads is not null && !inline) sb.Append("    ↳ ").Append(workloads[i]).Append('\n');
        }
    }

    private static void NodeTable(StringBuilder sb, MetricsReport r, IReadOnlyList<NodeCapacity> missing)
    {
        var names = r.Rows.Select(x => DataText.Token(x.Name, 253)).Concat(missing.Select(m => DataText.Token(m.Name, 253))).ToList();
        var width = NameWidth(names, "NODE", NameCap);
        string Share(MetricKind kind, UsageRow row)
        {
            var used = r.PointInTime ? row.Of(kind)?.Max : row.Of(kind)?.P95;
            return used is { } u && r.NodeOf(row.Name)?.Allocatable(kind) is > 0 and var alloc
                ? Math.Round(u / alloc * 100).ToString(CultureInfo.InvariantCulture) + "%" : "-";
        }
        if (r.PointInTime)
        {
            sb.Append(Indent).Append("NODE".PadRight(width)).Append(" CPU      CPU%    MEMORY   MEM%\n");
            foreach (var (row, i) in r.Rows.Select((x, i) => (x, i)))
            {
                NameAndRest(sb, names[i], width, Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(9) + Share(MetricKind.Cpu, row).PadRight(8)
                    + Val(MetricKind.Memory, row.Memory?.Max).PadRight(9) + Share(MetricKind.Memory, row));
                sb.Append('\n');
            }
        }
        else
        {
            sb.Append(Indent).Append("NODE".PadRight(width))
              .Append(" CPU p50  p95     max     ALLOC%  MEM p50  p95      max      ALLOC%  ").Append(r.By == MetricKind.Cpu ? "CPU" : "MEM").Append(" TREND\n");
            foreach (var (row, i) in r.Rows.Select((x, i) => (x, i)))
            {
                NameAndRest(sb, names[i], width,
                    Val(MetricKind.Cpu, row.Cpu?.P50).PadRight(9) + Val(MetricKind.Cpu, row.Cpu?.P95).PadRight(8) + Val(MetricKind.Cpu, row.Cpu?.Max).PadRight(8)
                    + Share(MetricKind.Cpu, row).PadRight(8)
                    + Val(MetricKind.Memory, row.Memory?.P50).PadRight(9) + Val(MetricKind.Memory, row.Memory?.P95).PadRight(9) + Val(MetricKind.Memory, row.Memory?.Max).PadRight(9)
                    + Share(MetricKind.Memory, row).PadRight(8) + Sparkline.Halve(row.Of(r.By)?.Trend ?? "-"));
                sb.Append('\n');
            }
        }
        foreach (var (m, i) in missing.Select((m, i) => (m, i)))
        {
            var why = m.Ready == "Ready" ? (r.PointInTime ? "no data (Ready, but metrics-server has no usage for it)" : "no data in the window (Ready)") : $"no data ({m.Ready})";
            NameAndRest(sb, names[r.Rows.Count + i], width, why);
            sb.Append('\n');
        }
        sb.Append(r.PointInTime ? "CPU% / MEM%: usage as a share of the node's allocatable.\n" : "ALLOC%: p95 as a share of the node's allocatable.\n");
    }

    private static string TotalLine(string label, MetricKind kind, UsageStats? s, MetricsReport r, double? limit, NodeCapacity? node)
    {
        if (s is null) return $"  {label.PadRight(7)} no samples\n";
        // The whole target is compared with the sum of its pods' limits (shown only when every pod has the same limit),
        // a node with its allocatable.
        var pods = r.Target.Kind == TargetKind.Workload ? r.Target.Pods.Count : 1;
        var combined = limit * pods;
        var share = r.PointInTime ? s.Max : s.P95;
        var ofLimit = node?.Allocatable(kind) is > 0 and var alloc
            ? $" ({Math.Round(share / alloc * 100).ToString(CultureInfo.InvariantCulture)}% of {UsageFormat.Of(kind, alloc)} allocatable)"
            : combined is > 0 && r.Resources is { Uniform: true }
                ? $" ({Math.Round(s.Max / combined.Value * 100).ToString(CultureInfo.InvariantCulture)}% of the {(pods > 1 ? "combined " : "")}{UsageFormat.Of(kind, combined.Value)} limit)" : "";
        var line = r.PointInTime
            ? $"  {label.PadRight(7)} {UsageFormat.Of(kind, s.Max)}"
            : $"  {label.PadRight(7)} p50 {UsageFormat.Of(kind, s.P50).PadRight(8)} p95 {UsageFormat.Of(kind, s.P95).PadRight(8)} max {UsageFormat.Of(kind, s.Max).PadRight(8)}"
              + $"{s.Samples} samples  {s.Trend}";
        return line.Length + ofLimit.Length <= Width ? line + ofLimit + "\n" : line + "\n         " + ofLimit.Trim() + "\n";
    }

    private static string RowName(MetricsReport r, UsageRow row) => r.RowKind == "pod" ? row.Namespace + "/" + row.Name : row.Name;

    private static string Val(MetricKind kind, double? v) => v is null ? "-" : UsageFormat.Of(kind, v.Value);

    private static string Opt(MetricKind kind, double? v) => v is null ? "unset" : UsageFormat.Of(kind, v.Value);

    /// <summary>--json: cores and bytes as numbers, the window in seconds, the rows already ranked.</summary>
    public static string Json(MetricsReport r) => Dto.Serialize(Document(r), MetricsJson.Default.MetricsDocument);

    public static MetricsDocument Document(MetricsReport r) => new(
        r.Context,
        new MetricsTargetDocument(r.Target.Kind == TargetKind.Workload ? r.Target.WorkloadKind! : r.Target.Kind.ToString(), r.Target.Namespace, r.Target.Name, r.Target.Pods.Count),
        r.Source, r.Prometheus, r.PointInTime, (long?)r.Window?.TotalSeconds, (long?)r.Step?.TotalSeconds, "nearest-rank",
        r.By == MetricKind.Cpu ? "cpu" : "memory", r.RowKind, r.RowCount,
        r.Total is { } t ? new UsageDocument(Stats(t.Cpu), Stats(t.Memory)) : null,
        r.Resources is { } res ? new PerPodDocument(Round(res.RequestCpu), Round(res.RequestMemory), Round(res.LimitCpu), Round(res.LimitMemory), res.Uniform) : null,
        r.Rows.Select(row => new RowDocument(row.Namespace, row.Name, row.Workload, Stats(row.Cpu), Stats(row.Memory))).ToList(), r.Notes);

    private static StatsDocument? Stats(UsageStats? s) =>
        s is null ? null : new(Math.Round(s.P50, 6), Math.Round(s.P95, 6), Math.Round(s.Max, 6), s.Samples, s.Trend);

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 6) : null;
}
