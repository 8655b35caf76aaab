using System.Net;
using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests.Api;

[Collection("basic")]
public sealed class ApiHandlerTests(BasicServerFixture fx)
{
    private const string MetaList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

    [Fact]
    public async Task Metadata_only_secret_list_carries_no_data()
    {
        using var c = TestSupport.Client(fx.Server);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/secrets");
        req.Headers.TryAddWithoutValidation("Accept", MetaList + ",application/json");
        using var resp = await c.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.DoesNotContain("c3VwZXItc2VjcmV0", text);
        Assert.DoesNotContain("not-for-agents", text);
        var doc = JsonDocument.Parse(text).RootElement;
        Assert.Equal("PartialObjectMetadataList", doc.GetProperty("kind").GetString());
        Assert.Equal("meta.k8s.io/v1", doc.GetProperty("apiVersion").GetString());
        var items = doc.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(["apiVersion", "kind", "metadata"], i.EnumerateObject().Select(p => p.Name).Order().ToArray()));

        var single = await TestSupport.GetJson(c, "/api/v1/namespaces/team-b/secrets/db-password", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
        Assert.Equal("PartialObjectMetadata", single.GetProperty("kind").GetString());
        Assert.False(single.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Table_includes_partial_metadata_objects()
    {
        using var c = TestSupport.Client(fx.Server);
        var t = await TestSupport.GetJson(c, "/api/v1/namespaces/team-a/pods?limit=2", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("Table", t.GetProperty("kind").GetString());
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            t.GetProperty("columnDefinitions").EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToArray());
        var rows = t.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("PartialObjectMetadata", rows[0].GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("team-a", rows[0].GetProperty("object").GetProperty("metadata").GetProperty("namespace").GetString());
        Assert.True(t.GetProperty("metadata").TryGetProperty("continue", out _));
        Assert.Equal(4, t.GetProperty("metadata").GetProperty("remainingItemCount").GetInt32());
    }

    [Fact]
    public async Task Invalid_continue_token_is_bad_request()
    {
        using var c = TestSupport.Client(fx.Server);
        using var resp = await c.GetAsync("/api/v1/pods?limit=2&continue=bm90LWEtdG9rZW4");
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        var s = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Status", s.GetProperty("kind").GetString());
        Assert.Equal("BadRequest", s.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Missing_or_wrong_token_is_unauthorized()
    {
        using var c = TestSupport.Client(fx.Server, "wrong-token");
        using var resp = await c.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        Assert.Contains("\"message\":\"Unauthorized\"", await resp.Content.ReadAsStringAsync());
        c.DefaultRequestHeaders.Authorization = null;
        using var anon = await c.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, anon.StatusCode);
        using var version = await c.GetAsync("/version");
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task Self_subject_rules_review_lists_the_users_rules()
    {
        using var c = TestSupport.Client(fx.Server, "dev-token-7f3a91");
        var body = new StringContent("""{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"team-a"}}""",
            System.Text.Encoding.UTF8, "application/json");
        using var resp = await c.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", body);
        Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        var status = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.GetProperty("status");
        Assert.Contains(status.GetProperty("resourceRules").EnumerateArray(),
            r => r.GetProperty("resources").EnumerateArray().Any(x => x.GetString() == "pods/log"));
        Assert.False(status.GetProperty("incomplete").GetBoolean());
    }

    [Fact]
    public async Task Watch_streams_added_then_deleted()
    {
        await using var server = await TestSupport.StartBasic();
        using var c = TestSupport.Client(server);
        var list = await TestSupport.GetJson(c, "/api/v1/namespaces/team-b/configmaps");
        var rv = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        using var resp = await c.GetAsync($"/api/v1/namespaces/team-a/pods?watch=true&resourceVersion={rv}&timeoutSeconds=10", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        using var del = await c.DeleteAsync("/api/v1/namespaces/team-a/pods/worker-2");
        Assert.Equal(HttpStatusCode.OK, del.StatusCode);
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var ev = JsonDocument.Parse(line!).RootElement;
        Assert.Equal("DELETED", ev.GetProperty("type").GetString());
        Assert.Equal("worker-2", ev.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Followed_log_receives_appended_lines()
    {
        await using var server = await TestSupport.StartBasic();
        using var c = TestSupport.Client(server);
        using var resp = await c.GetAsync("/api/v1/namespaces/team-a/pods/web-1/log?follow=true&tailLines=1", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        Assert.Equal("GET /api/items 200", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        server.AppendLog("team-a", "web-1", "app", "GET /late 503");
        Assert.Equal("GET /late 503", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Log_errors_are_the_real_messages()
    {
        using var c = TestSupport.Client(fx.Server);
        using var badContainer = await c.GetAsync("/api/v1/namespaces/team-a/pods/web-1/log?container=nope");
        Assert.Equal(HttpStatusCode.BadRequest, badContainer.StatusCode);
        Assert.Contains("container nope is not valid for pod web-1", await badContainer.Content.ReadAsStringAsync());
        using var limited = await c.GetAsync("/api/v1/namespaces/team-a/pods/web-1/log?limitBytes=8");
        Assert.Equal("starting", await limited.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/namespaces/team-a/gizmos")]
    [InlineData("/apis/apps/v1/namespaces/team-a")]
    [InlineData("/apis/nope.example.com/v1")]
    public async Task Unknown_paths_are_404_status(string path)
    {
        using var c = TestSupport.Client(fx.Server);
        using var r = await c.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cluster_scoped_list_needs_cluster_wide_rights()
    {
        using var dev = TestSupport.Client(fx.Server, "dev-token-7f3a91");
        using var r = await dev.GetAsync("/api/v1/pods");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var s = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" at the cluster scope", s.GetProperty("message").GetString());
        Assert.Equal("pods", s.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal(403, s.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Log_since_time_and_timestamps()
    {
        using var c = TestSupport.Client(fx.Server);
        var text = await c.GetStringAsync("/api/v1/namespaces/team-a/pods/web-1/log?sinceTime=2024-05-01T10:04:00Z&timestamps=true");
        Assert.Equal("2024-05-01T10:05:00.000000000Z GET /healthz 200\n2024-05-01T10:06:00.000000000Z GET /api/items 200\n", text);
        var recent = await c.GetStringAsync("/api/v1/namespaces/team-a/pods/crash-1/log?sinceSeconds=150");
        Assert.Equal("connecting to db\npanic: connection refused\n", recent);
    }

    [Fact]
    public async Task Aggregated_discovery_when_asked_legacy_otherwise()
    {
        using var c = TestSupport.Client(fx.Server);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/apis");
        req.Headers.TryAddWithoutValidation("Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        using var resp = await c.SendAsync(req);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", resp.Content.Headers.ContentType!.ToString().Replace(" ", ""));
        var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("APIGroupDiscoveryList", doc.GetProperty("kind").GetString());
        var apps = doc.GetProperty("items").EnumerateArray().Single(g => g.GetProperty("metadata").GetProperty("name").GetString() == "apps");
        var deploy = apps.GetProperty("versions")[0].GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("resource").GetString() == "deployments");
        Assert.Equal("Namespaced", deploy.GetProperty("scope").GetString());
        Assert.Equal("deploy", deploy.GetProperty("shortNames")[0].GetString());
        Assert.Contains(doc.GetProperty("items").EnumerateArray(), g => g.GetProperty("metadata").GetProperty("name").GetString() == "karpenter.sh");

        var legacy = await TestSupport.GetJson(c, "/apis", "application/json");
        Assert.Equal("APIGroupList", legacy.GetProperty("kind").GetString());
    }
}
