using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.ClusterStatus;

/// <summary>/cluster-status through the built binary against kstack-sim over real HTTPS.</summary>
public class ClusterStatusSimTests
{
    [Fact]
    public async Task Demo_cluster_gives_the_golden_summary_and_a_ranked_issues_block()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("cluster-status").AssertOk();
        var lines = run.Content.Split('\n');
        Assert.Equal("verbatim", (string?)run.Envelope["render"]);
        Assert.Equal("sim-admin", (string?)run.Envelope["kube_context"]);
        Assert.Equal("Cluster: sim-admin · Kubernetes v1.31.2 · linux/amd64", lines[0]);
        Assert.Equal("Nodes  4/5 Ready · 1 pressure · 1 unschedulable · 1 control-plane, 4 worker", lines[2]);
        Assert.Equal("Pods   29/37 Ready · 3 pod(s) with restarts", lines[3]);
        Assert.Matches(@"^Issues \(\d+\):$", lines[5]);
        // The rows do not fit 120 columns with their owners, so each owner or message takes the line below its row.
        Assert.StartsWith("  node/worker-d ", lines[6]);
        Assert.Contains("NotReady", lines[6]);
        Assert.Equal("      \"Kubelet stopped posting node status.\"", lines[7]);
        Assert.StartsWith("  orders/ledger-6f7d9c5b84-x2k4p ", lines[8]);
        Assert.Contains("CrashLoopBackOff (OOMKilled, exit 137)", lines[8]);
        Assert.Contains("23 restarts", lines[8]);
        Assert.Equal("      owner Deployment/ledger", lines[9]);
        Assert.StartsWith("  orders/order-events-consumer-1 ", lines[10]);
        Assert.Equal("      owner StatefulSet/order-events-consumer", lines[11]);
        Assert.Contains("ImagePullBackOff", lines[12]);
        Assert.Equal("      owner Deployment/frontend", lines[13]);
        Assert.Matches(@"^  …and \d+ more$", lines[16]);
        Assert.StartsWith("Snapshot cached (TTL 15m). Ask to drill in", lines[^1]);
        Assert.True(run.Content.Length < 2000);
        // The table (everything above the closing sentence) fits 120 columns.
        Assert.All(lines[..^1], l => Assert.True(l.Length <= 120, $"{l.Length}: {l}"));
    }

    [Fact]
    public async Task The_cache_holds_kubectl_style_lists_and_a_second_run_reuses_it()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var first = sim.Kstack("cluster-status").AssertOk();
        var ctx = first.AgentContext;
        var dir = first.CacheDir;
        Assert.Equal("pods.json", (string?)ctx["files"]!["pods"]);
        Assert.Equal(5, (int)ctx["counts"]!["nodes"]!);
        Assert.Equal(38, (int)ctx["counts"]!["pods"]!);

        using (var pods = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "pods.json"))))
        {
            Assert.Equal("List", pods.RootElement.GetProperty("kind").GetString());
            var podItems = pods.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(38, podItems.Count);
            Assert.All(podItems, p =>
            {
                Assert.Equal("Pod", p.GetProperty("kind").GetString());
                Assert.Equal("v1", p.GetProperty("apiVersion").GetString());
                Assert.False(p.GetProperty("metadata").TryGetProperty("managedFields", out _));
            });
        }
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories));

        var requests = sim.Audit().Count;
        var second = sim.Kstack("cluster-status").AssertOk();
        Assert.Equal(requests, sim.Audit().Count);
        Assert.StartsWith("Used cached snapshot (", second.Content.Split('\n')[^1]);
        // Same report from the cache; only the "for 4m"-style durations may have moved on between the runs.
        static string[] Lines(string content) => content.Split('\n')[..^1].Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\b\d+[smhd]\b", "N")).ToArray();
        Assert.Equal(Lines(first.Content), Lines(second.Content));
        Assert.True(File.Exists(Path.Combine(dir, "cluster-status.report.json")));

        // A changed input invalidates the cached report: drop every pod but one and the summary follows.
        var podsPath = Path.Combine(dir, "pods.json");
        var list = JsonNode.Parse(File.ReadAllText(podsPath))!.AsObject();
        var items = list["items"]!.AsArray();
        while (items.Count > 1) items.RemoveAt(items.Count - 1);
        File.WriteAllText(podsPath, list.ToJsonString());
        var third = sim.Kstack("cluster-status").AssertOk();
        Assert.Contains("\nPods   ", third.Content);
        Assert.DoesNotContain("29/37 Ready", third.Content);
        Assert.Equal(1, (int)third.AgentContext["counts"]!["pods"]!);

        sim.Kstack("cluster-status", "--refresh").AssertOk();
        Assert.True(sim.Audit().Count > requests);
    }

    [Fact]
    public async Task Json_output_is_a_bounded_document_for_the_agent()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("cluster-status", "--json").AssertOk();
        Assert.Equal("agent", (string?)run.Envelope["render"]);
        var doc = JsonNode.Parse(run.Content)!.AsObject();
        Assert.Equal(5, (int)doc["nodes"]!["total"]!);
        Assert.Equal(37, (int)doc["pods"]!["total"]!);
        var top = doc["issues"]!.AsArray()[0]!.AsObject();
        Assert.Equal("CS-NODE-NOTREADY", (string?)top["check"]);
        Assert.Contains(doc["issues"]!.AsArray(), i => (string?)i!["owner"] == "Deployment/ledger" && (int)i["restarts"]! == 23);
    }

    [Fact]
    public async Task A_namespace_scoped_user_gets_typed_partial_answers_without_retry_loops()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var wide = sim.Kstack("cluster-status", "--context", "sim-dev").AssertOk();
        Assert.Contains("\nNodes  not readable: RBAC denies list nodes\n", wide.Content);
        Assert.Contains("\nPods   not readable: RBAC denies list pods at the cluster scope (try --namespace <ns>)\n", wide.Content);
        Assert.Equal("sim-dev", (string?)wide.Envelope["kube_context"]);

        var scoped = sim.Kstack("cluster-status", "--context", "sim-dev", "-n", "team-a").AssertOk();
        Assert.Contains("\nNamespace: team-a\n", scoped.Content);
        Assert.Contains("\nPods   2/3 Ready · 1 pod(s) with restarts\n", scoped.Content);
        Assert.Contains("team-a/order-sync-7f9b6c5d48-gq4tn", scoped.Content);
        Assert.Contains("Deployment/order-sync", scoped.Content);

        var denied = sim.Audit().Where(e => (string?)e["user"] == "dev" && (int)e["status"]! == 403).ToList();
        Assert.NotEmpty(denied);
        Assert.All(denied.GroupBy(e => (string?)e["path"]), g => Assert.True(g.Count() <= 2, $"{g.Key} was requested {g.Count()} times"));
    }

    [Fact]
    public async Task Json_for_a_namespace_scoped_user_names_what_is_not_readable()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var run = sim.Kstack("cluster-status", "--context", "sim-dev", "--json").AssertOk();
        var doc = JsonNode.Parse(run.Content)!.AsObject();
        Assert.Null(doc["nodes"]);
        Assert.True(doc.ContainsKey("nodes"));
        Assert.Null(doc["pods"]);
        Assert.Equal("RBAC denies list nodes", (string?)doc["nodesUnreadable"]);
        Assert.StartsWith("RBAC denies list pods", (string?)doc["podsUnreadable"]);
        Assert.Equal(0, (int)doc["issuesTotal"]!);
    }

    [Fact]
    public async Task Hostile_cluster_text_never_escapes_its_frame()
    {
        await using var sim = await SimCluster.StartAsync("hostile");
        foreach (var args in new[] { new[] { "cluster-status" }, ["cluster-status", "--json"], ["events"], ["events", "--json"] })
        {
            var run = sim.Kstack(args).AssertOk();
            HostileAssert.ContentIsNeutralised(run.Content);
            if (!args.Contains("--json")) HostileAssert.PayloadsOnlyInsideQuotes(run.Content);
        }
    }

    [Fact]
    public async Task Read_only_skills_send_only_reads_and_never_touch_secrets()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        sim.Kstack("cluster-status").AssertOk();
        sim.Kstack("events").AssertOk();
        var audit = sim.Audit();
        Assert.NotEmpty(audit);
        Assert.All(audit, e => Assert.Equal("GET", (string?)e["method"]));
        Assert.All(audit, e => Assert.Contains((string?)e["verb"], new[] { "get", "list", "watch" }));
        Assert.DoesNotContain(audit, e => ((string?)e["path"] ?? "").Contains("secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eight_concurrent_runs_leave_consistent_cache_files()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => sim.Kstack(i % 2 == 0 ? "cluster-status" : "events", "--refresh"))));
        Assert.All(runs, r => r.AssertOk());
        var dir = runs[0].CacheDir;
        foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
            using (JsonDocument.Parse(File.ReadAllBytes(file))) { }
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Content_stays_small_on_a_generated_cluster()
    {
        await using var sim = await SimCluster.StartAsync("healthy", generatePods: 3000);
        var run = sim.Kstack("cluster-status").AssertOk();
        Assert.True(run.Content.Length < 2000, $"content was {run.Content.Length} characters");
        Assert.Contains("…and ", run.Content);
        using var pods = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run.CacheDir, "pods.json")));
        Assert.True(pods.RootElement.GetProperty("items").GetArrayLength() >= 3000);
    }
}
