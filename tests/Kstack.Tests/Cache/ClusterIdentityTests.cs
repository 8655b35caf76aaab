using Kstack.Cache;
using Kstack.Kube;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Cache;

public class ClusterIdentityTests
{
    [Fact]
    public async Task Two_simulators_under_one_context_name_never_share_a_snapshot()
    {
        await using var healthy = await SimCluster.StartAsync("healthy");
        await using var demo = await SimCluster.StartAsync("demo");
        var root = Path.Combine(healthy.Dir, "shared-root");
        SimCluster.Run Status(SimCluster sim) => SimCluster.KstackIn(new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = sim.Server.KubeconfigPath, ["KSTACK_ROOT"] = root, ["HOME"] = sim.Home,
        }, "cluster-status");

        var first = Status(healthy).AssertOk();
        Assert.Equal("sim-admin", (string?)first.Envelope["kube_context"]);
        Assert.Contains("Issues: none", first.Content);
        Assert.Null(first.Envelope["notice"]);

        // Same context name, another cluster: a fresh read of the broken cluster, and a notice saying why.
        var second = Status(demo).AssertOk();
        Assert.Equal("sim-admin", (string?)second.Envelope["kube_context"]);
        Assert.DoesNotContain("Issues: none", second.Content);
        Assert.Contains("node/worker-d", second.Content);
        Assert.DoesNotContain("Used cached snapshot", second.Content);
        var notice = (string?)second.Envelope["notice"] ?? "";
        Assert.Contains("Context `sim-admin` now reaches a different cluster identity", notice);
        Assert.Contains(demo.Server.Url, notice);
        Assert.Contains(healthy.Server.Url, notice);
        Assert.Contains("discarded", notice);
        Assert.NotEqual(first.CacheDir, second.CacheDir);
        Assert.False(Directory.Exists(first.CacheDir), "the previous identity's snapshot is discarded");

        // Unchanged identity: the cache is reused and nothing is announced.
        var third = Status(demo).AssertOk();
        Assert.Null(third.Envelope["notice"]);
        Assert.Contains("Used cached snapshot", third.Content);

        var back = Status(healthy).AssertOk();
        Assert.Contains("Issues: none", back.Content);
        Assert.Contains("different cluster identity", (string?)back.Envelope["notice"] ?? "");
    }

    [Fact]
    public void Identity_covers_server_ca_and_user_but_not_the_context_name()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-identity-").FullName;
        try
        {
            string Write(string name, string server, string ca, string user)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllText(path, $"""
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: c
                      cluster:
                        server: {server}
                        certificate-authority-data: {ca}
                    users:
                    - name: {user}
                      user:
                        token: t
                    contexts:
                    - name: same
                      context:
                        cluster: c
                        user: {user}
                    current-context: same
                    """);
                return path;
            }
            ClusterIdentity Id(string path) => ClusterIdentity.Of(Kubeconfig.Load([path]), "same")!;
            var a = Id(Write("a", "https://127.0.0.1:1", "QUJD", "admin"));
            Assert.Equal(a, Id(Write("a2", "https://127.0.0.1:1", "QUJD", "admin")));
            Assert.NotEqual(a.Key, Id(Write("b", "https://127.0.0.1:2", "QUJD", "admin")).Key);
            Assert.NotEqual(a.Key, Id(Write("c", "https://127.0.0.1:1", "REVG", "admin")).Key);
            Assert.NotEqual(a.Key, Id(Write("d", "https://127.0.0.1:1", "QUJD", "dev")).Key);
            Assert.Null(ClusterIdentity.Of(Kubeconfig.Load([Path.Combine(dir, "a")]), "other"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
