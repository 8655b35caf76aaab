using System.Text.Json;
using Kstack.Envelope;
using Kstack.Skills.Metrics;
using Kstack.Skills.Shared;
using Xunit;

namespace Kstack.Tests.Skills.Metrics;

public class MetricsUnitTests
{
    private const double Mi = 1024 * 1024;

    [Fact]
    public void Nearest_rank_percentiles_match_hand_computed_values()
    {
        // n = 10: p50 → rank ceil(5) = 5th, p95 → rank ceil(9.5) = 10th.
        double[] ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, UsageStats.Percentile(ten, 50));
        Assert.Equal(10, UsageStats.Percentile(ten, 95));
        // n = 20: p95 → rank 19; n = 2: p50 → rank 1, p95 → rank 2; n = 1: everything is the one value.
        var twenty = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        Assert.Equal(19, UsageStats.Percentile(twenty, 95));
        Assert.Equal(10, UsageStats.Percentile(twenty, 50));
        Assert.Equal(0.29, UsageStats.Percentile([0.29, 0.31], 50));
        Assert.Equal(0.31, UsageStats.Percentile([0.29, 0.31], 95));
        Assert.Equal(7, UsageStats.Percentile([7], 95));
        // n = 60: p50 → rank 30, p95 → rank 57 (4th largest).
        var sixty = Enumerable.Range(1, 60).Select(i => (double)i).ToArray();
        Assert.Equal(30, UsageStats.Percentile(sixty, 50));
        Assert.Equal(57, UsageStats.Percentile(sixty, 95));
    }

    [Fact]
    public void Stats_skip_gaps_instead_of_reading_them_as_zero()
    {
        // The demo ledger CPU series (CONTENTS.md §1.7): 20 present samples, p50 0.68, p95 1.88, max 1.93.
        var text = "0.41,1.62,-,-,-,-,0.44,1.71,-,-,-,-,0.47,1.55,-,-,-,-,0.5,1.88,-,-,-,-,0.53,1.69,-,-,-,-,0.56,1.74,-,-,-,-,0.59,1.93,-,-,-,-,0.62,1.58,-,-,-,-,0.65,1.81,-,-,-,-,0.68,1.77,-,-,-,-";
        var series = text.Split(',').Select(s => s == "-" ? double.NaN : double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var stats = UsageStats.Of(series)!;
        Assert.Equal(20, stats.Samples);
        Assert.Equal(0.68, stats.P50);
        Assert.Equal(1.88, stats.P95);
        Assert.Equal(1.93, stats.Max);
        Assert.Null(UsageStats.Of([double.NaN, double.NaN]));
    }

    [Fact]
    public void Sparkline_scales_from_zero_and_marks_gaps()
    {
        Assert.Equal("▁▂▃▄▅▆▇█", Sparkline.Render([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.Equal("█·█", Sparkline.Render([5, double.NaN, 5]));
        Assert.Equal("▁▁", Sparkline.Render([0, 0]));
        var wide = Sparkline.Render(Enumerable.Range(0, 600).Select(i => (double)i).ToArray(), 30);
        Assert.Equal(30, wide.Length);
        Assert.Equal('█', wide[^1]);
        Assert.Equal("", Sparkline.Render([]));
    }

    [Fact]
    public void Top_orders_by_p95_then_max_then_name_and_caps_at_ten()
    {
        UsageRow Row(string name, double p95, double max) => new("ns", name, null, new UsageStats(0, p95, max, 1, ""), new UsageStats(0, 1, 1, 1, ""));
        var rows = new List<UsageRow> { Row("b", 1, 2), Row("a", 1, 2), Row("c", 1, 3), Row("d", 5, 5), new("ns", "e", null, null, null) };
        rows.AddRange(Enumerable.Range(0, 20).Select(i => Row($"z{i:00}", 0.1, 0.1)));
        var top = MetricsAnalysis.Top(rows, MetricKind.Cpu, 50);
        Assert.Equal(10, top.Count);
        Assert.Equal(["d", "c", "a", "b"], top.Take(4).Select(r => r.Name));
        Assert.Equal(["d", "c"], MetricsAnalysis.Top(rows, MetricKind.Cpu, 2).Select(r => r.Name));
        Assert.DoesNotContain(top, r => r.Name == "e");
    }

    [Fact]
    public void Quantities_and_formatting()
    {
        Assert.Equal(1.77, UsageFormat.Quantity("1770000000n")!.Value, 9);
        Assert.Equal(0.25, UsageFormat.Quantity("250m"));
        Assert.Equal(503 * Mi, UsageFormat.Quantity($"{503 * 1024}Ki"));
        Assert.Equal(48 * 1024 * Mi, UsageFormat.Quantity("48Gi"));
        Assert.Null(UsageFormat.Quantity("lots"));
        Assert.Equal("1770m", UsageFormat.Cpu(1.77));
        Assert.Equal("503Mi", UsageFormat.Memory(503 * Mi));
    }

    private static ServiceFacts Svc(string ns, string name, int[] ports, bool headless = false, params (string, string)[] labels) =>
        new(ns, name, labels.ToDictionary(l => l.Item1, l => l.Item2), headless, ports);

    [Fact]
    public void Detection_prefers_labels_and_skips_headless_and_operated_services()
    {
        var demo = new[]
        {
            Svc("monitoring", "prometheus-operated", [9090], true, ("app.kubernetes.io/name", "prometheus")),
            Svc("monitoring", "prometheus-server", [9090], false, ("app.kubernetes.io/name", "prometheus")),
            Svc("monitoring", "grafana", [80]),
        };
        Assert.Equal("monitoring/prometheus-server:9090", PrometheusDetection.Pick(demo)!.ToString());
        Assert.Equal("obs/prom:8080", PrometheusDetection.Pick([Svc("obs", "prom", [8080], false, ("app", "prometheus"))])!.ToString());
        Assert.Equal("m/kube-prometheus-stack-prometheus:9090",
            PrometheusDetection.Pick([Svc("m", "kube-prometheus-stack-prometheus", [9090, 8080]), Svc("m", "prometheus-node-exporter", [9100])])!.ToString());
        Assert.Null(PrometheusDetection.Pick([Svc("m", "prometheus-operated", [9090]), Svc("m", "prometheus-alertmanager", [9093])]));
        Assert.Null(PrometheusDetection.Pick([Svc("m", "prometheus", [9090], true)]));
        Assert.Null(PrometheusDetection.Pick([Svc("m", "metrics", [9090])]));
    }

    [Fact]
    public void Prometheus_targets_parse_and_round_trip_through_state()
    {
        var t = PrometheusTarget.TryParse("monitoring/prometheus-server:9090")!;
        Assert.Equal("/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/query_range", t.ProxyPath("query_range"));
        Assert.Null(PrometheusTarget.TryParse("prometheus-server:9090"));
        Assert.Null(PrometheusTarget.TryParse("monitoring/prometheus-server"));
        Assert.Null(PrometheusTarget.TryParse("monitoring/../x:9090"));
        var state = new DetectedSources(true, t, null, DateTimeOffset.Parse("2026-01-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var back = DetectedSources.TryParse(state.Serialize())!;
        Assert.True(back.MetricsServer);
        Assert.Equal(t, back.Prometheus);
        Assert.Null(DetectedSources.TryParse("{not json"));
    }

    [Fact]
    public void Builds_the_two_promql_forms()
    {
        Assert.Equal("sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=\"\",container!=\"POD\",namespace=\"orders\",pod=~\"ledger-.*\"}[5m]))",
            PromQueryBuilder.Build(MetricKind.Cpu, ["namespace", "pod"], "orders", PromQueryBuilder.PrefixRegex("ledger")));
        Assert.Equal("sum by (namespace, pod, container) (container_memory_working_set_bytes{container!=\"\",container!=\"POD\",pod=~\"a\\\\.b|c\"})",
            PromQueryBuilder.Build(MetricKind.Memory, ["namespace", "pod", "container"], null, PromQueryBuilder.PodRegex(["a.b", "c"])));
        Assert.Equal(TimeSpan.FromMinutes(1), PromQueryBuilder.StepFor(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(6), PromQueryBuilder.StepFor(TimeSpan.FromHours(24)));
        Assert.Equal("query=up&start=100&end=200&step=60", PromQueryBuilder.RangeQueryString("up", 100, 200, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Matrix_answers_land_on_the_grid_and_errors_are_read()
    {
        using var ok = JsonDocument.Parse("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a"},"values":[[100,"1"],[220,"3"],[999,"9"]]}]}}""");
        var (series, error) = PromResponse.ReadMatrix(ok.RootElement, 100, 220, TimeSpan.FromMinutes(1));
        Assert.Null(error);
        Assert.Equal("a", series![0].Label("pod"));
        Assert.Equal(3, series[0].Values.Length);
        Assert.Equal(1, series[0].Values[0]);
        Assert.True(double.IsNaN(series[0].Values[1]));
        Assert.Equal(3, series[0].Values[2]);
        using var bad = JsonDocument.Parse("""{"status":"error","errorType":"bad_data","error":"parse error"}""");
        Assert.Equal("bad_data: parse error", PromResponse.ReadMatrix(bad.RootElement, 0, 60, TimeSpan.FromMinutes(1)).Error);
        Assert.Equal([3.0, double.NaN, 1.0], PromResponse.Sum([[1, double.NaN, double.NaN], [2, double.NaN, 1]], 3));
    }

    private static MetricsPod Pod(string ns, string name, string node, OwnerRef? owner) =>
        new(ns, name, node, "Running", owner, null, [new ContainerResources("app", 0.5, 512 * Mi, 2, 512 * Mi)]);

    private static readonly List<MetricsPod> Pods =
    [
        Pod("orders", "ledger-6f7d9c5b84-x2k4p", "worker-a", new OwnerRef("ReplicaSet", "ledger-6f7d9c5b84")),
        Pod("payments", "checkout-5f7b8c9d6d-8hxkq", "worker-a", new OwnerRef("ReplicaSet", "checkout-5f7b8c9d6d")),
        Pod("payments", "checkout-5f7b8c9d6d-tq4wz", "worker-b", new OwnerRef("ReplicaSet", "checkout-5f7b8c9d6d")),
        Pod("staging", "checkout-7f7b8c9d6d-aaaaa", "worker-b", new OwnerRef("ReplicaSet", "checkout-7f7b8c9d6d")),
        Pod("orders", "order-events-consumer-1", "worker-c", new OwnerRef("StatefulSet", "order-events-consumer")),
    ];

    private static IReadOnlyList<OwnerRef> Chain(MetricsPod p) =>
        p.Owner is { Kind: "ReplicaSet" } rs ? [rs, new OwnerRef("Deployment", rs.Name[..rs.Name.LastIndexOf('-')])] : p.Owner is { } o ? [o] : [];

    private static ResolvedTarget Resolve(string text, string? ns = null) =>
        MetricsTargets.Resolve(TargetRequest.Parse(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), ns, out _, out _, out _), Pods, Chain,
            Pods.Select(p => p.Node).ToHashSet());

    [Fact]
    public void Targets_resolve_to_pods_workloads_nodes_and_namespaces()
    {
        var wl = Resolve("orders/ledger");
        Assert.Equal((TargetKind.Workload, "Deployment", "orders"), (wl.Kind, wl.WorkloadKind, wl.Namespace));
        Assert.Single(wl.Pods);
        Assert.Equal(TargetKind.Workload, Resolve("deployment/ledger", "orders").Kind);
        Assert.Equal(TargetKind.Workload, Resolve("deployment/orders/ledger").Kind);
        Assert.Equal(TargetKind.Pod, Resolve("ledger-6f7d9c5b84-x2k4p").Kind);
        Assert.Equal(TargetKind.Workload, Resolve("sts/order-events-consumer -n orders").Kind);
        var node = Resolve("node/worker-a");
        Assert.Equal((TargetKind.Node, 2), (node.Kind, node.Pods.Count));
        Assert.Equal(TargetKind.Nodes, Resolve("top nodes").Kind);
        Assert.Equal(TargetKind.Namespace, Resolve("payments").Kind);
        Assert.Equal(TargetKind.Cluster, Resolve("").Kind);
        var scoped = Resolve("top pods by cpu in payments");
        Assert.Equal((TargetKind.Namespace, "payments", 2), (scoped.Kind, scoped.Namespace, scoped.Pods.Count));
        var words = Resolve("memory on checkout last 1h", "payments");
        Assert.Equal((TargetKind.Workload, 2), (words.Kind, words.Pods.Count));
    }

    [Fact]
    public void Ambiguous_and_unknown_targets_are_user_errors()
    {
        var ambiguous = Assert.Throws<KstackException>(() => Resolve("checkout"));
        Assert.Equal(ErrorKind.User, ambiguous.Kind);
        Assert.Contains("deployment/payments/checkout", ambiguous.Message);
        Assert.Contains("deployment/staging/checkout", ambiguous.Message);
        var unknown = Assert.Throws<KstackException>(() => Resolve("ledgr"));
        Assert.Contains("No pod, workload, node or namespace named \"ledgr\"", unknown.Message);
        Assert.Contains("Closest:", unknown.Message);
        Assert.Throws<KstackException>(() => Resolve("widget/x"));
    }

    [Fact]
    public void Free_text_sets_the_ranking_window_and_top()
    {
        var req = TargetRequest.Parse(["top", "3", "pods", "by", "memory", "in", "web", "last", "6h"], null, out var by, out var since, out var top);
        Assert.Equal(("memory", "6h", 3), (by, since, top));
        Assert.Equal("web", req.Namespace);
        Assert.Empty(req.Names);
    }
}
