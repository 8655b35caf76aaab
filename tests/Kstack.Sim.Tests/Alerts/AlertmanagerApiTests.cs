using System.Net;
using System.Text.Json;
using Kstack.Sim.Alerts;
using Kstack.Sim.Scenarios;
using Xunit;

namespace Kstack.Sim.Tests.Alerts;

/// <summary>The Alertmanager v2 and Prometheus /api/v1/alerts the service proxy serves from alerts.yaml (tests/scenarios/alerts, demo).</summary>
public sealed class AlertmanagerApiTests
{
    private const string Am = "/api/v1/namespaces/monitoring/services/kube-prom-alertmanager:9093/proxy/api/v2/";

    private static Task<SimServer> Start(params string[] scenarios) => SimServer.StartAsync(new SimOptions { Scenarios = scenarios });

    [Fact]
    public async Task Alerts_have_the_v2_shape_sorted_by_fingerprint_with_every_state()
    {
        await using var server = await Start("alerts");
        using var client = TestSupport.Client(server);
        var alerts = (await TestSupport.GetJson(client, Am + "alerts")).EnumerateArray().ToList();
        Assert.Equal(11, alerts.Count);
        var prints = alerts.Select(a => a.GetProperty("fingerprint").GetString()!).ToList();
        Assert.Equal(prints.Order(StringComparer.Ordinal), prints);
        Assert.All(prints, p => Assert.Matches("^[0-9a-f]{16}$", p));
        foreach (var a in alerts)
        {
            foreach (var key in new[] { "annotations", "endsAt", "fingerprint", "receivers", "startsAt", "status", "updatedAt", "generatorURL", "labels" })
                Assert.True(a.TryGetProperty(key, out _), key);
            var status = a.GetProperty("status");
            Assert.Equal(JsonValueKind.Array, status.GetProperty("mutedBy").ValueKind);
            Assert.Equal(JsonValueKind.Array, status.GetProperty("silencedBy").ValueKind);
            Assert.Equal(JsonValueKind.Array, status.GetProperty("inhibitedBy").ValueKind);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", a.GetProperty("startsAt").GetString());
        }
        JsonElement ByName(string n) => alerts.Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == n);
        Assert.Equal("suppressed", ByName("TargetDown").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("5c1e7a2b-8d3f-4e6a-9b0c-1f2e3d4c5b6a", ByName("TargetDown").GetProperty("status").GetProperty("silencedBy")[0].GetString());
        Assert.Equal("6d0f2c1b9a8e7d6c", ByName("KubeContainerWaiting").GetProperty("status").GetProperty("inhibitedBy")[0].GetString());
        Assert.Equal("outside-business-hours", ByName("KubeJobFailed").GetProperty("status").GetProperty("mutedBy")[0].GetString());
        Assert.Equal("unprocessed", ByName("KubeAPIErrorBudgetBurn").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("active", ByName("Watchdog").GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("default", ByName("Watchdog").GetProperty("receivers")[0].GetProperty("name").GetString());
        var starts = DateTimeOffset.Parse(ByName("NodeFilesystemAlmostFull").GetProperty("startsAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - starts, TimeSpan.FromMinutes(24), TimeSpan.FromMinutes(26));

        // The state filters, as Alertmanager applies them.
        Assert.Equal(7, (await TestSupport.GetJson(client, Am + "alerts?silenced=false&inhibited=false&unprocessed=false&active=true"))
            .EnumerateArray().Count(a => a.GetProperty("status").GetProperty("state").GetString() == "active"));
        var noSilenced = await TestSupport.GetJson(client, Am + "alerts?silenced=false");
        Assert.DoesNotContain(noSilenced.EnumerateArray(), a => a.GetProperty("status").GetProperty("silencedBy").GetArrayLength() > 0);
        Assert.Equal(10, noSilenced.GetArrayLength());
        Assert.Equal(10, (await TestSupport.GetJson(client, Am + "alerts?unprocessed=false")).GetArrayLength());
        using var bad = await client.GetAsync(Am + "alerts?active=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Silences_are_listed_active_then_pending_then_expired_with_their_state()
    {
        await using var server = await Start("alerts");
        using var client = TestSupport.Client(server);
        var silences = (await TestSupport.GetJson(client, Am + "silences")).EnumerateArray().ToList();
        Assert.Equal([("5c1e7a2b-8d3f-4e6a-9b0c-1f2e3d4c5b6a", "active"), ("9f8e7d6c-5b4a-4321-8fed-cba987654321", "active"), ("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "expired")],
            silences.Select(s => (s.GetProperty("id").GetString(), s.GetProperty("status").GetProperty("state").GetString())));
        var first = silences[0];
        Assert.Equal("alice@example.com", first.GetProperty("createdBy").GetString());
        Assert.Equal("Node exporter rollout, tracked in OPS-1234", first.GetProperty("comment").GetString());
        var m = first.GetProperty("matchers")[0];
        Assert.Equal(("alertname", "TargetDown", false, true), (m.GetProperty("name").GetString(), m.GetProperty("value").GetString(), m.GetProperty("isRegex").GetBoolean(), m.GetProperty("isEqual").GetBoolean()));
        Assert.True(silences[2].GetProperty("matchers")[0].GetProperty("isRegex").GetBoolean());
    }

    [Fact]
    public async Task Writes_v1_and_unknown_paths_answer_as_alertmanager_does_and_rbac_applies()
    {
        await using var server = await Start("alerts");
        using var client = TestSupport.Client(server);
        using (var v1 = await client.GetAsync("/api/v1/namespaces/monitoring/services/kube-prom-alertmanager:9093/proxy/api/v1/alerts"))
            Assert.Equal(HttpStatusCode.Gone, v1.StatusCode);
        using (var post = await client.PostAsync(Am + "silences", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using (var del = await client.DeleteAsync(Am + "silence/5c1e7a2b-8d3f-4e6a-9b0c-1f2e3d4c5b6a"))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, del.StatusCode);
        using (var status = await client.GetAsync(Am + "status"))
            Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        // The port by name, as the API server resolves it; another port of the Service is not Alertmanager.
        Assert.Equal(11, (await TestSupport.GetJson(client, "/api/v1/namespaces/monitoring/services/kube-prom-alertmanager:http-web/proxy/api/v2/alerts")).GetArrayLength());
        using (var other = await client.GetAsync("/api/v1/namespaces/monitoring/services/kube-prom-alertmanager:8080/proxy/api/v2/alerts"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);

        var viewer = server.Users.Single(u => u.Name == "viewer");
        using var limited = TestSupport.Client(server, viewer.Token);
        Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/api/v1/services")).StatusCode);
        using var denied = await limited.GetAsync(Am + "alerts");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var body = JsonDocument.Parse(await denied.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Status", body.GetProperty("kind").GetString());
        Assert.Contains("cannot get resource \"services/proxy\"", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Kubectl_get_raw_reads_alerts_through_the_proxy()
    {
        await using var server = await Start("alerts");
        var r = await TestSupport.Kubectl(server, "get", "--raw", Am + "alerts");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(11, JsonDocument.Parse(r.Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Prometheus_lists_its_rule_alerts_beside_its_series()
    {
        await using var server = await Start("demo");
        using var client = TestSupport.Client(server);
        var doc = await TestSupport.GetJson(client, "/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/alerts");
        Assert.Equal("success", doc.GetProperty("status").GetString());
        var alerts = doc.GetProperty("data").GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(["firing", "firing", "firing", "pending"], alerts.Select(a => a.GetProperty("state").GetString()));
        var crash = alerts[1];
        Assert.Equal("ledger-6f7d9c5b84-x2k4p", crash.GetProperty("labels").GetProperty("pod").GetString());
        // Written as of the scenario's now (10:05): activeAt 07:59 is 2h06m before start-up.
        var active = DateTimeOffset.Parse(crash.GetProperty("activeAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - active, TimeSpan.FromMinutes(125), TimeSpan.FromMinutes(127));
        // The series are still served by the same Prometheus.
        var q = await TestSupport.GetJson(client, "/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/query?query=" + Uri.EscapeDataString("container_memory_working_set_bytes{namespace=\"orders\"}"));
        Assert.Equal("success", q.GetProperty("status").GetString());
        // No Alertmanager in the demo.
        using var none = await client.GetAsync("/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v2/alerts");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task A_prometheus_named_only_by_alerts_yaml_serves_rule_alerts_without_series()
    {
        await using var server = await Start("alerts", Path.Combine(TestSupport.TempDirWith("alerts.yaml",
            "prometheus:\n  service: monitoring/kube-prom-prometheus:9090\n  alerts:\n  - labels: {alertname: X, severity: warning}\n    state: firing\n")));
        using var client = TestSupport.Client(server);
        var doc = await TestSupport.GetJson(client, "/api/v1/namespaces/monitoring/services/kube-prom-prometheus:9090/proxy/api/v1/alerts");
        Assert.Equal("X", doc.GetProperty("data").GetProperty("alerts")[0].GetProperty("labels").GetProperty("alertname").GetString());
        // alerts.yaml merges by section: the alerts scenario's Alertmanager is still there.
        Assert.Equal(11, (await TestSupport.GetJson(client, Am + "alerts")).GetArrayLength());
    }

    [Theory]
    [InlineData("alertmanager:\n  alerts: []\n", "alertmanager.service is required")]
    [InlineData("alertmanager:\n  service: monitoring/am\n", "must be <namespace>/<name>:<port>")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  alerts:\n  - labels: {severity: warning}\n", "labels.alertname is required")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  alerts:\n  - labels: {alertname: A}\n    state: active\n    silencedBy: [x]\n", "contradicts")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  version: 0.27.0\n  alerts:\n  - labels: {alertname: A}\n    mutedBy: [x]\n", "needs Alertmanager 0.28.0")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  alerts:\n  - labels: {alertname: A}\n    state: firing\n", "must be active, suppressed or unprocessed")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  silences:\n  - id: s\n", "at least one matcher")]
    [InlineData("alertmanager:\n  service: m/am:9093\n  alerts:\n  - labels: {alertname: A}\n    startsAt: yesterday\n", "must be now, now-<duration> or an RFC 3339 time")]
    [InlineData("alertmanagers: {}\n", "unknown key \"alertmanagers\"")]
    public void Bad_alerts_yaml_fails_the_load_naming_the_problem(string yaml, string expected)
    {
        var e = Assert.Throws<ScenarioException>(() => AlertsScenario.Parse("alerts.yaml", yaml, DateTimeOffset.UtcNow));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Fingerprints_follow_the_label_set_not_its_order()
    {
        var a = Fingerprints.Of(new Dictionary<string, string> { ["alertname"] = "A", ["job"] = "x" });
        var b = Fingerprints.Of(new Dictionary<string, string> { ["job"] = "x", ["alertname"] = "A" });
        Assert.Equal(a, b);
        Assert.NotEqual(a, Fingerprints.Of(new Dictionary<string, string> { ["alertname"] = "A", ["job"] = "y" }));
        // Name/value boundaries count: {a="bc"} is not {ab="c"}.
        Assert.NotEqual(Fingerprints.Of(new Dictionary<string, string> { ["a"] = "bc" }), Fingerprints.Of(new Dictionary<string, string> { ["ab"] = "c" }));
    }
}
