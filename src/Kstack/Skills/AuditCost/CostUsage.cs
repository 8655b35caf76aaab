using System.Globalization;
using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>One container's observed usage: CPU in cores (p95 with Prometheus, the sample with metrics-server), memory in bytes (max), samples seen.</summary>
internal sealed record UsageRow(string Namespace, string Pod, string Container, double Cpu, double Memory, int Points);

/// <summary>
/// Where right-sizing's usage came from and what it said: Prometheus over the window (KRR's method), metrics-server's
/// point-in-time sample, or nothing. Cached as usage.json beside the lists (same TTL), so the report cache sees it as an input.
/// </summary>
internal sealed record CostUsage(string Source, string? Prometheus, string Window, string Step, IReadOnlyList<string> Queries, IReadOnlyList<string> Notes,
    IReadOnlyList<UsageRow> Rows)
{
    public const string File = "usage.json";
    public static readonly ListSpec Spec = new(File, "container usage", "", null, "", "", IsList: false);

    public const double CpuPercentile = 0.95;
    public const double MemoryBuffer = 0.15;

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("source", Source);
        w.WriteString("prometheus", Prometheus);
        w.WriteString("window", Window);
        w.WriteString("step", Step);
        w.WriteStartArray("queries");
        foreach (var q in Queries) w.WriteStringValue(q);
        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var n in Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var r in Rows)
        {
            w.WriteStartArray();
            w.WriteStringValue(r.Namespace);
            w.WriteStringValue(r.Pod);
            w.WriteStringValue(r.Container);
            w.WriteNumberValue(r.Cpu);
            w.WriteNumberValue(r.Memory);
            w.WriteNumberValue(r.Points);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static CostUsage? TryRead(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
            var e = doc.RootElement;
            var rows = e.Array("rows").Select(a => a.EnumerateArray().ToArray())
                .Select(x => new UsageRow(x[0].GetString() ?? "", x[1].GetString() ?? "", x[2].GetString() ?? "", x[3].GetDouble(), x[4].GetDouble(), x[5].GetInt32())).ToList();
            return new CostUsage(e.Str("source") ?? "none", e.Str("prometheus"), e.Str("window") ?? "", e.Str("step") ?? "",
                e.Array("queries").Select(q => q.GetString() ?? "").ToList(), e.Array("notes").Select(q => q.GetString() ?? "").ToList(), rows);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or IndexOutOfRangeException or FormatException) { return null; }
    }

    /// <summary>The subquery step: the window over 2016 points (5m for 7 days), in whole minutes, at least one.</summary>
    public static TimeSpan StepFor(TimeSpan window) => TimeSpan.FromMinutes(Math.Max(1, (long)Math.Ceiling(window.TotalMinutes / 2016)));

    /// <summary>
    /// KRR's three queries, aggregated by (namespace, pod, container) so their number never grows with the pods:
    /// the CPU p95 of the per-container rate, the memory working-set maximum, and the number of samples behind them.
    /// </summary>
    public static IReadOnlyList<string> QueriesFor(string window, TimeSpan step, string? ns)
    {
        var m = new StringBuilder("container!=\"\",container!=\"POD\"");
        if (ns is not null) m.Append(",namespace=\"").Append(ns.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
        var s = $"{(long)step.TotalMinutes}m";
        var rate = step < TimeSpan.FromMinutes(5) ? "5m" : s;
        var cpu = $"max by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{{{m}}}[{rate}]))";
        var memory = $"max by (namespace, pod, container) (container_memory_working_set_bytes{{{m}}})";
        return
        [
            $"quantile_over_time({CpuPercentile.ToString(CultureInfo.InvariantCulture)}, {cpu}[{window}:{s}])",
            $"max_over_time({memory}[{window}:{s}])",
            $"count_over_time({memory}[{window}:{s}])",
        ];
    }

    /// <summary>
    /// The usage for this run: usage.json when younger than the TTL and made for the same window and Prometheus, else
    /// Prometheus (detected among the listed Services, or --prometheus), else metrics-server, else none. Never fails the
    /// audit: what could not be used is a note.
    /// </summary>
    public static async Task<(CostUsage Usage, Read<Snapshot> Read)> EnsureAsync(SkillRun run, string dir, IReadOnlyDictionary<string, Read<Snapshot>> lists,
        string window, TimeSpan windowSpan, PrometheusTarget? forced, CancellationToken ct)
    {
        var path = Path.Combine(dir, File);
        var info = new FileInfo(path);
        if (!run.Refresh && info.Exists && DateTime.UtcNow - info.LastWriteTimeUtc < run.Ttl && TryRead(path) is { } cached
            && cached.Window == window && (forced is null || cached.Prometheus == forced.ToString()))
            return (cached, Read<Snapshot>.Success(new Snapshot(Spec, path, info.LastWriteTimeUtc, FromCache: true)));

        var notes = new List<string>();
        var step = StepFor(windowSpan);
        PrometheusTarget? prom = forced;
        if (prom is null && lists.TryGetValue(ListSpec.Services.File, out var services) && services.Value is { } file)
            prom = PrometheusDetection.Pick(await CachedList.MapAsync(file.Path, s => ServiceFacts.From(s), ct));
        CostUsage? usage = null;
        if (prom is not null) usage = await PrometheusAsync(run, prom, window, step, notes, ct);
        else notes.Add("no Prometheus Service found (pass --prometheus <ns>/<svc>:<port>)");
        usage ??= await MetricsServerAsync(run, dir, window, step, notes, ct);
        await AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream);
            usage.Write(w);
            w.Flush();
            return Task.CompletedTask;
        });
        return (usage, Read<Snapshot>.Success(new Snapshot(Spec, path, System.IO.File.GetLastWriteTimeUtc(path), FromCache: false)));
    }

    private static async Task<CostUsage?> PrometheusAsync(SkillRun run, PrometheusTarget prom, string window, TimeSpan step, List<string> notes, CancellationToken ct)
    {
        var queries = QueriesFor(window, step, run.Namespace);
        var answers = new List<Dictionary<(string, string, string), double>>();
        foreach (var q in queries)
        {
            var read = await run.Api.GetAsync(prom.ProxyPath("query") + "?query=" + Uri.EscapeDataString(q), new ApiAction("get", "services/proxy", prom.Namespace), ct);
            if (!read.Ok)
            {
                var p = read.Problem!;
                notes.Add(p.Outcome == ReadOutcome.Forbidden
                    ? ServiceProxyText.Denied(prom.Namespace, $"{prom.Service}:{prom.Port}", p, "Querying Prometheus")
                    : $"Prometheus {prom} did not answer ({DataText.Quote(p.Reason, 160)})");
                return null;
            }
            if (ReadVector(read.Value) is not { } vector)
            {
                notes.Add($"Prometheus {prom} rejected the query ({DataText.Quote(Error(read.Value), 160)})");
                return null;
            }
            answers.Add(vector);
        }
        var rows = answers[0].Select(kv => new UsageRow(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value,
            answers[1].GetValueOrDefault(kv.Key, double.NaN), (int)answers[2].GetValueOrDefault(kv.Key, 0))).Where(r => !double.IsNaN(r.Memory))
            .OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Pod, StringComparer.Ordinal).ThenBy(r => r.Container, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) notes.Add($"Prometheus {prom} returned no container series for the window");
        return new CostUsage("prometheus", prom.ToString(), window, $"{(long)step.TotalMinutes}m", queries, notes, rows);
    }

    private static string Error(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object ? $"{root.Str("errorType") ?? "unknown"}: {root.Str("error") ?? "no error text"}" : "not a JSON object";

    /// <summary>A vector answer as (namespace, pod, container) → value; null when Prometheus reported an error or the shape is wrong.</summary>
    internal static Dictionary<(string, string, string), double>? ReadVector(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || root.Str("status") != "success" || root.Get("data", "result") is not { ValueKind: JsonValueKind.Array } result) return null;
        var map = new Dictionary<(string, string, string), double>();
        foreach (var r in result.EnumerateArray())
        {
            var ns = r.Str("metric", "namespace");
            var pod = r.Str("metric", "pod");
            var container = r.Str("metric", "container");
            if (ns is null || pod is null || container is null) continue;
            if (r.Get("value") is { ValueKind: JsonValueKind.Array } v && v.GetArrayLength() == 2 && v[1].ValueKind == JsonValueKind.String
                && double.TryParse(v[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                map[(ns, pod, container)] = value;
        }
        return map;
    }

    private static async Task<CostUsage> MetricsServerAsync(SkillRun run, string dir, string window, TimeSpan step, List<string> notes, CancellationToken ct)
    {
        var read = (await new SnapshotFetcher(run.LazyApi, dir, run.Ttl).EnsureAsync([ListSpec.PodMetrics], run.Namespace, ct))[ListSpec.PodMetrics.File];
        if (read.Value is not { } file)
        {
            notes.Add(read.Outcome == ReadOutcome.NotFound ? "metrics-server is not installed (metrics.k8s.io is not served)" : $"metrics-server: {AgentContext.Unreadable(read)}");
            return new CostUsage("none", null, window, "", [], notes, []);
        }
        var rows = new List<UsageRow>();
        await CachedList.MapAsync<object>(file.Path, p =>
        {
            foreach (var c in p.Array("containers"))
                if (Quantity.TryParse(c.Str("usage", "cpu") ?? "", out var cpu) && Quantity.TryParse(c.Str("usage", "memory") ?? "", out var memory))
                    rows.Add(new UsageRow(p.Str("metadata", "namespace") ?? "", p.Str("metadata", "name") ?? "", c.Str("name") ?? "", (double)cpu, (double)memory, 1));
            return null;
        }, ct);
        return new CostUsage("metrics-server", null, window, "", [], notes, rows);
    }
}
