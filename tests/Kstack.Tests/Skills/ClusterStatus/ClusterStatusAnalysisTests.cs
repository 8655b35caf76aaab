using System.Text.Json;
using Kstack.Skills.ClusterStatus;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.ClusterStatus;

public class ClusterStatusAnalysisTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T10:05:00Z");

    private static NodeFacts Node(string json) => NodeFacts.From(JsonDocument.Parse(json).RootElement);
    private static PodFacts Pod(string json) => PodFacts.From(JsonDocument.Parse(json).RootElement);

    private static readonly NodeFacts[] GoldenNodes =
    [
        Node("""{"metadata":{"name":"cp-1","labels":{"node-role.kubernetes.io/control-plane":""}},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""),
        Node("""{"metadata":{"name":"w-1"},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"True"}]}}"""),
        Node("""{"metadata":{"name":"w-2","creationTimestamp":"2025-12-29T10:05:00Z"},"status":{"conditions":[{"type":"Ready","status":"False","message":"kubelet stopped"}]}}"""),
    ];

    private static readonly PodFacts[] GoldenPods =
    [
        Pod("""{"metadata":{"namespace":"a","name":"done"},"spec":{"containers":[{}]},"status":{"phase":"Succeeded"}}"""),
        Pod("""{"metadata":{"namespace":"a","name":"ok"},"spec":{"containers":[{},{}]},"status":{"phase":"Running","containerStatuses":[{"ready":true,"restartCount":1},{"ready":true,"restartCount":0}]}}"""),
        Pod("""{"metadata":{"namespace":"a","name":"flaky","creationTimestamp":"2026-01-01T09:23:00Z"},"spec":{"containers":[{}]},"status":{"phase":"Running","containerStatuses":[{"ready":false,"restartCount":3}]}}"""),
        Pod("""{"metadata":{"namespace":"b","name":"wait"},"spec":{"containers":[{}]},"status":{"phase":"Pending"}}"""),
    ];

    [Fact]
    public void Golden_summary_lines_match_the_reference_and_issues_are_ranked()
    {
        var report = ClusterStatusAnalysis.Analyse("kind-dev", "v1.31.2", "linux/amd64", null, GoldenNodes, null, GoldenPods, null, new OwnerIndex());
        var text = ClusterStatusRenderer.Text(report, "Snapshot cached (TTL 15m).", Now);
        var lines = text.Split('\n');
        Assert.Equal("Cluster: kind-dev · Kubernetes v1.31.2 · kind", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Equal("Nodes  2/3 Ready · 1 pressure · 1 unschedulable · 1 control-plane, 2 worker", lines[2]);
        Assert.Equal("Pods   1/3 Ready · 2 pod(s) with restarts", lines[3]);
        Assert.Equal("", lines[4]);
        Assert.Equal("Issues (4):", lines[5]);
        Assert.StartsWith("  node/w-2  NotReady", lines[6]);
        Assert.Contains("3d", lines[6]);
        Assert.Contains("\"kubelet stopped\"", lines[6]);
        Assert.StartsWith("  a/flaky", lines[7]);
        Assert.Contains("Running, not ready (0/1)", lines[7]);
        Assert.Contains("3 restarts", lines[7]);
        Assert.Contains("42m", lines[7]);
        Assert.StartsWith("  node/w-1  MemoryPressure", lines[8]);
        Assert.StartsWith("  b/wait", lines[9]);
        Assert.Contains("Pending", lines[9]);
        Assert.Equal("", lines[10]);
        Assert.Equal("Snapshot cached (TTL 15m). Ask to drill in — e.g. \"list nodes\", \"list pods\", \"pods on <node>\", \"which nodes are tainted\".", lines[11]);
    }

    [Theory]
    [InlineData("""{"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"reason":"OOMKilled","exitCode":137}},"restartCount":9}""", "CS-POD-CRASHLOOP", "CrashLoopBackOff (OOMKilled, exit 137)")]
    [InlineData("""{"state":{"waiting":{"reason":"ImagePullBackOff"}},"restartCount":0}""", "CS-POD-IMAGEPULL", "ImagePullBackOff")]
    [InlineData("""{"state":{"running":{}},"lastState":{"terminated":{"reason":"OOMKilled","exitCode":137}},"restartCount":2}""", "CS-POD-OOMKILLED", "OOMKilled, exit 137")]
    [InlineData("""{"state":{"waiting":{"reason":"CreateContainerConfigError"}},"restartCount":0}""", "CS-POD-WAITING", "CreateContainerConfigError")]
    public void Each_pod_check_classifies_its_state(string containerStatus, string checkId, string reason)
    {
        var pod = Pod("{\"metadata\":{\"namespace\":\"n\",\"name\":\"p\"},\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[" + (containerStatus) + "]}}");
        var issue = Assert.Single(ClusterStatusAnalysis.Analyse("c", "v1", null, null, [], null, [pod], null, new OwnerIndex()).Issues);
        Assert.Equal(checkId, issue.CheckId);
        Assert.Equal(reason, ClusterStatusRenderer.Reason(issue));
    }

    [Fact]
    public void Ranking_puts_crashloop_before_image_pull_before_pending_and_breaks_ties_by_restarts()
    {
        PodFacts P(string name, string status, string phase = "Running") => Pod("{\"metadata\":{\"namespace\":\"n\",\"name\":\"" + (name) + "\"},\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"" + (phase) + "\",\"containerStatuses\":[" + (status) + "]}}");
        var pods = new[]
        {
            P("pending", """{"state":{"waiting":{"reason":"ContainerCreating"}},"restartCount":0}""", "Pending"),
            P("pull", """{"state":{"waiting":{"reason":"ErrImagePull"}},"restartCount":0}"""),
            P("crash-few", """{"state":{"waiting":{"reason":"CrashLoopBackOff"}},"restartCount":2}"""),
            P("crash-many", """{"state":{"waiting":{"reason":"CrashLoopBackOff"}},"restartCount":40}"""),
        };
        var names = ClusterStatusAnalysis.Analyse("c", "v1", null, null, null, "x", pods, null, new OwnerIndex()).Issues.Select(i => i.Subject.Name);
        Assert.Equal(["crash-many", "crash-few", "pull", "pending"], names);
    }

    [Fact]
    public void Owner_walk_reaches_the_deployment_through_the_pod_template_hash_without_replicaset_data()
    {
        var pod = Pod("""{"metadata":{"namespace":"n","name":"web-7d9f-abc","labels":{"pod-template-hash":"7d9f"},"ownerReferences":[{"kind":"ReplicaSet","name":"web-7d9f","controller":true}]},"spec":{"containers":[{}]},"status":{"phase":"Pending"}}""");
        var issue = Assert.Single(ClusterStatusAnalysis.Analyse("c", "v1", null, null, null, "x", [pod], null, new OwnerIndex()).Issues);
        Assert.Equal("Deployment/web", issue.Owner);
    }

    [Fact]
    public void Owner_walk_uses_job_owners_for_cronjobs()
    {
        var owners = new OwnerIndex();
        owners.Add("n", "Job", "backup-290", new OwnerRef("CronJob", "backup"));
        var pod = Pod("""{"metadata":{"namespace":"n","name":"backup-290-x","ownerReferences":[{"kind":"Job","name":"backup-290","controller":true}]},"spec":{"containers":[{}]},"status":{"phase":"Pending"}}""");
        Assert.Equal("CronJob/backup", Assert.Single(ClusterStatusAnalysis.Analyse("c", "v1", null, null, null, "x", [pod], null, owners).Issues).Owner);
    }

    [Fact]
    public void A_clean_cluster_says_so_in_one_line()
    {
        var text = ClusterStatusRenderer.Text(ClusterStatusAnalysis.Analyse("c", "v1.30.0", null, null, [GoldenNodes[0]], null, [GoldenPods[1]], null, new OwnerIndex()), "Snapshot cached (TTL 15m).", Now);
        Assert.Contains("\nIssues: none — ", text);
    }

    [Fact]
    public void Unreadable_nodes_are_reported_and_pods_still_summarised()
    {
        var text = ClusterStatusRenderer.Text(ClusterStatusAnalysis.Analyse("c", "v1", null, "team-a", null, "RBAC denies list nodes", GoldenPods, null, new OwnerIndex()), "Snapshot cached (TTL 15m).", Now);
        Assert.Contains("\nNodes  not readable: RBAC denies list nodes\n", text);
        Assert.Contains("\nPods   1/3 Ready", text);
    }

    [Theory]
    [InlineData("v1.29.3-eks-adc7111", "x", "EKS")]
    [InlineData("v1.29.3-gke.1200", "x", "GKE")]
    [InlineData("v1.29.3+k3s1", "x", "k3s")]
    [InlineData("v1.29.3+rke2r1", "x", "RKE2")]
    [InlineData("v1.29.3", "gke_proj_zone_c", "GKE")]
    [InlineData("v1.29.3", "arn:aws:eks:us-east-1:1:cluster/c", "EKS")]
    [InlineData("v1.29.3", "prod-aks-east", "AKS")]
    [InlineData("v1.29.3", "prod", "linux/amd64")]
    public void Platform_detection(string gitVersion, string context, string expected) =>
        Assert.Equal(expected, ClusterStatusAnalysis.Platform(gitVersion, context, "linux/amd64"));

    [Fact]
    public void Content_stays_under_2000_characters_with_huge_hostile_names()
    {
        var longName = new string('n', 253);
        var pods = Enumerable.Range(0, 5000).Select(i => Pod("{\"metadata\":{\"namespace\":\"" + (new string('s', 63)) + "\",\"name\":\"" + (longName) + (i) + "\",\"ownerReferences\":[{\"kind\":\"StatefulSet\",\"name\":\"" + (longName) + "\",\"controller\":true}]},\"spec\":{\"containers\":[{}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"state\":{\"waiting\":{\"reason\":\"" + (new string('R', 500)) + "\",\"message\":\"" + (new string('m', 5000)) + "\"}},\"restartCount\":" + (i) + "}]}}")).ToList();
        var text = ClusterStatusRenderer.Text(ClusterStatusAnalysis.Analyse(new string('c', 400), new string('v', 400), null, null, GoldenNodes, null, pods, null, new OwnerIndex()), "Snapshot cached (TTL 15m).", Now);
        Assert.True(text.Length < 2000, $"content was {text.Length} characters");
        Assert.Contains("…and 4997 more", text);
    }

    [Fact]
    public async Task Rows_show_how_long_the_state_has_lasted_and_name_it_not_the_object_age()
    {
        using var t = new SkillTester()
            .Items(ListSpec.Nodes,
                """{"metadata":{"name":"worker-d","creationTimestamp":"2025-11-03T10:05:00Z"},"status":{"conditions":[{"type":"Ready","status":"False","lastTransitionTime":"2026-01-01T10:01:00Z"}]}}""",
                """{"metadata":{"name":"worker-e","creationTimestamp":"2025-11-03T10:05:00Z"},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"DiskPressure","status":"True","lastTransitionTime":"2026-01-01T09:50:00Z"}]}}""")
            .Items(ListSpec.Pods,
                """{"metadata":{"namespace":"n","name":"crash","creationTimestamp":"2025-12-01T00:00:00Z"},"spec":{"containers":[{"name":"app"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False","lastTransitionTime":"2026-01-01T09:53:00Z"}],"containerStatuses":[{"name":"app","ready":false,"restartCount":9,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}""",
                """{"metadata":{"namespace":"n","name":"gone","creationTimestamp":"2025-12-01T00:00:00Z"},"spec":{"containers":[{"name":"app"}]},"status":{"phase":"Failed","reason":"Evicted","conditions":[{"type":"DisruptionTarget","status":"True","lastTransitionTime":"2026-01-01T08:05:00Z"}]}}""",
                """{"metadata":{"namespace":"n","name":"stuck","creationTimestamp":"2025-12-01T00:00:00Z"},"spec":{"containers":[{"name":"app"}]},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","lastTransitionTime":"2026-01-01T10:04:30Z"}]}}""");
        var report = await t.ClusterStatusAsync();
        var text = ClusterStatusRenderer.Text(report, "Snapshot cached (TTL 15m).", SkillTester.Now);
        string Row(string name) => text.Split('\n').Single(l => l.Contains(name, StringComparison.Ordinal));
        Assert.Contains("NotReady for 4m", Row("node/worker-d"));
        Assert.DoesNotContain("59d", Row("node/worker-d"));
        Assert.Contains("DiskPressure for 15m", Row("node/worker-e"));
        Assert.Contains("not ready for 12m", Row("n/crash"));
        Assert.Contains("evicted 2h ago", Row("n/gone"));
        Assert.Contains("unschedulable for 30s", Row("n/stuck"));

        var json = System.Text.Json.Nodes.JsonNode.Parse(ClusterStatusRenderer.Json(report, "/c", false, SkillTester.Now))!;
        var node = json["issues"]!.AsArray().Single(i => (string?)i!["name"] == "worker-d")!;
        Assert.Equal("NotReady", (string?)node["state"]);
        Assert.Equal(240, (long)node["stateSeconds"]!);
        Assert.Equal(59 * 86400, (long)node["ageSeconds"]!);
        Assert.Null(node["namespace"]);
    }

    [Fact]
    public void Json_values_are_plain_strings_without_text_mode_escaping()
    {
        var pod = Pod("""{"metadata":{"namespace":"n","name":"p"},"spec":{"containers":[{}]},"status":{"phase":"Running","containerStatuses":[{"ready":false,"restartCount":0,"state":{"waiting":{"reason":"CreateContainerConfigError","message":"secret \"db\" not found"}}}]}}""");
        var report = ClusterStatusAnalysis.Analyse("c", "v1", null, null, [], null, [pod], null, new OwnerIndex());
        var issue = System.Text.Json.Nodes.JsonNode.Parse(ClusterStatusRenderer.Json(report, "/c", false, Now))!["issues"]![0]!;
        Assert.Equal("secret \"db\" not found", (string?)issue["detail"]);
        Assert.Equal("CS-POD-WAITING", (string?)issue["check"]);
        Assert.Equal("status.containerStatuses[].state.waiting.reason", (string?)issue["path"]);
    }
}
