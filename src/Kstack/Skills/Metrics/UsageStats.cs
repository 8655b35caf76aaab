using System.Globalization;

namespace Kstack.Skills.Metrics;

/// <summary>p50, p95 and max over the samples present in a window (nearest-rank), plus the trend line.</summary>
internal sealed record UsageStats(double P50, double P95, double Max, int Samples, string Trend)
{
    /// <summary>
    /// Nearest-rank percentile: the value at 1-based rank ceil(p/100 · n) of the ascending samples (no interpolation),
    /// so every reported figure is a value that was actually observed.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> ascending, double p)
    {
        if (ascending.Count == 0) throw new ArgumentException("no samples", nameof(ascending));
        var rank = (int)Math.Ceiling(p / 100.0 * ascending.Count - 1e-9);
        return ascending[Math.Clamp(rank, 1, ascending.Count) - 1];
    }

    /// <summary>Stats over the present values of a series (NaN = no sample); null when none is present.</summary>
    public static UsageStats? Of(IReadOnlyList<double> series, int trendWidth = Sparkline.DefaultWidth)
    {
        var present = series.Where(v => !double.IsNaN(v)).Order().ToList();
        if (present.Count == 0) return null;
        return new UsageStats(Percentile(present, 50), Percentile(present, 95), present[^1], present.Count, Sparkline.Render(series, trendWidth));
    }
}

/// <summary>A one-line trend: ▁▂▃▄▅▆▇█ scaled from 0 to the series maximum, '·' where the window has no sample.</summary>
internal static class Sparkline
{
    public const int DefaultWidth = 30;
    private const string Levels = "▁▂▃▄▅▆▇█";

    /// <summary>Buckets the series (oldest first) into at most <paramref name="width"/> cells, each showing its bucket's maximum.</summary>
    public static string Render(IReadOnlyList<double> series, int width = DefaultWidth)
    {
        if (series.Count == 0) return "";
        var cells = Math.Min(width, series.Count);
        var max = series.Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Max();
        var chars = new char[cells];
        for (var c = 0; c < cells; c++)
        {
            var from = c * series.Count / cells;
            var to = (c + 1) * series.Count / cells;
            var bucket = double.NaN;
            for (var i = from; i < to; i++)
                if (!double.IsNaN(series[i]) && (double.IsNaN(bucket) || series[i] > bucket)) bucket = series[i];
            chars[c] = double.IsNaN(bucket) ? '·' : max <= 0 ? Levels[0] : Levels[Math.Clamp((int)Math.Ceiling(bucket / max * Levels.Length) - 1, 0, Levels.Length - 1)];
        }
        return new string(chars);
    }

    /// <summary>Half the cells: each pair shows the higher of its two (their buckets' maximum), '·' only when both are.</summary>
    public static string Halve(string trend)
    {
        if (trend.Length < 2 || trend.Any(c => c != '·' && !Levels.Contains(c))) return trend;
        var sb = new System.Text.StringBuilder((trend.Length + 1) / 2);
        for (var i = 0; i < trend.Length; i += 2)
        {
            var a = trend[i];
            var b = i + 1 < trend.Length ? trend[i + 1] : '·';
            sb.Append(a == '·' ? b : b == '·' ? a : Levels.IndexOf(a) >= Levels.IndexOf(b) ? a : b);
        }
        return sb.ToString();
    }
}

/// <summary>Usage figures as kubectl top prints them: CPU in millicores, memory in Mi.</summary>
internal static class UsageFormat
{
    public static string Cpu(double cores) => Math.Round(cores * 1000).ToString("0", CultureInfo.InvariantCulture) + "m";

    public static string Memory(double bytes) => Math.Round(bytes / (1024 * 1024)).ToString("0", CultureInfo.InvariantCulture) + "Mi";

    public static string Of(MetricKind kind, double value) => kind == MetricKind.Cpu ? Cpu(value) : Memory(value);

    /// <summary>Parses a Kubernetes quantity ("250m", "1.5", "512Mi", "1770000000n", "515072Ki") to cores or bytes.</summary>
    public static double? Quantity(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Shared.Quantity.TryParse(text, out var value) ? (double)value : null;
}

internal enum MetricKind { Cpu, Memory }
