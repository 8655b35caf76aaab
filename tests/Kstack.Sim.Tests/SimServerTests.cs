using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests;

/// <summary>Real kubectl 1.32 against an in-process server, through the generated kubeconfig (CA verified, token auth).</summary>
[Collection("basic")]
public sealed class SimServerTests(BasicServerFixture fx)
{
    private SimServer Server => fx.Server;

    [Fact]
    public async Task Get_pods_all_namespaces_prints_server_side_table()
    {
        var r = await TestSupport.Kubectl(Server, "get", "pods", "-A");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", lines[0]);
        Assert.Equal(12, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith("team-a") && l.Contains("crash-1") && l.Contains("CrashLoopBackOff") && l.Contains("7 ("));
        Assert.Contains(lines, l => l.Contains("pending-1") && l.Contains("0/1"));
    }

    [Fact]
    public async Task Get_pods_json_in_chunks_returns_every_pod()
    {
        var r = await TestSupport.Kubectl(Server, "get", "pods", "-A", "-o", "json", "--chunk-size=7");
        Assert.Equal(0, r.ExitCode);
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        var items = doc.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Server.Store.Count("v1", "Pod"), items.Count);
        Assert.Equal(12, items.Count);
        Assert.All(items, i => Assert.Equal("Pod", i.GetProperty("kind").GetString()));
        Assert.Contains(File.ReadLines(fx.AuditPath), l => l.Contains("\"limit=7") || l.Contains("limit=7"));
    }

    [Fact]
    public async Task Describe_pod_shows_its_events()
    {
        var r = await TestSupport.Kubectl(Server, "describe", "pod", "-n", "team-a", "crash-1");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("CrashLoopBackOff", r.Stdout);
        Assert.Contains("Back-off restarting failed container app in pod crash-1", r.Stdout);
        Assert.Contains("Restart Count:  7", r.Stdout);
    }

    [Fact]
    public async Task Logs_current_previous_and_tail()
    {
        var cur = await TestSupport.Kubectl(Server, "logs", "-n", "team-a", "web-1");
        Assert.Equal(0, cur.ExitCode);
        Assert.Equal("starting web server\nlistening on :8080\nGET /healthz 200\nGET /api/items 200\n", cur.Stdout);

        var prev = await TestSupport.Kubectl(Server, "logs", "-n", "team-a", "crash-1", "--previous");
        Assert.Equal(0, prev.ExitCode);
        Assert.Equal("booting\npanic: previous crash\n", prev.Stdout);

        var tail = await TestSupport.Kubectl(Server, "logs", "-n", "team-a", "web-1", "--tail=2");
        Assert.Equal("GET /healthz 200\nGET /api/items 200\n", tail.Stdout);

        var ts = await TestSupport.Kubectl(Server, "logs", "-n", "team-a", "web-1", "--timestamps", "--tail=1");
        Assert.StartsWith("2024-05-01T10:06:00.000000000Z GET /api/items 200", ts.Stdout);

        var noPrev = await TestSupport.Kubectl(Server, "logs", "-n", "team-a", "web-1", "--previous");
        Assert.NotEqual(0, noPrev.ExitCode);
        Assert.Contains("previous terminated container \"app\" in pod \"web-1\" not found", noPrev.Stderr);
    }

    [Fact]
    public async Task Auth_can_i_answers_from_rbac()
    {
        var dev = await TestSupport.Kubectl(Server, "auth", "can-i", "list", "secrets", "--context", "sim-dev");
        Assert.Equal("no", dev.Stdout.Trim());
        Assert.Equal(1, dev.ExitCode);
        var devPods = await TestSupport.Kubectl(Server, "auth", "can-i", "list", "pods", "-n", "team-a", "--context", "sim-dev");
        Assert.Equal("yes", devPods.Stdout.Trim());
        var admin = await TestSupport.Kubectl(Server, "auth", "can-i", "list", "secrets");
        Assert.Equal("yes", admin.Stdout.Trim());
        Assert.Equal(0, admin.ExitCode);
    }

    [Fact]
    public async Task Forbidden_namespace_gives_the_real_message()
    {
        var r = await TestSupport.Kubectl(Server, "get", "pods", "-n", "team-b", "--context", "sim-dev");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Error from server (Forbidden): pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-b\"", r.Stderr);
        var ok = await TestSupport.Kubectl(Server, "get", "pods", "-n", "team-a", "--context", "sim-dev");
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task Discovery_serves_short_names_and_crds()
    {
        var r = await TestSupport.Kubectl(Server, "api-resources");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", r.Stdout);
        Assert.Matches(@"nodepools\s+karpenter.sh/v1\s+false\s+NodePool", r.Stdout);
        Assert.Matches(@"events\s+ev\s+events.k8s.io/v1\s+true\s+Event", r.Stdout);
        var v = await TestSupport.Kubectl(Server, "version", "-o", "json");
        Assert.Equal("v1.31.2", JsonDocument.Parse(v.Stdout).RootElement.GetProperty("serverVersion").GetProperty("gitVersion").GetString());
        var nodes = await TestSupport.Kubectl(Server, "get", "no");
        Assert.Matches(@"node-1\s+Ready\s+control-plane\s+10d\s+v1.31.2", nodes.Stdout);
    }
}

/// <summary>Tests that change the store get their own server.</summary>
public sealed class SimServerWriteTests
{
    [Fact]
    public async Task Delete_pod_as_admin_then_it_is_gone()
    {
        await using var server = await TestSupport.StartBasic();
        var r = await TestSupport.Kubectl(server, "delete", "pod", "-n", "team-b", "api-2");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("pod \"api-2\" deleted", r.Stdout);
        Assert.Null(server.Store.TryGet("v1", "Pod", "team-b", "api-2"));
        var get = await TestSupport.Kubectl(server, "get", "pod", "-n", "team-b", "api-2");
        Assert.Contains("Error from server (NotFound): pods \"api-2\" not found", get.Stderr);
        var dev = await TestSupport.Kubectl(server, "delete", "pod", "-n", "team-a", "web-1", "--context", "sim-dev");
        Assert.Contains("cannot delete resource \"pods\"", dev.Stderr);
    }

    [Fact]
    public async Task Create_with_generate_name_and_dry_run()
    {
        await using var server = await TestSupport.StartBasic();
        var dir = TestSupport.TempDir();
        var file = Path.Combine(dir, "cm.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: probe-\n  namespace: team-a\ndata: {a: b}\n");
        var before = server.Store.Count("v1", "ConfigMap");
        var dry = await TestSupport.Kubectl(server, "create", "-f", file, "--validate=false", "--dry-run=server", "-o", "name");
        Assert.Equal(0, dry.ExitCode);
        Assert.StartsWith("configmap/probe-", dry.Stdout.Trim());
        Assert.Equal(before, server.Store.Count("v1", "ConfigMap"));
        var real = await TestSupport.Kubectl(server, "create", "-f", file, "--validate=false", "-o", "name");
        Assert.Equal(0, real.ExitCode);
        Assert.Equal(before + 1, server.Store.Count("v1", "ConfigMap"));
        var name = real.Stdout.Trim()["configmap/".Length..];
        Assert.NotNull(server.Store.TryGet("v1", "ConfigMap", "team-a", name));
    }
}
