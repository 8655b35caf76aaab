using System.Globalization;
using System.Text.Json.Nodes;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Metrics;

/// <summary>CPU in cores and memory in bytes.</summary>
internal readonly record struct Usage(double Cores, double Bytes);

/// <summary>One container's sampled series: samples oldest first, NaN where the container was not running.</summary>
internal sealed record ContainerSeries(string Namespace, string Pod, string Container, double[] Cpu, double[] Memory);

/// <summary>A node's root cgroup (cAdvisor id="/"): the whole node's usage, samples oldest first.</summary>
internal sealed record NodeSeries(string Node, double[] Cpu, double[] Memory);

/// <summary>The Prometheus behind the service proxy: which Service fronts it and the series it answers from.</summary>
internal sealed record PrometheusScenario(string Namespace, string Service, int Port, TimeSpan Step, int Points, IReadOnlyList<ContainerSeries> Series)
{
    /// <summary>Node-level series; by default each node of metrics.yaml's nodes: at its point-in-time usage throughout.</summary>
    public IReadOnlyList<NodeSeries> Nodes { get; init; } = [];
}

/// <summary>A scenario's metrics.yaml: point-in-time usage for metrics.k8s.io and an optional Prometheus.</summary>
internal sealed class MetricsScenario
{
    public Dictionary<string, Usage> Nodes { get; } = new(StringComparer.Ordinal);
    /// <summary>Keyed "namespace/pod"; containers in file order.</summary>
    public Dictionary<string, List<(string Container, Usage Usage)>> Pods { get; } = new(StringComparer.Ordinal);
    public PrometheusScenario? Prometheus { get; private set; }

    /// <summary>The Prometheus with its node-level series: prometheus.nodes when given, else nodes: held constant over the window.</summary>
    public PrometheusScenario? PrometheusWithNodes =>
        Prometheus is not { } p ? null
        : p.Nodes.Count > 0 ? p
        : p with { Nodes = Nodes.Select(n => new NodeSeries(n.Key, Enumerable.Repeat(n.Value.Cores, p.Points).ToArray(), Enumerable.Repeat(n.Value.Bytes, p.Points).ToArray())).ToList() };

    /// <summary>Merges every metrics.yaml of the sources (later scenarios override); null when none has one.</summary>
    public static MetricsScenario? Load(IEnumerable<ScenarioSource> sources)
    {
        MetricsScenario? result = null;
        foreach (var src in sources)
            foreach (var (rel, read) in src.Files)
                if (rel.ToLowerInvariant() is "metrics.yaml" or "metrics.yml")
                {
                    result ??= new MetricsScenario();
                    result.Merge($"{src.Name}/{rel}", read());
                }
        return result;
    }

    public static MetricsScenario Parse(string file, string text)
    {
        var m = new MetricsScenario();
        m.Merge(file, text);
        return m;
    }

    private void Merge(string file, string text)
    {
        foreach (var d in YamlToJson.Parse(text))
        {
            if (d.Error != null) throw new ScenarioException(file, d.Index, d.Error);
            if (d.Node is null) continue;
            if (d.Node is not JsonObject root) throw new ScenarioException(file, d.Index, "metrics.yaml must be a mapping");
            foreach (var (name, value) in Map(root["nodes"], file, d.Index, "nodes"))
                Nodes[name] = ReadUsage(value, file, d.Index, $"nodes.{name}");
            foreach (var (key, value) in Map(root["pods"], file, d.Index, "pods"))
            {
                if (key.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
                    throw new ScenarioException(file, d.Index, $"pods: key \"{key}\" must be <namespace>/<pod>");
                Pods[key] = Map(value, file, d.Index, $"pods.{key}").Select(c => (c.Key, ReadUsage(c.Value, file, d.Index, $"pods.{key}.{c.Key}"))).ToList();
            }
            if (root["prometheus"] is JsonObject p) Prometheus = ReadPrometheus(p, file, d.Index);
            else if (root["prometheus"] is not null) throw new ScenarioException(file, d.Index, "prometheus must be a mapping");
        }
    }

    private static PrometheusScenario ReadPrometheus(JsonObject p, string file, int doc)
    {
        var svc = (p["service"] as JsonValue)?.ToString() ?? throw new ScenarioException(file, doc, "prometheus.service is required (<namespace>/<name>:<port>)");
        var slash = svc.IndexOf('/');
        var colon = svc.LastIndexOf(':');
        if (slash <= 0 || colon < slash + 2 || !int.TryParse(svc[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new ScenarioException(file, doc, $"prometheus.service \"{svc}\" must be <namespace>/<name>:<port>");
        var stepText = (p["step"] as JsonValue)?.ToString() ?? "60s";
        var step = ParseSeconds(stepText) ?? throw new ScenarioException(file, doc, $"prometheus.step \"{stepText}\" must be a duration such as 60s or 1m");
        var pointsText = (p["points"] as JsonValue)?.ToString();
        if (!int.TryParse(pointsText, NumberStyles.None, CultureInfo.InvariantCulture, out var points) || points < 1 || points > 100_000)
            throw new ScenarioException(file, doc, "prometheus.points must be a positive integer");
        var series = new List<ContainerSeries>();
        foreach (var (key, value) in Map(p["series"], file, doc, "prometheus.series"))
        {
            if (key.Split('/') is not [{ Length: > 0 } ns, { Length: > 0 } pod, { Length: > 0 } container])
                throw new ScenarioException(file, doc, $"prometheus.series: key \"{key}\" must be <namespace>/<pod>/<container>");
            var o = value as JsonObject ?? throw new ScenarioException(file, doc, $"prometheus.series.{key} must be a mapping with cpu and memory");
            series.Add(new ContainerSeries(ns, pod, container,
                Samples(o["cpu"], points, Quantity.Cores, file, doc, $"prometheus.series.{key}.cpu"),
                Samples(o["memory"], points, Quantity.Bytes, file, doc, $"prometheus.series.{key}.memory")));
        }
        var nodes = new List<NodeSeries>();
        foreach (var (node, value) in Map(p["nodes"], file, doc, "prometheus.nodes"))
        {
            var o = value as JsonObject ?? throw new ScenarioException(file, doc, $"prometheus.nodes.{node} must be a mapping with cpu and memory");
            nodes.Add(new NodeSeries(node, Samples(o["cpu"], points, Quantity.Cores, file, doc, $"prometheus.nodes.{node}.cpu"),
                Samples(o["memory"], points, Quantity.Bytes, file, doc, $"prometheus.nodes.{node}.memory")));
        }
        return new PrometheusScenario(svc[..slash], svc[(slash + 1)..colon], port, step, points, series) { Nodes = nodes };
    }

    private static double[] Samples(JsonNode? node, int points, Func<string, double?> parse, string file, int doc, string where)
    {
        var text = (node as JsonValue)?.ToString() ?? throw new ScenarioException(file, doc, $"{where} is required");
        // "<sample>*<n>" repeats a sample n times: a week of hourly samples stays one short line.
        var parts = new List<string>();
        foreach (var part in text.Split(','))
        {
            var star = part.LastIndexOf('*');
            if (star < 0) { parts.Add(part); continue; }
            if (!int.TryParse(part[(star + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 100_000)
                throw new ScenarioException(file, doc, $"{where}: \"{part.Trim()}\" must be <sample>*<count>");
            parts.AddRange(Enumerable.Repeat(part[..star], n));
        }
        if (parts.Count != points) throw new ScenarioException(file, doc, $"{where} has {parts.Count} samples, expected {points}");
        var values = new double[points];
        for (var i = 0; i < points; i++)
        {
            var s = parts[i].Trim();
            values[i] = s == "-" ? double.NaN : parse(s) ?? throw new ScenarioException(file, doc, $"{where}: sample {i} \"{s}\" is not a quantity or -");
        }
        return values;
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Map(JsonNode? node, string file, int doc, string where) =>
        node switch
        {
            null => [],
            JsonObject o => o.ToList(),
            _ => throw new ScenarioException(file, doc, $"{where} must be a mapping"),
        };

    private static Usage ReadUsage(JsonNode? node, string file, int doc, string where)
    {
        var o = node as JsonObject ?? throw new ScenarioException(file, doc, $"{where} must be a mapping with cpu and memory");
        var cpu = Quantity.Cores((o["cpu"] as JsonValue)?.ToString() ?? "") ?? throw new ScenarioException(file, doc, $"{where}.cpu must be a quantity such as 250m");
        var mem = Quantity.Bytes((o["memory"] as JsonValue)?.ToString() ?? "") ?? throw new ScenarioException(file, doc, $"{where}.memory must be a quantity such as 128Mi");
        return new Usage(cpu, mem);
    }

    internal static TimeSpan? ParseSeconds(string text)
    {
        if (text.Length < 2) return null;
        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (unit == 0 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return TimeSpan.FromSeconds((long)n * unit);
    }
}

/// <summary>Kubernetes resource quantities, as far as usage figures need them.</summary>
internal static class Quantity
{
    public static double? Cores(string text) => Parse(text);

    public static double? Bytes(string text) => Parse(text);

    private static double? Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        (string Suffix, double Factor)[] suffixes =
        [
            ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", 1024d * 1024 * 1024), ("Ti", 1024d * 1024 * 1024 * 1024),
            ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
        ];
        var factor = 1d;
        foreach (var (s, f) in suffixes)
            if (text.EndsWith(s, StringComparison.Ordinal))
            {
                factor = f;
                text = text[..^s.Length];
                break;
            }
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v * factor : null;
    }

    /// <summary>CPU as metrics-server writes it: nanocores ("1770000000n") for precision, like the real API.</summary>
    public static string FormatCores(double cores) => ((long)Math.Round(cores * 1e9)).ToString(CultureInfo.InvariantCulture) + "n";

    /// <summary>Memory as metrics-server writes it: Ki.</summary>
    public static string FormatBytes(double bytes) => ((long)Math.Round(bytes / 1024)).ToString(CultureInfo.InvariantCulture) + "Ki";
}
