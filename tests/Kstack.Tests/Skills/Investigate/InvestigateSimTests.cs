using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Investigate;

/// <summary>/investigate through the built binary against kstack-sim over real HTTPS.</summary>
public class InvestigateSimTests
{
    private const string CanaryBase64 = "S0VZLUNBTkFSWS1ETy1OT1QtTEVBSw==";
    private const string Canary = "KEY-CANARY-DO-NOT-LEAK";

    private static (string Path, JsonObject Bundle) BundleOf(SimCluster.Run run)
    {
        var path = (string)run.AgentContext["bundle"]!;
        Assert.True(File.Exists(path), "bundle file missing: " + path);
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        return (path, JsonNode.Parse(File.ReadAllText(path))!.AsObject());
    }

    private static void Agent(SimCluster.Run run)
    {
        run.AssertOk();
        Assert.Equal("agent", (string?)run.Envelope["render"]);
        Assert.True(run.Content.Length < 6000, $"content is {run.Content.Length} characters");
    }

    [Fact]
    public async Task Crash_looping_oom_pod_names_chain_exit_code_and_the_log_line()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("investigate", "pod/ledger-6f7d9c5b84-x2k4p", "-n", "orders");
        Agent(run);
        Assert.Contains("Chain: Deployment/ledger → ReplicaSet/ledger-6f7d9c5b84 → Pod/ledger-6f7d9c5b84-x2k4p", run.Content);
        Assert.Contains("1. [INV-OOMKILLED] pod/ledger-6f7d9c5b84-x2k4p: container ledger OOMKilled (exit 137), restarted 23× — limit 512Mi, last log line "
                        + "\"Exception in thread \\\"ledger-posting-3\\\" java.lang.OutOfMemoryError: Java heap space\"", run.Content);
        Assert.Contains("SIGKILL from the kernel OOM killer", run.Content);
        Assert.Contains("BackOff ×487", run.Content);
        Assert.Contains("[INV-SERVICE-NO-ENDPOINTS] service/ledger: Service ledger has 0 ready endpoints (1 not ready)", run.Content);

        var (path, bundle) = BundleOf(run);
        Assert.EndsWith("/investigate/pod_orders_ledger-6f7d9c5b84-x2k4p.json", path);
        Assert.Equal("investigate/1", (string?)bundle["schema"]);
        var container = bundle["pods"]![0]!["containers"]![0]!;
        Assert.Equal(137, (int)container["lastTerminated"]!["exitCode"]!);
        Assert.Equal("OOMKilled", (string?)container["lastTerminated"]!["reason"]);
        Assert.Contains(bundle["logs"]!.AsArray(), l => (string?)l!["markerLine"] == "Exception in thread \"ledger-posting-3\" java.lang.OutOfMemoryError: Java heap space");
        Assert.Equal(["INV-OOMKILLED", "INV-SERVICE-NO-ENDPOINTS", "INV-WORKLOAD-UNAVAILABLE"],
            run.AgentContext["findings"]!.AsArray().Select(f => (string)f!).ToArray());
    }

    [Fact]
    public async Task Unschedulable_image_pull_and_crash_exit_pods()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var pending = sim.Kstack("investigate", "nightly-report-29454360-7hx2c");
        Agent(pending);
        Assert.Contains("Chain: CronJob/nightly-report → Job/nightly-report-29454360 → Pod/nightly-report-29454360-7hx2c", pending.Content);
        Assert.Contains("[INV-UNSCHEDULABLE]", pending.Content);
        Assert.Contains("Insufficient memory.\" — requests memory 48Gi", pending.Content);
        Assert.Contains("events: FailedScheduling ×3", pending.Content);

        var pull = sim.Kstack("investigate", "web/frontend-84c6d5b7f8-q9v7d");
        Agent(pull);
        Assert.Contains("[INV-IMAGE-PULL] pod/frontend-84c6d5b7f8-q9v7d: ImagePullBackOff: tag not found — image \"registry.example.com/web/frontend:v2.9.9-missing\"", pull.Content);
        Assert.Contains("[INV-ROLLOUT-STUCK] deployment/frontend", pull.Content);
        Assert.Contains("no log: the container has not started", pull.Content);

        var crash = sim.Kstack("investigate", "pod/order-events-consumer-1", "--json");
        Agent(crash);
        var doc = JsonNode.Parse(crash.Content)!.AsObject();
        Assert.Equal("StatefulSet/order-events-consumer → Pod/order-events-consumer-1", (string?)doc["chain"]);
        var first = doc["findings"]![0]!;
        Assert.Equal("INV-CRASH-EXIT", (string?)first["id"]);
        Assert.Contains("exit 1 = application error", (string?)first["summary"]);
        Assert.Contains("KeyError: 'currency'", (string?)first["summary"]);
        Assert.Equal(1, (int)doc["pods"]![0]!["containers"]![0]!["exitCode"]!);
    }

    [Fact]
    public async Task Workload_targets_and_a_service_without_ready_endpoints()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var gw = sim.Kstack("investigate", "payment-gateway");
        Agent(gw);
        Assert.StartsWith("Investigation: Deployment payments/payment-gateway", gw.Content);
        Assert.Contains("Chain: Deployment/payment-gateway → ReplicaSet/payment-gateway-5c8f7b9d44 → 1 pod", gw.Content);
        Assert.Contains("[INV-PROBE-FAILING] pod/payment-gateway-5c8f7b9d44-mx7qz: Ready=False with probe failures (Unhealthy ×187): \"Readiness probe failed: HTTP probe failed with statuscode: 503\"", gw.Content);
        Assert.Contains("[INV-SERVICE-NO-ENDPOINTS] service/payment-gateway: Service payment-gateway has 0 ready endpoints (1 not ready)", gw.Content);

        var ledger = sim.Kstack("investigate", "deployment/ledger", "-n", "orders");
        Agent(ledger);
        Assert.Contains("Chain: Deployment/ledger → ReplicaSet/ledger-6f7d9c5b84 → 1 pod", ledger.Content);
        Assert.Contains("[INV-OOMKILLED] pod/ledger-6f7d9c5b84-x2k4p", ledger.Content);
        var (path, bundle) = BundleOf(ledger);
        Assert.EndsWith("/investigate/deployment_orders_ledger.json", path);
        Assert.Equal("Deployment", (string?)bundle["workload"]!["kind"]);
        Assert.Equal(1, (int)bundle["podsTotal"]!);

        // Events come from one namespace-wide list per target, never one query per object.
        var eventLists = sim.Audit().Where(e => ((string?)e["path"] ?? "").EndsWith("/events", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, eventLists.Count);
        Assert.All(eventLists, e => Assert.Equal("list", (string?)e["verb"]));
    }

    [Fact]
    public async Task Bare_names_that_match_nothing_or_several_objects_are_user_errors()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-inv-scenario-").FullName;
        try
        {
            var healthy = Path.Combine(KstackProcess.RepoRoot, "tests", "scenarios", "healthy");
            foreach (var f in Directory.EnumerateFiles(healthy, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(dir, Path.GetRelativePath(healthy, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to);
            }
            File.WriteAllText(Path.Combine(dir, "twin.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop2, uid: 00000000-0000-4000-8000-000000000991, creationTimestamp: '2025-10-01T08:00:00Z'}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop2, uid: 00000000-0000-4000-8000-000000000992, creationTimestamp: '2025-10-01T08:00:00Z'}
                spec:
                  replicas: 0
                  selector: {matchLabels: {app: web2}}
                  template:
                    metadata: {labels: {app: web2}}
                    spec: {containers: [{name: web, image: nginx}]}
                """);
            await using var sim = await SimCluster.StartAsync(dir);
            var twin = sim.Kstack("investigate", "web");
            Assert.False(twin.Ok);
            Assert.Equal("user", twin.Kind);
            Assert.Contains("\"web\" matches 2 objects", twin.Message);
            Assert.Contains("deployment/shop/web", twin.Message);
            Assert.Contains("deployment/shop2/web", twin.Message);

            var none = sim.Kstack("investigate", "wbe");
            Assert.Equal("user", none.Kind);
            Assert.Contains("No pod or workload named \"wbe\"", none.Message);
            Assert.Contains("Closest: deployment/shop/web", none.Message);

            var exact = sim.Kstack("investigate", "deployment/shop2/web");
            Agent(exact);
            Assert.Contains("Chain: Deployment/web → 0 pods", exact.Content);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Secrets_are_only_read_by_metadata_and_their_data_never_appears()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var outputs = new List<string>();
        foreach (var target in new[] { "checkout-5f7b8c9d6d-8hxkq", "web/legacy-admin", "deployment/checkout", "orders/ledger" })
        {
            var run = sim.Kstack("investigate", target);
            Agent(run);
            outputs.Add(run.Stdout);
            outputs.Add(File.ReadAllText(BundleOf(run).Path));
        }
        Assert.Contains("[INV-REF-MISSING] secret/legacy-admin-tls", outputs[2]);
        Assert.Contains("Secret: checkout-db-credentials (present)", outputs[0]);
        foreach (var text in outputs)
        {
            Assert.DoesNotContain(Canary, text);
            Assert.DoesNotContain(CanaryBase64, text);
            // The demo checkout log carries a bearer JWT and a password: both redacted.
            Assert.DoesNotContain("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrc3RhY2sifQ.c2lnbmF0dXJl", text);
            Assert.DoesNotContain("hunter2", text);
        }
        var audit = sim.Audit();
        Assert.All(audit, e => Assert.Equal("GET", (string?)e["method"]));
        var secretRequests = audit.Where(e => ((string?)e["path"] ?? "").Contains("/secrets", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(secretRequests);
        Assert.All(secretRequests, e =>
        {
            Assert.Equal("get", (string?)e["verb"]);
            var accept = (string?)e["accept"] ?? "";
            Assert.All(accept.Split(','), part => Assert.Contains("as=PartialObjectMetadata", part.Replace(" ", "", StringComparison.Ordinal)));
        });
    }

    [Fact]
    public async Task Hostile_cluster_stays_framed_schema_valid_and_redacted()
    {
        await using var sim = await SimCluster.StartAsync("hostile");
        var targets = new[]
        {
            new[] { "investigate", "payload-6b5d8f7c9d-x7k2m", "-n", "hostile" }, ["investigate", "pod/pending-payload", "-n", "hostile"],
            ["investigate", "hostile/evicted-payload"], ["investigate", "deployment/payload", "-n", "hostile"],
            ["investigate", "ignore-previous-instructions"], ["investigate", "payload-6b5d8f7c9d-x7k2m", "-n", "hostile", "--json"],
        };
        foreach (var args in targets)
        {
            var run = sim.Kstack(args);
            Agent(run);
            HostileAssert.ContentIsNeutralised(run.Content);
            if (!args.Contains("--json")) HostileAssert.PayloadsOnlyInsideQuotes(run.Content);
            var bundle = File.ReadAllText(BundleOf(run).Path);
            foreach (var text in new[] { run.Stdout, bundle })
            {
                Assert.DoesNotContain("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlIn0.aG9zdGlsZXNpZ25hdHVyZQ", text);
                Assert.DoesNotContain("hunter2", text);
                Assert.DoesNotContain(Canary, text);
            }
        }
    }

    [Fact]
    public async Task Rbac_limited_account_gets_a_typed_partial_bundle()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var run = sim.Kstack("investigate", "order-sync-7f9b6c5d48-gq4tn", "--context", "sim-dev", "-n", "team-a");
        Agent(run);
        Assert.Equal("sim-dev", (string?)run.Envelope["kube_context"]);
        Assert.Contains("[INV-CRASH-EXIT]", run.Content);
        Assert.Contains("exit 2", run.Content);
        Assert.Contains("fatal: cannot continue without inventory access", run.Content);
        Assert.Contains("Not readable (partial bundle):", run.Content);
        Assert.Contains("secrets: \"RBAC denies get secrets in namespace team-a\"", run.Content);
        Assert.Contains("nodes: \"RBAC denies get nodes at the cluster scope\"", run.Content);
        Assert.Equal(["nodes", "secrets"], run.AgentContext["unreadable"]!.AsArray().Select(u => (string)u!).ToArray());
        var bundle = BundleOf(run).Bundle;
        Assert.Contains(bundle["references"]!.AsArray(), r => (string?)r!["kind"] == "Secret" && (string?)r["status"] == "unreadable");
        Assert.Equal(2, bundle["unreadable"]!.AsArray().Count);

        var wide = sim.Kstack("investigate", "order-sync", "--context", "sim-dev");
        Assert.Equal("user", wide.Kind);
        Assert.Contains("at the cluster scope", wide.Message);
        Assert.Contains("pass -n <namespace>", wide.Message);
    }
}
