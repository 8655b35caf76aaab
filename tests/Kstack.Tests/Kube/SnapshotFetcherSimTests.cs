using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Kube;

/// <summary>The cluster reader under a sick API server (kstack-sim faults), through the built binary.</summary>
public class SnapshotFetcherSimTests
{
    private const string Pods = "\"^/api/v1/pods\"";

    /// <summary>A kstack root filled from a healthy simulator, refreshed against a faulty one serving the same scenario.</summary>
    private static async Task<(SimCluster.Run Run, string Before, string After, SimCluster Faulty)> RefreshAgainstFaults(string rules, params string[] extra)
    {
        var (root, oldDir) = await CacheHandOver.WarmAsync("healthy", "cluster-status");
        var before = File.ReadAllText(Path.Combine(oldDir, "pods.json"));
        var faulty = await SimCluster.StartAsync("healthy", "rules:\n" + rules);
        var podsFile = Path.Combine(CacheHandOver.MoveTo(root, oldDir, faulty), "pods.json");
        var run = faulty.KstackWith(root, ["cluster-status", "--refresh", .. extra]);
        return (run, before, File.ReadAllText(podsFile), faulty);
    }

    [Fact]
    public async Task A_persistent_500_is_an_infra_error_naming_pods_and_keeps_the_previous_cache()
    {
        var (run, before, after, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, status: 500}}\n");
        await using var _ = sim;
        Assert.Equal("infra", run.Kind);
        Assert.StartsWith("Unable to fetch pods for context `sim-admin` (HTTP 500", run.Message);
        Assert.EndsWith("; 3 attempts). The previous cache file was kept.", run.Message);
        Assert.Equal(before, after);
        Assert.Equal(3, sim.Audit().Count(e => ((string?)e["path"])!.StartsWith("/api/v1/pods", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_and_succeeds()
    {
        var (run, _, _, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, status: 429, retryAfter: 1, count: 1}}\n");
        await using var _ = sim;
        run.AssertOk();
        var pods = sim.Audit().Where(e => ((string?)e["path"])!.StartsWith("/api/v1/pods", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 200], pods.Select(e => (int)e["status"]!));
    }

    [Fact]
    public async Task A_reset_connection_is_retried()
    {
        var (run, _, _, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, reset: true, count: 1}}\n");
        await using var _ = sim;
        run.AssertOk();
    }

    [Fact]
    public async Task A_truncated_body_is_an_infra_error_and_keeps_the_previous_cache()
    {
        var (run, before, after, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, truncateAfterBytes: 300}}\n");
        await using var _ = sim;
        Assert.Equal("infra", run.Kind);
        Assert.StartsWith("Unable to fetch pods for context `sim-admin` (", run.Message);
        Assert.EndsWith("3 attempts).", run.Message.Replace(" The previous cache file was kept.", "", StringComparison.Ordinal));
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    public async Task A_denied_refresh_keeps_the_previous_file_and_says_it_is_stale(int status)
    {
        var (run, before, after, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, status: {status}}}\n");
        await using var _ = sim;
        run.AssertOk();
        Assert.Equal(before, after);
        Assert.Contains("Stale: pods from ", run.Content);
        Assert.Contains(status == 403 ? "(refresh failed: RBAC denies list pods)" : "(refresh failed: the API server does not serve pods)", run.Content);
        Assert.True(run.AgentContext["stale"]!.AsObject().ContainsKey("pods"));
        Assert.Contains("\nPods ", run.Content);
        Assert.DoesNotContain("not readable: RBAC denies list pods", run.Content);
    }

    [Fact]
    public async Task A_slow_server_times_out_per_request()
    {
        var (run, before, after, sim) = await RefreshAgainstFaults($"- {{path: {Pods}, latencyMs: 6000}}\n", "--timeout", "2s");
        await using var _ = sim;
        Assert.Equal("infra", run.Kind);
        // Pods are slow; on a loaded machine another list may miss the deadline first, so the message names either.
        Assert.Contains("no complete answer within 2s", run.Message);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_server_certificate_not_signed_by_the_kubeconfig_ca_is_refused()
    {
        await using var sim = await SimCluster.StartAsync("healthy");
        using var key = System.Security.Cryptography.ECDsa.Create();
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var otherPem = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(otherCa.ExportCertificatePem()));
        var lines = File.ReadAllLines(sim.Server.KubeconfigPath).Select(l =>
            l.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal)
                ? l[..l.IndexOf("certificate-authority-data:", StringComparison.Ordinal)] + "certificate-authority-data: " + otherPem
                : l);
        File.WriteAllLines(sim.Server.KubeconfigPath, lines);
        var run = sim.Kstack("cluster-status");
        Assert.Equal("infra", run.Kind);
        Assert.StartsWith("Unable to fetch ", run.Message);
        Assert.Contains("TLS certificate is not trusted by the kubeconfig's certificate authority", run.Message);
        Assert.DoesNotContain(sim.Audit(), e => (int)e["status"]! == 200);
    }
}
