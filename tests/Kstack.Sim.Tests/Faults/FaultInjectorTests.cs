using System.Diagnostics;
using System.Net;
using Xunit;

namespace Kstack.Sim.Tests.Faults;

public sealed class FaultInjectorTests
{
    private static async Task<SimServer> Start(string yaml)
    {
        var dir = TestSupport.TempDir();
        var path = Path.Combine(dir, "faults.yaml");
        await File.WriteAllTextAsync(path, yaml);
        return await TestSupport.StartBasic(faults: path);
    }

    [Fact]
    public async Task Status_with_retry_after_and_count()
    {
        await using var server = await Start("rules:\n- {method: GET, path: \"^/api/v1/pods$\", status: 429, retryAfter: 2, count: 2}\n");
        using var c = TestSupport.Client(server);
        for (var i = 0; i < 2; i++)
        {
            using var r = await c.GetAsync("/api/v1/pods");
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), r.Headers.RetryAfter?.Delta);
            Assert.Contains("\"reason\":\"TooManyRequests\"", await r.Content.ReadAsStringAsync());
        }
        using var ok = await c.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Latency_is_added()
    {
        await using var server = await Start("rules:\n- {path: \"/nodes\", latencyMs: 400}\n");
        using var c = TestSupport.Client(server);
        await c.GetAsync("/version");
        var sw = Stopwatch.StartNew();
        using var r = await c.GetAsync("/api/v1/nodes");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True(sw.ElapsedMilliseconds >= 380, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Connection_reset_fails_the_request()
    {
        await using var server = await Start("rules:\n- {path: \"/secrets\", reset: true, user: admin}\n");
        using var c = TestSupport.Client(server);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => c.GetAsync("/api/v1/secrets"));
        using var dev = TestSupport.Client(server, "dev-token-7f3a91");
        using var r = await dev.GetAsync("/api/v1/secrets");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Fact]
    public async Task Body_is_truncated()
    {
        await using var server = await Start("rules:\n- {path: \"/api/v1/pods\", truncateAfterBytes: 100}\n");
        using var c = TestSupport.Client(server);
        var e = await Record.ExceptionAsync(async () =>
        {
            using var r = await c.GetAsync("/api/v1/pods");
            var body = await r.Content.ReadAsStringAsync();
            Assert.Fail($"expected a broken body, got {body.Length} chars");
        });
        Assert.True(e is HttpRequestException or IOException, e?.ToString());
    }

    [Fact]
    public async Task Probability_zero_never_fires()
    {
        await using var server = await Start("rules:\n- {path: \".*\", status: 500, probability: 0.0}\n");
        using var c = TestSupport.Client(server);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/pods")).StatusCode);
    }

    [Fact]
    public async Task Bad_faults_file_names_the_rule()
    {
        var dir = TestSupport.TempDir();
        var path = Path.Combine(dir, "faults.yaml");
        await File.WriteAllTextAsync(path, "rules:\n- {path: \"/x\"}\n");
        var e = await Assert.ThrowsAsync<Kstack.Sim.Scenarios.ScenarioException>(() => TestSupport.StartBasic(faults: path));
        Assert.Contains("rules[0]", e.Message);
    }
}
