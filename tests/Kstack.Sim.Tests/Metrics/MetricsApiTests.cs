using System.Net;
using System.Text.Json;
using Kstack.Sim.Metrics;
using Xunit;

namespace Kstack.Sim.Tests.Metrics;

/// <summary>metrics.k8s.io and the proxied Prometheus against the demo scenario's metrics.yaml (tests/scenarios/CONTENTS.md §1.7).</summary>
public sealed class MetricsApiTests
{
    private const string ProxyBase = "/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/";
    private const double Mi = 1024 * 1024;

    private static Task<SimServer> Demo(int generate = 0) => SimServer.StartAsync(new SimOptions { Scenarios = ["demo"], GeneratePods = generate });

    [Fact]
    public async Task Discovery_and_lists_match_metrics_yaml()
    {
        await using var server = await Demo();
        using var client = TestSupport.Client(server);
        var group = await TestSupport.GetJson(client, "/apis/metrics.k8s.io");
        Assert.Equal("metrics.k8s.io/v1beta1", group.GetProperty("versions")[0].GetProperty("groupVersion").GetString());
        var resources = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1");
        var names = resources.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["nodes", "pods"], names);

        var nodes = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.Equal("NodeMetricsList", nodes.GetProperty("kind").GetString());
        var byNode = nodes.GetProperty("items").EnumerateArray().ToDictionary(n => n.GetProperty("metadata").GetProperty("name").GetString()!);
        Assert.Equal(["ctrl-01", "worker-a", "worker-b", "worker-c"], byNode.Keys.Order().ToArray());
        Assert.Equal("3208000000n", byNode["worker-a"].GetProperty("usage").GetProperty("cpu").GetString());
        Assert.Equal($"{31390 * 1024}Ki", byNode["worker-c"].GetProperty("usage").GetProperty("memory").GetString());

        var pods = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/namespaces/orders/pods");
        var ledger = pods.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("metadata").GetProperty("name").GetString() == "ledger-6f7d9c5b84-x2k4p");
        var usage = ledger.GetProperty("containers")[0].GetProperty("usage");
        Assert.Equal("1770000000n", usage.GetProperty("cpu").GetString());
        Assert.Equal($"{503 * 1024}Ki", usage.GetProperty("memory").GetString());
        Assert.Equal("ledger", ledger.GetProperty("metadata").GetProperty("labels").GetProperty("app.kubernetes.io/name").GetString());

        var all = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/pods");
        Assert.Equal(29, all.GetProperty("items").GetArrayLength());
        var one = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/namespaces/monitoring/pods/prometheus-server-6b8f9d7c5d-k4m8r");
        Assert.Equal("PodMetrics", one.GetProperty("kind").GetString());

        using var post = await client.PostAsync("/apis/metrics.k8s.io/v1beta1/namespaces/orders/pods", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Query_range_returns_the_present_samples_of_the_window()
    {
        await using var server = await Demo();
        using var client = TestSupport.Client(server);
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var query = "sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{namespace=\"orders\",pod=~\"ledger-.*\",container!=\"\",container!=\"POD\"}[5m]))";
        var doc = await TestSupport.GetJson(client, $"{ProxyBase}query_range?query={Uri.EscapeDataString(query)}&start={end - 3600}&end={end}&step=60");
        Assert.Equal("success", doc.GetProperty("status").GetString());
        Assert.Equal("matrix", doc.GetProperty("data").GetProperty("resultType").GetString());
        var result = doc.GetProperty("data").GetProperty("result").EnumerateArray().Single();
        Assert.Equal("ledger", result.GetProperty("metric").GetProperty("container").GetString());
        Assert.False(result.GetProperty("metric").TryGetProperty("__name__", out _));
        var values = result.GetProperty("values").EnumerateArray().Select(v => double.Parse(v[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(20, values.Count);
        Assert.Equal([0.41, 1.62, 0.44, 1.71], values.Take(4));
        Assert.Equal(1.93, values.Max());
        var stamps = result.GetProperty("values").EnumerateArray().Select(v => v[0].GetDouble()).ToList();
        Assert.All(stamps, t => Assert.Equal(0, (t - (end - 3600)) % 60));

        var mem = "container_memory_working_set_bytes{namespace=\"payments\",pod=\"checkout-5f7b8c9d6d-8hxkq\",container!=\"\"}";
        doc = await TestSupport.GetJson(client, $"{ProxyBase}query_range?query={Uri.EscapeDataString(mem)}&start={end - 3600}&end={end}&step=60");
        result = doc.GetProperty("data").GetProperty("result").EnumerateArray().Single();
        Assert.Equal("container_memory_working_set_bytes", result.GetProperty("metric").GetProperty("__name__").GetString());
        Assert.Equal("worker-a", result.GetProperty("metric").GetProperty("node").GetString());
        var mvalues = result.GetProperty("values").EnumerateArray().Select(v => double.Parse(v[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(60, mvalues.Count);
        Assert.Equal(421 * Mi, mvalues.Max());

        var instant = await TestSupport.GetJson(client, $"{ProxyBase}query?query={Uri.EscapeDataString("sum by (namespace) (" + mem + ")")}");
        var vector = instant.GetProperty("data");
        Assert.Equal("vector", vector.GetProperty("resultType").GetString());
        Assert.Equal(314 * Mi, double.Parse(vector.GetProperty("result")[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Errors_come_back_as_prometheus_does()
    {
        await using var server = await Demo();
        using var client = TestSupport.Client(server);
        using var bad = await client.GetAsync($"{ProxyBase}query_range?query={Uri.EscapeDataString("up{")}&start=1&end=2&step=1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var doc = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal("error", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("bad_data", doc.RootElement.GetProperty("errorType").GetString());

        using var tooMany = await client.GetAsync($"{ProxyBase}query_range?query=container_memory_working_set_bytes&start=0&end=100000&step=1");
        Assert.Contains("11,000 points", await tooMany.Content.ReadAsStringAsync());

        using var decoy = await client.GetAsync("/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?query=x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, decoy.StatusCode);
        using var missing = await client.GetAsync("/api/v1/namespaces/monitoring/services/nope:9090/proxy/api/v1/query?query=x");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Service_proxy_is_authorised_as_get_services_proxy()
    {
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = ["rbac-limited"] });
        using var dev = TestSupport.Client(server, "dev-token-7f3a91");
        using var resp = await dev.GetAsync("/api/v1/namespaces/team-a/services/storefront:80/proxy/api/v1/query?query=up");
        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        Assert.Contains("cannot get resource \"services/proxy\" in API group \"\" in the namespace \"team-a\"", doc.RootElement.GetProperty("message").GetString());

        using var admin = TestSupport.Client(server);
        using var apis = await admin.GetAsync("/apis/metrics.k8s.io/v1beta1");
        Assert.Equal(HttpStatusCode.NotFound, apis.StatusCode);
    }

    [Fact]
    public async Task Generated_pods_get_plausible_usage()
    {
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = ["minimal"], GeneratePods = 60 });
        using var client = TestSupport.Client(server);
        var pods = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/pods");
        Assert.True(pods.GetProperty("items").GetArrayLength() > 30);
        var nodes = await TestSupport.GetJson(client, "/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.True(nodes.GetProperty("items").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace=\"a\"}[5m]))", "sum", "namespace,pod", true)]
    [InlineData("sum(container_memory_working_set_bytes{pod=~\"x|y\", container!=\"\"}) by (pod)", "sum", "pod", false)]
    [InlineData("container_memory_working_set_bytes", null, "", false)]
    [InlineData("max without (container) (rate(container_cpu_usage_seconds_total[1m]))", "max", "container", true)]
    public void Parses_the_supported_forms(string text, string? agg, string grouping, bool rate)
    {
        var q = PromQuery.Parse(text);
        Assert.Equal(agg, q.Aggregation);
        Assert.Equal(grouping, string.Join(',', q.Grouping));
        Assert.Equal(rate, q.Rate);
    }

    [Theory]
    [InlineData("container_cpu_usage_seconds_total")]
    [InlineData("rate(container_memory_working_set_bytes[5m])")]
    [InlineData("up")]
    [InlineData("sum(sum(container_memory_working_set_bytes))")]
    [InlineData("container_memory_working_set_bytes{pod=\"x\"")]
    public void Rejects_other_forms(string text) => Assert.Throws<PromQlException>(() => PromQuery.Parse(text));

    [Fact]
    public void A_sample_covers_its_step()
    {
        // points at 100, 160, 220 (anchor 220, step 60)
        Assert.Equal(0, PromEvaluator.SampleIndex(100, 220, 60, 3));
        Assert.Equal(0, PromEvaluator.SampleIndex(159.9, 220, 60, 3));
        Assert.Equal(2, PromEvaluator.SampleIndex(279, 220, 60, 3));
        Assert.Equal(-1, PromEvaluator.SampleIndex(99, 220, 60, 3));
        Assert.Equal(-1, PromEvaluator.SampleIndex(280, 220, 60, 3));
    }
}
