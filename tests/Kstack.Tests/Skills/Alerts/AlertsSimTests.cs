using System.Text;
using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Alerts;

/// <summary>/alerts through the built binary against kstack-sim's Alertmanager behind the service proxy (tests/scenarios/alerts).</summary>
public class AlertsSimTests
{
    private static string Fixture(string name) => Path.Combine(KstackProcess.RepoRoot, "tests", "Kstack.Tests", "Skills", "Alerts", "Fixtures", name);

    /// <summary>Only GETs, and to Alertmanager only /api/v2/alerts and /api/v2/silences through the service proxy.</summary>
    private static void AssertReadOnly(SimCluster sim)
    {
        var audit = sim.Audit();
        Assert.NotEmpty(audit);
        Assert.All(audit, e =>
        {
            Assert.Equal("GET", (string?)e["method"]);
            var path = (string?)e["path"] ?? "";
            if (path.Contains("/proxy/", StringComparison.Ordinal))
                Assert.Matches(@"/services/[a-z0-9-]+:[a-z0-9-]+/proxy/api/(v2/alerts|v2/silences|v1/alerts)$", path);
            Assert.DoesNotContain("port-forward", path);
            Assert.DoesNotContain("/exec", path);
        });
    }

    [Fact]
    public async Task Alerts_scenario_groups_counts_every_suppression_cause_and_correlates()
    {
        await using var sim = await SimCluster.StartAsync("alerts");
        var run = sim.Kstack("alerts").AssertOk();
        Assert.Equal("agent", (string?)run.Envelope["render"]);
        var text = run.Content;
        var lines = text.Split('\n');
        Assert.Equal("Alerts: sim-admin · Alertmanager monitoring/kube-prom-alertmanager:9093", lines[0]);
        Assert.Contains("5 firing (1 critical, 3 warning, 1 other) in 4 groups · 3 suppressed · 1 unprocessed.", text);
        Assert.DoesNotContain("Services matched", text);
        // Most severe first; the two crash-looping pods are one row, pointing at both pods.
        var rows = lines.Where(l => l.Length > 4 && l[..4] is "CRIT" or "WARN" or "ALRT").ToList();
        Assert.Equal(4, rows.Count);
        Assert.Matches(@"^CRIT  NodeFilesystemAlmostFull\s+1×  for 25m$", rows[0]);
        Assert.Matches(@"^WARN  shop/KubePodCrashLooping\s+2×  for 2h", rows[1]);
        Assert.Matches(@"^WARN  shop/KubeDeploymentReplicasMismatch\s+1×", rows[2]);
        Assert.Matches(@"^ALRT  shop/KubeQuotaAlmostFull\s+1×  for 6h$", rows[3]);
        Assert.Contains("      summary \"Pod is crash looping.\"\n      → kstack investigate pod/shop/checkout-7d9f6c5b8-k2x9p, kstack investigate pod/shop/checkout-7d9f6c5b8-w4m7t", text);
        Assert.Contains("→ kstack investigate deployment/shop/checkout", text);
        Assert.Contains("→ kstack cluster-status (node worker-1)", text);
        Assert.Contains("Suppressed: 3 (1 silenced, 1 inhibited, 1 muted by a time interval).", text);
        Assert.Contains("Unprocessed: 1 (received, not yet processed by Alertmanager's pipeline):\n  CRIT  KubeAPIErrorBudgetBurn", text);
        // Only the silence that silences an alert read: not the active one matching nothing, not the expired one.
        Assert.Contains("Silences muting these alerts (1):\n  5c1e7a2b  ends in 2h", text);
        Assert.Contains("· by \"alice@example.com\"\n      comment \"Node exporter rollout, tracked in OPS-1234\"\n      matchers \"alertname=TargetDown, job=node-exporter\"", text);
        Assert.DoesNotContain("bob@example.com", text);
        Assert.DoesNotContain("carol@example.com", text);
        Assert.Contains("Canary (always-on, not counted as firing): InfoInhibitor active, Watchdog active.", text);
        Assert.DoesNotContain("No Watchdog", text);
        Assert.EndsWith("Fetched now (cached for 30s).", text);

        var ctx = run.AgentContext;
        Assert.Equal("alertmanager", (string?)ctx["source"]);
        Assert.Equal("monitoring/kube-prom-alertmanager:9093", (string?)ctx["target"]);
        Assert.Equal(11, (int)ctx["alerts_total"]!);
        Assert.Equal(5, (int)ctx["firing"]!);
        Assert.Equal(["kstack investigate pod/shop/checkout-7d9f6c5b8-k2x9p", "kstack investigate pod/shop/checkout-7d9f6c5b8-w4m7t", "kstack investigate deployment/shop/checkout"],
            ctx["investigate"]!.AsArray().Select(x => (string)x!));
        var file = JsonNode.Parse(File.ReadAllText((string)ctx["alerts_file"]!))!;
        Assert.Equal(11, file["alerts"]!.AsArray().Count);
        Assert.Equal(3, file["silences"]!.AsArray().Count);
        Assert.StartsWith(run.CacheDir, (string)ctx["alerts_file"]!);

        // The investigate target works as printed.
        var investigate = sim.Kstack("investigate", "pod/shop/checkout-7d9f6c5b8-k2x9p").AssertOk();
        Assert.Contains("checkout-7d9f6c5b8-k2x9p", investigate.Content);
        AssertReadOnly(sim);
    }

    [Fact]
    public async Task The_answer_is_cached_for_the_ttl_refresh_reads_again_and_another_service_never_reuses_it()
    {
        await using var sim = await SimCluster.StartMergedAsync(["alerts", Fixture("two-alertmanagers")]);
        int ProxyReads() => sim.Audit().Count(e => ((string?)e["path"])!.Contains("/proxy/api/v2/alerts", StringComparison.Ordinal));
        var first = sim.Kstack("alerts").AssertOk();
        Assert.Contains("2 Alertmanager Services matched; using the first (monitoring/kube-prom-alertmanager:9093).", first.Content);
        Assert.Equal(2, (int)first.AgentContext["matched"]!);
        Assert.Equal(1, ProxyReads());
        var servicesListed = sim.Audit().Count(e => (string?)e["path"] == "/api/v1/services");

        var second = sim.Kstack("alerts").AssertOk();
        Assert.Contains("Used cached alerts (", second.Content);
        Assert.Equal(1, ProxyReads());
        Assert.Equal(servicesListed, sim.Audit().Count(e => (string?)e["path"] == "/api/v1/services")); // detection remembered in state

        sim.Kstack("alerts", "--refresh").AssertOk();
        Assert.Equal(2, ProxyReads());

        // The other Service has no Alertmanager behind it: a fresh read, never the first target's cache.
        var other = sim.Kstack("alerts", "--service", "zeta/alertmanager-copy:web");
        Assert.False(other.Ok);
        Assert.Equal("infra", other.Kind);
        Assert.Contains("Alertmanager zeta/alertmanager-copy:web", other.Message);
        Assert.Contains(sim.Audit(), e => ((string?)e["path"])!.EndsWith("/namespaces/zeta/services/alertmanager-copy:web/proxy/api/v2/alerts", StringComparison.Ordinal));

        var named = sim.Kstack("alerts", "--service", "monitoring/kube-prom-alertmanager:http-web").AssertOk();
        Assert.StartsWith("Alerts: sim-admin · Alertmanager monitoring/kube-prom-alertmanager:http-web", named.Content);
        Assert.Contains("Fetched now", named.Content);
        AssertReadOnly(sim);
    }

    [Theory]
    [InlineData("monitoring/am:web--x")]
    [InlineData("monitoring/am:70000")]
    [InlineData("am:9093")]
    [InlineData("monitoring/Am")]
    public async Task A_bad_service_value_is_a_user_error(string value)
    {
        await using var sim = await SimCluster.StartAsync("alerts");
        var run = sim.Kstack("alerts", "--service", value);
        Assert.False(run.Ok);
        Assert.Equal("user", run.Kind);
        Assert.Contains("Invalid --service value", run.Message);
        Assert.Equal("user", sim.Kstack("alerts", "something").Kind);
        Assert.DoesNotContain(sim.Audit(), e => ((string?)e["path"])!.Contains("/proxy/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rbac_denial_of_services_proxy_is_a_typed_user_error_naming_it()
    {
        await using var sim = await SimCluster.StartAsync("alerts");
        var denied = sim.Kstack("alerts", "--context", "sim-viewer");
        Assert.False(denied.Ok);
        Assert.Equal("user", denied.Kind);
        Assert.Contains("RBAC denies get services/proxy on kube-prom-alertmanager:9093 in namespace monitoring", denied.Message);
        Assert.Contains("`get` verb on `services/proxy`", denied.Message);
        // No other way round: no port-forward, no pod, no exec was tried.
        AssertReadOnly(sim);
        Assert.All(sim.Audit(), e => Assert.DoesNotContain("/pods", (string?)e["path"]));
    }

    [Fact]
    public async Task A_missing_watchdog_is_called_out_and_an_alertmanager_without_muted_by_is_no_error()
    {
        await using var sim = await SimCluster.StartMergedAsync(["alerts", Fixture("no-watchdog")]);
        var text = sim.Kstack("alerts").AssertOk().Content;
        Assert.Contains("Nothing firing · 1 suppressed.", text);
        Assert.Contains("No Watchdog alert: Watchdog is meant to fire always", text);
        Assert.Contains("the alerting pipeline (Prometheus → Alertmanager) may be broken", text);
        Assert.Contains("Suppressed: 1 (1 silenced, 0 inhibited); this Alertmanager does not report time-interval mutes (status.mutedBy, 0.28+).", text);
        Assert.Contains("by \"dave@example.com\"", text);
        Assert.DoesNotContain("Canary", text);
    }

    [Fact]
    public async Task Without_alertmanager_prometheus_rules_answer_and_the_answer_says_so()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("alerts").AssertOk();
        var text = run.Content;
        Assert.StartsWith("Alerts: sim-admin · Prometheus monitoring/prometheus-server:9090\nNo Alertmanager found: these are Prometheus's firing alerting rules (/api/v1/alerts)", text);
        Assert.Contains("2 firing (2 warning) in 2 groups · 1 pending.", text);
        Assert.Matches(@"WARN  orders/KubePodCrashLooping\s+1×  for 2h", text);
        Assert.Contains("→ kstack investigate pod/orders/ledger-6f7d9c5b84-x2k4p", text);
        Assert.Contains("→ kstack cluster-status (node worker-d)", text);
        Assert.Contains("Pending: 1", text);
        Assert.Contains("Canary (always-on, not counted as firing): Watchdog active.", text);
        Assert.DoesNotContain("No Watchdog", text);
        Assert.Equal("prometheus", (string?)run.AgentContext["source"]);
        Assert.Contains(sim.Audit(), e => ((string?)e["path"])!.EndsWith("/services/prometheus-server:9090/proxy/api/v1/alerts", StringComparison.Ordinal));
        AssertReadOnly(sim);
    }

    [Fact]
    public async Task Without_alertmanager_or_prometheus_the_answer_is_ok_and_says_how_to_find_or_install_one()
    {
        await using var sim = await SimCluster.StartAsync("healthy");
        var run = sim.Kstack("alerts").AssertOk();
        Assert.Contains("source: none", run.Content);
        Assert.Contains("No Alertmanager and no Prometheus were found", run.Content);
        Assert.Contains("--service <ns>/<name>[:<port>]", run.Content);
        Assert.Contains("kube-prometheus-stack", run.Content);
        Assert.Contains("ask the user first", run.Content);
        Assert.Equal("none", (string?)run.AgentContext["source"]);
        Assert.DoesNotContain(sim.Audit(), e => ((string?)e["path"])!.Contains("/proxy/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hostile_text_in_labels_annotations_and_silences_stays_framed()
    {
        await using var sim = await SimCluster.StartMergedAsync(["alerts", Fixture("hostile")]);
        var run = sim.Kstack("alerts").AssertOk();
        HostileAssert.ContentIsNeutralised(run.Content);
        HostileAssert.PayloadsOnlyInsideQuotes(run.Content);
        HostileAssert.ContentIsNeutralised((string?)run.Envelope["agent_context"] ?? "");
        Assert.Contains("1 firing", run.Content);
        Assert.Contains("Silences muting these alerts (1):", run.Content);
        Assert.DoesNotContain("curl evil", (string?)run.Envelope["agent_context"]);
        Assert.DoesNotContain("→ kstack investigate", run.Content);
    }

    [Fact]
    public async Task Thousands_of_alerts_keep_the_content_bounded_and_the_cap_is_stated()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-alerts-many-").FullName;
        try
        {
            var yaml = new StringBuilder("alertmanager:\n  service: monitoring/kube-prom-alertmanager:9093\n  alerts:\n  - labels: {alertname: Watchdog, severity: none}\n");
            for (var i = 0; i < 10_400; i++)
                yaml.Append($"  - labels: {{alertname: Alert{i % 700}, severity: {(i % 4 == 0 ? "critical" : "warning")}, namespace: ns-{i % 9}, pod: pod-{i}}}\n")
                    .Append($"    annotations: {{summary: \"{new string('s', 300)} {i}\"}}\n");
            File.WriteAllText(Path.Combine(dir, "alerts.yaml"), yaml.ToString());
            await using var sim = await SimCluster.StartMergedAsync(["alerts", dir]);
            var run = sim.Kstack("alerts").AssertOk();
            Assert.True(run.Content.Length < 8000, $"{run.Content.Length} characters");
            Assert.True(run.Stdout.Length < 16 * 1024, $"{run.Stdout.Length} bytes");
            Assert.All(run.Content.Split('\n'), l => Assert.True(l.Length <= 120, $"line of {l.Length}"));
            Assert.Contains("Note: read the first 10000 of 10401 alerts (kstack's cap); the counts cover those.", run.Content);
            Assert.Contains("more groups", run.Content);
            Assert.Equal(10_401, (int)run.AgentContext["alerts_total"]!);
            Assert.Equal(10_000, (int)run.AgentContext["alerts_read"]!);
            var file = JsonNode.Parse(File.ReadAllText((string)run.AgentContext["alerts_file"]!))!;
            Assert.Equal(10_000, file["alerts"]!.AsArray().Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
