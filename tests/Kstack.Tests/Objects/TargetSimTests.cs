using Kstack.Tests.Panes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Objects;

/// <summary>
/// One target grammar and one resolver for /investigate, /logs and /exec, through the built binary against kstack-sim
/// (scenario demo) and a private tmux server.
/// </summary>
public class TargetSimTests
{
    private const string LedgerPod = "ledger-6f7d9c5b84-x2k4p";

    private static (string Kind, string Ns, string Name) Investigated(SimCluster.Run run)
    {
        run.AssertOk();
        var t = run.AgentContext["target"]!;
        return ((string)t["kind"]!, (string)t["namespace"]!, (string)t["name"]!);
    }

    private static string Line(SimCluster.Run run, string prefix)
    {
        run.AssertOk();
        return run.Content.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Namespace_slash_name_resolves_the_same_object_for_investigate_logs_and_exec()
    {
        await using var box = await PaneSandbox.StartAsync("demo");
        Assert.Equal(("Deployment", "orders", "ledger"), Investigated(box.Kstack("investigate", "orders/ledger")));
        Assert.StartsWith("  Target:  deployment/ledger in namespace orders (selector ", Line(box.Kstack("logs", "orders/ledger"), "  Target:"));
        // /exec opens a shell in the workload's running pod; the container is picked, or given with -c.
        Assert.Equal($"  Target:     pod orders/{LedgerPod}, container ledger", Line(box.Kstack("exec", "orders/ledger"), "  Target:"));
        Assert.Equal($"  Target:     pod orders/{LedgerPod}, container ledger", Line(box.Kstack("exec", "orders/ledger", "-c", "ledger"), "  Target:"));
        Assert.Equal($"  Target:     pod orders/{LedgerPod}, container ledger", Line(box.Kstack("exec", "deployment/orders/ledger", "--container=ledger"), "  Target:"));
        Assert.Contains("has no container `nosuch`", box.Kstack("exec", "orders/ledger", "-c", "nosuch").Message);
        Assert.StartsWith("Metrics: sim-admin · deployment orders/ledger ·", box.Kstack("metrics", "orders/ledger").AssertOk().Content);
    }

    [Fact]
    public async Task A_bare_pod_name_is_found_across_namespaces_by_all_three()
    {
        await using var box = await PaneSandbox.StartAsync("demo");
        Assert.Equal(("Pod", "orders", LedgerPod), Investigated(box.Kstack("investigate", LedgerPod)));
        Assert.Equal($"  Target:  pod/{LedgerPod} in namespace orders", Line(box.Kstack("logs", LedgerPod), "  Target:"));
        Assert.Equal($"  Target:     pod orders/{LedgerPod}, container ledger", Line(box.Kstack("exec", LedgerPod), "  Target:"));
        Assert.StartsWith($"Metrics: sim-admin · pod orders/{LedgerPod} ·", box.Kstack("metrics", LedgerPod).AssertOk().Content);

        // The same miss gets the same answer (closest names) from each skill.
        foreach (var skill in new[] { "investigate", "logs", "exec" })
        {
            var miss = box.Kstack(skill, "ledger-6f7d9c5b84-x2k4q");
            Assert.Equal("user", miss.Kind);
            Assert.Contains("named \"ledger-6f7d9c5b84-x2k4q\" in the namespaces this account may list. Closest: ", miss.Message);
            Assert.Contains($"pod/orders/{LedgerPod}", miss.Message);
        }
    }

    [Fact]
    public async Task The_old_pod_slash_container_form_of_exec_points_to_the_container_flag()
    {
        await using var box = await PaneSandbox.StartAsync("demo");
        var old = box.Kstack("exec", $"{LedgerPod}/ledger");
        Assert.Equal("user", old.Kind);
        Assert.Contains("takes the container with -c/--container", old.Message);
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }

    [Theory]
    [InlineData("app=a=b")]
    [InlineData("app=(x")]
    [InlineData("=x")]
    [InlineData("a=b,,c")]
    public async Task Invalid_label_selectors_are_user_errors_naming_them(string selector)
    {
        await using var box = await PaneSandbox.StartAsync("demo");
        foreach (var skill in new[] { "logs", "exec" })
        {
            var run = box.Kstack(skill, selector, "-n", "orders");
            Assert.Equal("user", run.Kind);
            Assert.StartsWith($"Invalid label selector \"{selector}\": ", run.Message);
        }
        // The pane's follower checks the selector it is given too (it reports on stderr, in the pane).
        var follow = KstackProcess.Run(KstackProcess.KstackBin, ["logs", "follow", "--context=sim-admin", "--namespace=orders", $"--selector={selector}"], box.Env);
        Assert.Equal(2, follow.Exit);
        Assert.Contains($"Invalid label selector \"{selector}\": ", follow.Stderr);
        Assert.DoesNotContain(box.Sim.Audit(), e => ((string?)e["path"] ?? "").Contains("labelSelector", StringComparison.Ordinal));
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }

    [Fact]
    public async Task A_selector_the_api_server_rejects_is_a_user_error_naming_it()
    {
        const string faults = """
            rules:
            - path: "labelSelector=tier%3Dzzz"
              status: 400
            """;
        await using var box = await PaneSandbox.StartAsync("demo", faults);
        foreach (var skill in new[] { "logs", "exec" })
        {
            var run = box.Kstack(skill, "tier=zzz", "-n", "orders");
            Assert.Equal("user", run.Kind);
            Assert.StartsWith("The API server rejected the label selector \"tier=zzz\"", run.Message);
        }
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }

    [Fact]
    public async Task Custom_resource_kinds_are_discovered_and_named_in_the_answer()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-crd-scenario-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "widgets.yaml"), """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
                  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w1, namespace: shop}
                """);
            await using var sim = await SimCluster.StartMergedAsync(["healthy", dir]);
            var full = sim.Kstack("investigate", "wg/shop/w1");
            Assert.Equal("user", full.Kind);
            Assert.Contains("/investigate takes pod, deployment, statefulset, daemonset, cronjob, job, replicaset, not \"wg\" (Widget)", full.Message);
            var pair = sim.Kstack("investigate", "widgets.example.com/w1");
            Assert.Contains("not \"widgets.example.com\" (Widget)", pair.Message);
            var asNamespace = sim.Kstack("investigate", "widgets/w1");
            Assert.Contains("not \"widgets\" (Widget)", asNamespace.Message);
            var unknown = sim.Kstack("investigate", "wdget/shop/w1");
            Assert.Contains("Unknown kind \"wdget\". Closest: widget", unknown.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
