using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Metrics;

/// <summary>/metrics through the built binary against kstack-sim over real HTTPS; oracle: tests/scenarios/CONTENTS.md §1.7.</summary>
public class MetricsSimTests
{
    private const double Mi = 1024 * 1024;

    private static string Fixture(string name) => Path.Combine(KstackProcess.RepoRoot, "tests", "Kstack.Tests", "Skills", "Metrics", "Fixtures", name);

    private static JsonObject Json(SimCluster.Run run) => JsonNode.Parse(run.Content)!.AsObject();

    private static (double P50, double P95, double Max, int N) Stats(JsonNode? s) =>
        ((double)s!["p50"]!, (double)s["p95"]!, (double)s["max"]!, (int)s["samples"]!);

    private static void AssertReadOnly(SimCluster sim)
    {
        var audit = sim.Audit();
        Assert.NotEmpty(audit);
        Assert.All(audit, e =>
        {
            Assert.Equal("GET", (string?)e["method"]);
            Assert.DoesNotContain("/exec", (string?)e["path"]);
            Assert.DoesNotContain("secrets", (string?)e["path"]);
        });
    }

    [Fact]
    public async Task Demo_ranks_pods_by_p95_over_the_window_with_the_reference_percentiles()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("metrics", "--json").AssertOk();
        Assert.Equal("agent", (string?)run.Envelope["render"]);
        var doc = Json(run);
        Assert.Equal("prometheus", (string?)doc["source"]);
        Assert.Equal("monitoring/prometheus-server:9090", (string?)doc["prometheus"]);
        Assert.Equal(3600, (int)doc["windowSeconds"]!);
        var rows = doc["rows"]!.AsArray();
        Assert.Equal(10, rows.Count);
        Assert.Equal(["ledger-6f7d9c5b84-x2k4p", "prometheus-server-6b8f9d7c5d-k4m8r", "checkout-5f7b8c9d6d-8hxkq", "checkout-5f7b8c9d6d-tq4wz", "kube-apiserver-ctrl-01"],
            rows.Take(5).Select(r => (string)r!["name"]!));
        var byName = rows.ToDictionary(r => (string)r!["name"]!, r => r!);
        Assert.Equal((0.68, 1.88, 1.93, 20), Stats(byName["ledger-6f7d9c5b84-x2k4p"]["cpu"]));
        Assert.Equal((258 * Mi, 503 * Mi, 509 * Mi, 20), Stats(byName["ledger-6f7d9c5b84-x2k4p"]["memory"]));
        Assert.Equal((0.158, 0.795, 0.978, 60), Stats(byName["checkout-5f7b8c9d6d-8hxkq"]["cpu"]));
        Assert.Equal((319 * Mi, 411 * Mi, 421 * Mi, 60), Stats(byName["checkout-5f7b8c9d6d-8hxkq"]["memory"]));
        Assert.Equal((0.161, 0.701, 0.813, 60), Stats(byName["checkout-5f7b8c9d6d-tq4wz"]["cpu"]));
        Assert.Equal((318 * Mi, 390 * Mi, 405 * Mi, 60), Stats(byName["checkout-5f7b8c9d6d-tq4wz"]["memory"]));
        Assert.Equal((0.378, 0.863, 1.115, 60), Stats(byName["prometheus-server-6b8f9d7c5d-k4m8r"]["cpu"]));
        Assert.Equal((1894 * Mi, 2004 * Mi, 2062 * Mi, 60), Stats(byName["prometheus-server-6b8f9d7c5d-k4m8r"]["memory"]));
        Assert.Equal((0.29, 0.31, 0.31, 2), Stats(byName["order-events-consumer-1"]["cpu"]));
        Assert.Equal((71 * Mi, 74 * Mi, 74 * Mi, 2), Stats(byName["order-events-consumer-1"]["memory"]));
        Assert.Equal("Deployment/ledger", (string?)byName["ledger-6f7d9c5b84-x2k4p"]["workload"]);

        var text = sim.Kstack("metrics", "--top", "3").AssertOk();
        var lines = text.Content.Split('\n');
        Assert.Equal("Metrics: sim-admin · all namespaces · window 1h, step 1m", lines[0]);
        Assert.Equal("Source: prometheus (monitoring/prometheus-server:9090)", lines[1]);
        Assert.Contains("Top 3 of 30 pods by cpu p95:", text.Content);
        Assert.Matches(@"orders/ledger-6f7d9c5b84-x2k4p\s+680m\s+1880m\s+1930m\s+258Mi\s+503Mi\s+509Mi\s+\S+\s+(↳ )?Deployment/ledger", text.Content);
        Assert.True(text.Content.Length < 3000);
        var ctx = text.AgentContext;
        Assert.Equal("prometheus", (string?)ctx["source"]);
        Assert.Contains("rate(container_cpu_usage_seconds_total{", (string?)ctx["queries"]![0]);

        AssertReadOnly(sim);
        Assert.Contains(sim.Audit(), e => ((string?)e["path"])!.EndsWith("/services/prometheus-server:9090/proxy/api/v1/query_range", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_server_values_rank_the_reference_top_five()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var cpu = Json(sim.Kstack("metrics", "--source", "metrics-server", "--top", "5", "--json").AssertOk());
        Assert.True((bool)cpu["pointInTime"]!);
        Assert.Equal(["ledger-6f7d9c5b84-x2k4p", "prometheus-server-6b8f9d7c5d-k4m8r", "kube-apiserver-ctrl-01", "orders-api-7b6d5f8c9b-zr8mt", "orders-api-7b6d5f8c9b-4wnjk"],
            cpu["rows"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal(1.77, (double)cpu["rows"]![0]!["cpu"]!["max"]!, 6);
        var memory = Json(sim.Kstack("metrics", "--source", "metrics-server", "--top", "5", "--by", "memory", "--json").AssertOk());
        Assert.Equal(["prometheus-server-6b8f9d7c5d-k4m8r", "kube-apiserver-ctrl-01", "ledger-6f7d9c5b84-x2k4p", "orders-api-7b6d5f8c9b-zr8mt", "orders-api-7b6d5f8c9b-4wnjk"],
            memory["rows"]!.AsArray().Select(r => (string)r!["name"]!));
        var text = sim.Kstack("metrics", "--source", "metrics-server", "top", "2", "pods").AssertOk();
        Assert.EndsWith("· point-in-time", text.Content.Split('\n')[0]);
        Assert.Equal("Source: metrics-server", text.Content.Split('\n')[1]);
        Assert.Matches(@"orders/ledger-6f7d9c5b84-x2k4p\s+1770m\s+503Mi\s+Deployment/ledger", text.Content);
        AssertReadOnly(sim);
    }

    [Fact]
    public async Task Node_rows_are_node_level_usage_against_allocatable_and_a_node_without_data_is_listed()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        // Prometheus: each node's root cgroup (container_*{id="/"}), the query shown, never a sum of container series.
        var prom = sim.Kstack("metrics", "nodes", "--by", "memory").AssertOk().Content;
        Assert.Contains("Top 4 of 5 nodes by memory p95, then 1 without data:", prom);
        Assert.Matches(@"\n  worker-c\s+1874m\s+1874m\s+1874m\s+23%\s+31390Mi\s+31390Mi\s+31390Mi\s+98%", prom);
        Assert.Matches(@"\n  worker-d\s+no data \(NotReady\)", prom);
        Assert.Contains("sum by (node) (container_memory_working_set_bytes{id=\"/\"})", prom);
        Assert.Contains("sum by (node) (rate(container_cpu_usage_seconds_total{id=\"/\"}[5m]))", prom);
        var first = prom.Split('\n').SkipWhile(l => !l.StartsWith("  NODE", StringComparison.Ordinal)).Skip(1).First();
        Assert.StartsWith("  worker-c ", first); // 98% of its memory: the highest, not the lowest

        // metrics-server: NodeMetrics, with the share of allocatable as kubectl top nodes prints it.
        var ms = sim.Kstack("metrics", "nodes", "--source", "metrics-server", "--by", "memory").AssertOk().Content;
        Assert.Contains("Top 4 of 5 nodes by memory, then 1 without data:", ms);
        Assert.Matches(@"\n  worker-c\s+1874m\s+23%\s+31390Mi\s+98%", ms);
        Assert.Matches(@"\n  worker-d\s+no data \(NotReady\)", ms);

        // One node: its whole usage is the root cgroup too, against its allocatable.
        var one = sim.Kstack("metrics", "node/worker-c").AssertOk().Content;
        Assert.Matches(@"memory\s+p50 31390Mi\s+p95 31390Mi\s+max 31390Mi", one);
        Assert.Contains("(98% of 31993Mi allocatable)", one);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("metrics", "nodes")]
    [InlineData("metrics", "--source", "metrics-server")]
    [InlineData("metrics", "orders/ledger")]
    [InlineData("metrics", "node/worker-a")]
    public async Task Every_line_fits_in_120_columns(params string[] args)
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var content = sim.Kstack(args).AssertOk().Content;
        Assert.All(content.Split('\n'), l => Assert.True(l.Length <= 120, $"{l.Length}: {l}"));
        Assert.DoesNotContain("…", content.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.Contains('"')));
    }

    [Theory]
    [InlineData("orders/ledger")]
    [InlineData("deployment/ledger", "-n", "orders")]
    public async Task A_workload_gets_whole_target_percentiles_and_its_requests_and_limits(params string[] args)
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var doc = Json(sim.Kstack(["metrics", .. args, "--json"]).AssertOk());
        Assert.Equal("Deployment", (string?)doc["target"]!["kind"]);
        Assert.Equal((0.68, 1.88, 1.93, 20), Stats(doc["total"]!["cpu"]));
        Assert.Equal((258 * Mi, 503 * Mi, 509 * Mi, 20), Stats(doc["total"]!["memory"]));
        Assert.Equal(512 * Mi, (double)doc["perPod"]!["limitMemoryBytes"]!);
        Assert.Equal(0.5, (double)doc["perPod"]!["requestCpuCores"]!);

        var text = sim.Kstack(["metrics", .. args]).AssertOk().Content;
        Assert.Contains("· deployment orders/ledger · window 1h, step 1m\nSource: prometheus", text);
        Assert.Matches(@"memory\s+p50 258Mi\s+p95 503Mi\s+max 509Mi\s+20 samples", text);
        Assert.Contains("(99% of the 512Mi limit)", text);
        Assert.Contains("per pod: requests cpu 500m, memory 512Mi · limits cpu 2000m, memory 512Mi", text);
    }

    [Fact]
    public async Task Two_pod_workload_sums_its_pods_point_by_point()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var doc = Json(sim.Kstack("metrics", "deployment/checkout", "-n", "payments", "--by", "memory", "--json").AssertOk());
        Assert.Equal(2, doc["rows"]!.AsArray().Count);
        Assert.Equal(60, (int)doc["total"]!["memory"]!["samples"]!);
        // Samples 38–42 sum to 810, 806, 811, 810, 812Mi: the combined peak is sample 42 (411Mi + 401Mi), not the sum of the pod peaks.
        Assert.Equal(812 * Mi, (double)doc["total"]!["memory"]!["max"]!);
    }

    [Fact]
    public async Task Metrics_server_only_cluster_answers_point_in_time()
    {
        await using var sim = await SimCluster.StartAsync(Fixture("metrics-server-only"));
        var run = sim.Kstack("metrics").AssertOk();
        var lines = run.Content.Split('\n');
        Assert.Equal("Metrics: sim-admin · all namespaces · point-in-time", lines[0]);
        Assert.Equal("Source: metrics-server", lines[1]);
        Assert.StartsWith("Values are point-in-time", lines[2]);
        Assert.Matches(@"jobs/batch-runner\s+400m\s+90Mi", run.Content);
        var doc = Json(sim.Kstack("metrics", "deployment/web", "-n", "shop", "--json").AssertOk());
        Assert.Equal("metrics-server", (string?)doc["source"]);
        Assert.Equal(0.2, (double)doc["total"]!["cpu"]!["max"]!, 6);
        Assert.Equal(350 * Mi, (double)doc["total"]!["memory"]!["max"]!);
        Assert.Equal(["web-5d8f7c-aaaaa", "web-5d8f7c-bbbbb"], doc["rows"]!.AsArray().Select(r => (string)r!["name"]!));
        var err = sim.Kstack("metrics", "--source", "prometheus");
        Assert.False(err.Ok);
        Assert.Equal("user", err.Kind);
        Assert.Contains("No Prometheus detected", err.Message);
        AssertReadOnly(sim);
    }

    [Fact]
    public async Task No_source_is_an_ok_answer_with_the_install_command()
    {
        await using var sim = await SimCluster.StartAsync("healthy");
        var run = sim.Kstack("metrics").AssertOk();
        Assert.Contains("source: none", run.Content.Split('\n')[0]);
        Assert.Contains("- metrics-server: unavailable — install with `kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml`", run.Content);
        Assert.Contains("- prometheus: not detected", run.Content);
        Assert.Contains("ask the user", run.Content);
        var json = Json(sim.Kstack("metrics", "--json").AssertOk());
        Assert.Equal("none", (string?)json["source"]);
        AssertReadOnly(sim);
    }

    [Fact]
    public async Task Rbac_denial_of_services_proxy_is_a_typed_answer()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var denied = sim.Kstack("metrics", "--context", "sim-dev", "-n", "team-a", "--prometheus", "team-a/storefront:80");
        Assert.False(denied.Ok);
        Assert.Equal("user", denied.Kind);
        Assert.Contains("RBAC denies get services/proxy on storefront:80 in namespace team-a", denied.Message);
        Assert.Contains("`get` verb on `services/proxy`", denied.Message);

        var none = sim.Kstack("metrics", "--context", "sim-dev", "-n", "team-a").AssertOk();
        Assert.Contains("source: none", none.Content);
        Assert.Contains("searched namespace team-a only", none.Content);
        AssertReadOnly(sim);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(410)]
    public async Task Metrics_discovery_answering_an_unexpected_code_means_metrics_server_is_unavailable(int code)
    {
        await using var sim = await SimCluster.StartAsync("demo", $"rules:\n- path: \"^/apis/metrics.k8s.io/v1beta1$\"\n  status: {code}\n");
        var run = Json(sim.Kstack("metrics", "--json").AssertOk());
        Assert.Equal("prometheus", (string?)run["source"]);
        var forced = sim.Kstack("metrics", "--source", "metrics-server");
        Assert.Equal("user", forced.Kind);
        Assert.Contains($"metrics.k8s.io discovery answered {code}", forced.Message);
    }

    [Fact]
    public async Task A_prometheus_answer_cut_off_while_reading_is_a_typed_infra_error()
    {
        // The reset lands before or after the client has read the headers (timing): both must be typed infra errors.
        await using var sim = await SimCluster.StartAsync("demo", "rules:\n- path: \"/proxy/api/v1/query_range\"\n  truncateAfterBytes: 200\n");
        for (var i = 0; i < 8; i++)
        {
            var run = sim.Kstack("metrics", "orders/ledger");
            Assert.False(run.Ok);
            Assert.Equal("infra", run.Kind);
            Assert.Contains("Prometheus monitoring/prometheus-server:9090", run.Message);
        }
    }

    [Fact]
    public async Task Sources_are_detected_once_and_remembered()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        sim.Kstack("metrics", "orders/ledger").AssertOk();
        var state = Directory.EnumerateFiles(sim.Root, "metrics-sources.json", SearchOption.AllDirectories).Single();
        Assert.Contains("\"prometheus\":\"monitoring/prometheus-server:9090\"", File.ReadAllText(state));
        var before = sim.Audit().Count(e => ((string?)e["path"])!.StartsWith("/apis/metrics.k8s.io", StringComparison.Ordinal) || (string?)e["path"] == "/api/v1/services");
        sim.Kstack("metrics", "orders/ledger").AssertOk();
        var after = sim.Audit().Count(e => ((string?)e["path"])!.StartsWith("/apis/metrics.k8s.io", StringComparison.Ordinal) || (string?)e["path"] == "/api/v1/services");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Unknown_targets_and_bad_flags_are_user_errors()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var unknown = sim.Kstack("metrics", "ledgr");
        Assert.Equal("user", unknown.Kind);
        Assert.Contains("Closest:", unknown.Message);
        Assert.Equal("user", sim.Kstack("metrics", "--by", "disk").Kind);
        Assert.Equal("user", sim.Kstack("metrics", "--prometheus", "nope").Kind);
        var capped = Json(sim.Kstack("metrics", "--top", "25", "--json").AssertOk());
        Assert.Equal(10, capped["rows"]!.AsArray().Count);
    }
}
