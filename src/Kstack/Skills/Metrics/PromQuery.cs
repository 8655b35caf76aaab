using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kstack.Skills.Metrics;

/// <summary>
/// The PromQL kstack sends (read-only instant/range queries through the service proxy):
/// <c>sum by (G) (rate(container_cpu_usage_seconds_total{M}[5m]))</c> and <c>sum by (G) (container_memory_working_set_bytes{M})</c>,
/// G = namespace, pod[, container]; M excludes the pause container and empty container label. Node rows use the same two
/// metrics on the root cgroup (<c>{id="/"}</c>) grouped by node.
/// </summary>
internal static class PromQueryBuilder
{
    public const string RateWindow = "5m";

    public static string Build(MetricKind kind, IReadOnlyList<string> groupBy, string? ns, string? podRegex)
    {
        var m = new StringBuilder("container!=\"\",container!=\"POD\"");
        if (ns is not null) m.Append(",namespace=\"").Append(Escape(ns)).Append('"');
        if (podRegex is not null) m.Append(",pod=~\"").Append(Escape(podRegex)).Append('"');
        var by = string.Join(", ", groupBy);
        return kind == MetricKind.Cpu
            ? $"sum by ({by}) (rate(container_cpu_usage_seconds_total{{{m}}}[{RateWindow}]))"
            : $"sum by ({by}) (container_memory_working_set_bytes{{{m}}})";
    }

    /// <summary>
    /// Node-level usage from each node's root cgroup (cAdvisor <c>id="/"</c>: the whole node, system processes included,
    /// as metrics-server's NodeMetrics reports it), never a sum of container series.
    /// </summary>
    public static string BuildNodeLevel(MetricKind kind, string? node)
    {
        var m = new StringBuilder("id=\"/\"");
        if (node is not null) m.Append(",node=\"").Append(Escape(node)).Append('"');
        return kind == MetricKind.Cpu
            ? $"sum by (node) (rate(container_cpu_usage_seconds_total{{{m}}}[{RateWindow}]))"
            : $"sum by (node) (container_memory_working_set_bytes{{{m}}})";
    }

    /// <summary>An anchored alternation of literal pod names (RE2 metacharacters escaped), or a name prefix.</summary>
    public static string PodRegex(IEnumerable<string> names) => string.Join('|', names.Select(RegexLiteral));

    public static string PrefixRegex(string prefix) => RegexLiteral(prefix) + "-.*";

    private static string RegexLiteral(string s)
    {
        var sb = new StringBuilder(s.Length + 4);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Escapes a PromQL double-quoted string.</summary>
    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>Range-query step: one minute, or window/240 rounded up to whole minutes for long windows (≤ 241 points).</summary>
    public static TimeSpan StepFor(TimeSpan window)
    {
        var minutes = Math.Max(1, (long)Math.Ceiling(window.TotalSeconds / 240 / 60));
        return TimeSpan.FromMinutes(minutes);
    }

    public static string RangeQueryString(string query, long start, long end, TimeSpan step) =>
        $"query={Uri.EscapeDataString(query)}&start={start.ToString(CultureInfo.InvariantCulture)}&end={end.ToString(CultureInfo.InvariantCulture)}&step={((long)step.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>One series of a matrix answer laid onto the evaluation grid (NaN where Prometheus returned no point).</summary>
internal sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, double[] Values)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}

/// <summary>Reads Prometheus API answers (status, resultType matrix) without trusting their shape.</summary>
internal static class PromResponse
{
    /// <summary>Parses a matrix body onto the grid start, start+step, …, end; a Prometheus error becomes the message.</summary>
    public static (List<PromSeries>? Series, string? Error) ReadMatrix(JsonElement root, long start, long end, TimeSpan step)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, "the answer is not a JSON object");
        var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (status != "success")
        {
            var type = root.TryGetProperty("errorType", out var et) && et.ValueKind == JsonValueKind.String ? et.GetString() : "unknown";
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : "no error text";
            return (null, $"{type}: {error}");
        }
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            return (null, "the answer has no data.result");
        if (data.TryGetProperty("resultType", out var rt) && rt.GetString() != "matrix") return (null, $"expected a matrix, got {rt.GetString()}");
        var stepSeconds = (long)step.TotalSeconds;
        var count = (int)((end - start) / stepSeconds) + 1;
        var list = new List<PromSeries>();
        foreach (var r in result.EnumerateArray())
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (r.TryGetProperty("metric", out var metric) && metric.ValueKind == JsonValueKind.Object)
                foreach (var p in metric.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String) labels[p.Name] = p.Value.GetString()!;
            var values = Enumerable.Repeat(double.NaN, count).ToArray();
            if (r.TryGetProperty("values", out var vs) && vs.ValueKind == JsonValueKind.Array)
                foreach (var v in vs.EnumerateArray())
                {
                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2 || v[0].ValueKind != JsonValueKind.Number || v[1].ValueKind != JsonValueKind.String) continue;
                    var idx = (int)Math.Round((v[0].GetDouble() - start) / stepSeconds);
                    if (idx < 0 || idx >= count) continue;
                    if (double.TryParse(v[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) values[idx] = value;
                }
            list.Add(new PromSeries(labels, values));
        }
        return (list, null);
    }

    /// <summary>The point-wise sum of several series on one grid; a point is absent only when every member lacks it.</summary>
    public static double[] Sum(IEnumerable<double[]> series, int length)
    {
        var sum = Enumerable.Repeat(double.NaN, length).ToArray();
        foreach (var s in series)
            for (var i = 0; i < length && i < s.Length; i++)
                if (!double.IsNaN(s[i])) sum[i] = double.IsNaN(sum[i]) ? s[i] : sum[i] + s[i];
        return sum;
    }
}
