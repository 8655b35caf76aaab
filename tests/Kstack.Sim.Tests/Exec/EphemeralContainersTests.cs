using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests.Exec;

/// <summary>PATCH pods/NAME/ephemeralcontainers, as real `kubectl debug` uses it, and attach to the added container.</summary>
public class EphemeralContainersTests
{
    private const string PodPath = "/api/v1/namespaces/team-a/pods/web-1";

    private static async Task<HttpResponseMessage> Patch(HttpClient c, string path, string body, string contentType = "application/strategic-merge-patch+json")
    {
        using var req = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await c.SendAsync(req);
    }

    private static string Container(string name, string image = "busybox:1.36") =>
        $$"""{"name":"{{name}}","image":"{{image}}","command":["sh"],"targetContainerName":"app","stdin":true,"tty":true}""";

    private static string Body(params string[] containers) => "{\"spec\":{\"ephemeralContainers\":[" + string.Join(',', containers) + "]}}";

    [Fact]
    public async Task Kubectl_debug_adds_a_running_ephemeral_container_and_attaches_a_shell_that_answers_hostname()
    {
        await using var server = await TestSupport.StartBasic();
        var home = TestSupport.TempDir();
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--kubeconfig", server.KubeconfigPath, "debug", "-i", "-n", "team-a", "web-1", "--target=app", "--image=busybox:1.36",
                     "--container=dbg", "--profile=general", "--", "sh" })
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = home;
        psi.Environment.Remove("KUBECONFIG");
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync("hostname\nexit\n");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Contains("root@web-1:/# web-1\n", await stdout);

        var pod = JsonDocument.Parse(server.Store.TryGet("v1", "Pod", "team-a", "web-1")!).RootElement;
        var added = pod.GetProperty("spec").GetProperty("ephemeralContainers").EnumerateArray().Single();
        Assert.Equal("dbg", added.GetProperty("name").GetString());
        Assert.Equal("app", added.GetProperty("targetContainerName").GetString());
        Assert.Equal("SYS_PTRACE", added.GetProperty("securityContext").GetProperty("capabilities").GetProperty("add")[0].GetString());
        var status = pod.GetProperty("status").GetProperty("ephemeralContainerStatuses").EnumerateArray().Single();
        Assert.Equal("dbg", status.GetProperty("name").GetString());
        Assert.False(status.GetProperty("ready").GetBoolean());
        Assert.True(status.GetProperty("state").GetProperty("running").TryGetProperty("startedAt", out _));
    }

    [Fact]
    public async Task Patch_emits_a_modified_event_and_returns_the_pod_with_a_new_resource_version()
    {
        await using var server = await TestSupport.StartBasic();
        using var c = TestSupport.Client(server);
        var before = (await TestSupport.GetJson(c, "/api/v1/namespaces/team-a/pods")).GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        using var watchResp = await c.GetAsync($"/api/v1/namespaces/team-a/pods?watch=true&fieldSelector=metadata.name%3Dweb-1&resourceVersion={before}",
            HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await watchResp.Content.ReadAsStreamAsync());

        using var r = await Patch(c, PodPath + "/ephemeralcontainers", Body(Container("dbg")));
        var text = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var pod = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Pod", pod.GetProperty("kind").GetString());
        var rv = pod.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        Assert.True(long.Parse(rv) > long.Parse(before));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var line = await reader.ReadLineAsync(cts.Token);
        var ev = JsonDocument.Parse(line!).RootElement;
        Assert.Equal("MODIFIED", ev.GetProperty("type").GetString());
        Assert.Equal(rv, ev.GetProperty("object").GetProperty("metadata").GetProperty("resourceVersion").GetString());
        Assert.Equal("running", ev.GetProperty("object").GetProperty("status").GetProperty("ephemeralContainerStatuses")[0]
            .GetProperty("state").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task A_pod_body_is_accepted_existing_containers_are_kept_and_cannot_change()
    {
        await using var server = await TestSupport.StartBasic();
        using var c = TestSupport.Client(server);
        using (var first = await Patch(c, PodPath + "/ephemeralcontainers", Body(Container("one"))))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Older clients send the whole Pod with the complete list.
        using (var pod = await Patch(c, PodPath + "/ephemeralcontainers",
                   """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"team-a"},""" + Body(Container("one"), Container("two"))[1..],
                   "application/json"))
            Assert.Equal(HttpStatusCode.OK, pod.StatusCode);
        var stored = JsonDocument.Parse(server.Store.TryGet("v1", "Pod", "team-a", "web-1")!).RootElement;
        Assert.Equal(["one", "two"], stored.GetProperty("spec").GetProperty("ephemeralContainers").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(2, stored.GetProperty("status").GetProperty("ephemeralContainerStatuses").GetArrayLength());

        using var changed = await Patch(c, PodPath + "/ephemeralcontainers", Body(Container("one", "alpine")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        Assert.Contains("may not be changed", await changed.Content.ReadAsStringAsync());
        using var clash = await Patch(c, PodPath + "/ephemeralcontainers", Body(Container("app")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, clash.StatusCode);
        using var missing = await Patch(c, "/api/v1/namespaces/team-a/pods/nope/ephemeralcontainers", Body(Container("x")));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var other = await Patch(c, PodPath, """{"metadata":{"labels":{"a":"b"}}}""");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, other.StatusCode);
    }

    [Fact]
    public async Task A_user_without_patch_on_pods_ephemeralcontainers_is_denied()
    {
        await using var server = await TestSupport.StartBasic();
        using var dev = TestSupport.Client(server, "dev-token-7f3a91");
        var before = server.Store.TryGet("v1", "Pod", "team-a", "web-1");
        using var r = await Patch(dev, PodPath + "/ephemeralcontainers", Body(Container("dbg")));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var s = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("User \"dev\" cannot patch resource \"pods/ephemeralcontainers\"", s.GetProperty("message").GetString());
        Assert.Equal(before, server.Store.TryGet("v1", "Pod", "team-a", "web-1"));
    }
}
