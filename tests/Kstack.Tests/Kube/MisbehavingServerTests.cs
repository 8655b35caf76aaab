using System.Text;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Kube;

/// <summary>
/// The built binary against <see cref="FakeApiServer"/>: whatever the server does, kstack exits 0 with one valid
/// envelope and a typed error (or a correct answer), within a bound proportional to --timeout.
/// </summary>
public class MisbehavingServerTests
{
    private const string Timeout = "2s";

    /// <summary>Generous: a few requests' worth of the 2s timeout plus process start; the unbounded runs took minutes.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static void AssertTypedWithin((SimCluster.Run Run, TimeSpan Elapsed) result, string kind, string? contains = null)
    {
        Assert.False(result.Run.Ok, result.Run.Stdout);
        Assert.Equal(kind, result.Run.Kind);
        if (contains is not null) Assert.Contains(contains, result.Run.Message);
        Assert.True(result.Elapsed < Bound, $"took {result.Elapsed} (bound {Bound}): {result.Run.Stdout}");
    }

    [Fact]
    public async Task Stalled_headers_end_in_an_infra_error_within_the_timeout()
    {
        await using var fake = new FakeApiServer((_, _, ct) => FakeApiServer.StallAsync(ct));
        AssertTypedWithin(fake.Kstack("cluster-status", "--timeout", Timeout), "infra", "no complete answer within 2s");
        AssertTypedWithin(fake.Kstack("investigate", "pod/default/web", "--timeout", Timeout), "infra");
    }

    [Fact]
    public async Task A_stalled_body_ends_in_an_infra_error_for_lists_and_single_objects()
    {
        await using var fake = new FakeApiServer(async (_, stream, ct) =>
        {
            await FakeApiServer.WriteHeadAsync(stream, 200, "application/json", 100_000, "", ct);
            await stream.WriteAsync("{\"kind\":\"PodList\",\"items\":["u8.ToArray(), ct);
            await stream.FlushAsync(ct);
            await FakeApiServer.StallAsync(ct);
        });
        AssertTypedWithin(fake.Kstack("cluster-status", "--timeout", Timeout), "infra");
        AssertTypedWithin(fake.Kstack("investigate", "pod/default/web", "--timeout", Timeout), "infra");
    }

    [Fact]
    public async Task A_byte_dripped_single_object_ends_within_the_timeout()
    {
        var body = Encoding.UTF8.GetBytes(FakeApiServer.Pod("web") + new string(' ', 20_000));
        await using var fake = new FakeApiServer(async (_, stream, ct) =>
        {
            await FakeApiServer.WriteHeadAsync(stream, 200, "application/json", body.Length, "", ct);
            foreach (var b in body)
            {
                await stream.WriteAsync(new[] { b }, ct);
                await stream.FlushAsync(ct);
                await Task.Delay(50, ct);
            }
        });
        AssertTypedWithin(fake.Kstack("investigate", "pod/default/web", "--timeout", Timeout), "infra", "within 2s");
    }

    [Fact]
    public async Task Lone_surrogate_escapes_read_as_replacement_characters_cold_and_warm()
    {
        const string hostile = "back\\ud800off \\udc00 end\\ud800";
        await using var fake = new FakeApiServer((r, stream, ct) => r.Path switch
        {
            "/version" => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.Version, ct),
            "/api/v1/pods" => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.PodList(
                FakeApiServer.Pod("web").Replace("\"phase\":\"Running\"", $"\"phase\":\"Pending\",\"message\":\"{hostile}\"", StringComparison.Ordinal)
                .Replace("\"uid\":\"uid-web\"", $"\"uid\":\"uid-web\",\"labels\":{{\"{hostile}\":\"{hostile}\"}}", StringComparison.Ordinal)), ct),
            "/api/v1/nodes" => FakeApiServer.WriteAsync(stream, 200,
                $$$"""{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"False","message":"{{{hostile}}}"}]}}]}""", ct),
            _ => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.EmptyList("List"), ct),
        });
        var cold = fake.Kstack("cluster-status").Run.AssertOk();
        var pods = Path.Combine(cold.CacheDir, "pods.json");
        Assert.DoesNotContain("\\ud800", File.ReadAllText(pods), StringComparison.OrdinalIgnoreCase);

        // A cache file written before the fix still holds the raw escapes: warm runs must read it too.
        File.WriteAllText(pods, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + FakeApiServer.Pod("web").Replace("\"app\"", $"\"{hostile}\"", StringComparison.Ordinal)
                                + "],\"metadata\":{\"resourceVersion\":\"1\"}}\n");
        fake.Kstack("cluster-status").Run.AssertOk();
        fake.Kstack("cluster-status", "--json").Run.AssertOk();
    }

    [Fact]
    public async Task A_repeated_continue_token_is_an_infra_error()
    {
        await using var fake = new FakeApiServer((r, stream, ct) => r.Path switch
        {
            "/version" => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.Version, ct),
            _ => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.PodList(FakeApiServer.Pod("p-" + (r.Param("continue") ?? "0")), cont: "again"), ct),
        });
        AssertTypedWithin(fake.Kstack("cluster-status", "--timeout", Timeout), "infra", "same continue token twice");
    }

    [Fact]
    public async Task Endless_fresh_continue_tokens_stop_at_the_page_limit()
    {
        var page = 0;
        await using var fake = new FakeApiServer((r, stream, ct) => r.Path switch
        {
            "/version" => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.Version, ct),
            _ => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.PodList(FakeApiServer.Pod("p"), cont: "t" + Interlocked.Increment(ref page)), ct),
        });
        var result = fake.KstackWith(new Dictionary<string, string?> { ["KSTACK_MAX_LIST_PAGES"] = "40" }, "cluster-status", "--timeout", Timeout);
        AssertTypedWithin(result, "infra", "limit of 40 pages");
        Assert.True(fake.Requests < 40 * 6, $"{fake.Requests} requests");
    }

    [Fact]
    public async Task A_redirect_to_another_origin_is_not_followed()
    {
        await using var fake = new FakeApiServer((_, stream, ct) =>
            FakeApiServer.WriteAsync(stream, 302, "", ct, extraHeaders: "Location: http://evil.example:8443/api/v1/pods\r\n"));
        var result = fake.Kstack("cluster-status", "--timeout", Timeout);
        AssertTypedWithin(result, "infra", "redirect to http://evil.example:8443");
        AssertTypedWithin(fake.Kstack("investigate", "pod/default/web", "--timeout", Timeout), "infra", "kstack does not follow redirects");
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "text/html")]
    [InlineData("\u0000\u0001garbage{{{", "application/json")]
    [InlineData("{\"kind\":\"PodList\",\"items\":\"not-an-array\"}", "application/json")]
    public async Task Garbage_and_html_bodies_are_infra_errors(string body, string contentType)
    {
        await using var fake = new FakeApiServer((_, stream, ct) => FakeApiServer.WriteAsync(stream, 200, body, ct, contentType));
        AssertTypedWithin(fake.Kstack("cluster-status", "--timeout", Timeout), "infra");
        if (!body.StartsWith('{')) AssertTypedWithin(fake.Kstack("investigate", "pod/default/web", "--timeout", Timeout), "infra");
    }

    [Fact]
    public async Task An_endless_string_is_cut_off_without_exhausting_memory()
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 1 << 16));
        await using var fake = new FakeApiServer(async (r, stream, ct) =>
        {
            if (r.Path == "/version") { await FakeApiServer.WriteAsync(stream, 200, FakeApiServer.Version, ct); return; }
            await FakeApiServer.WriteHeadAsync(stream, 200, "application/json", null, "", ct);
            await FakeApiServer.WriteChunkAsync(stream, Encoding.ASCII.GetBytes("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\""), ct);
            while (!ct.IsCancellationRequested) await FakeApiServer.WriteChunkAsync(stream, chunk, ct);
        });
        AssertTypedWithin(fake.Kstack("cluster-status", "--timeout", Timeout), "infra");
    }
}
