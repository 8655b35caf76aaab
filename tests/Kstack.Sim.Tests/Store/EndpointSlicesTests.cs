using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests.Store;

/// <summary>The EndpointSlices and v1 Endpoints the simulator keeps for Services, as kube-controller-manager would.</summary>
public sealed class EndpointSlicesTests
{
    private static Task<SimServer> Start() => SimServer.StartAsync(new SimOptions { Scenarios = ["audit-network"] });

    private static async Task<JsonElement> SliceOf(HttpClient c, string ns, string service)
    {
        var list = await TestSupport.GetJson(c, $"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D{service}");
        return Assert.Single(list.GetProperty("items").EnumerateArray().ToList());
    }

    [Fact]
    public async Task Each_selecting_service_gets_a_slice_with_readiness_and_resolved_ports()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        var shop = await SliceOf(c, "exposed", "shop");
        Assert.Equal("IPv4", shop.GetProperty("addressType").GetString());
        Assert.Equal("endpointslice-controller.k8s.io", shop.GetProperty("metadata").GetProperty("labels").GetProperty("endpointslice.kubernetes.io/managed-by").GetString());
        Assert.Equal("Service", shop.GetProperty("metadata").GetProperty("ownerReferences")[0].GetProperty("kind").GetString());
        var endpoints = shop.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(2, endpoints.Count);
        Assert.All(endpoints, e => Assert.True(e.GetProperty("conditions").GetProperty("ready").GetBoolean()));
        Assert.Equal("Pod", endpoints[0].GetProperty("targetRef").GetProperty("kind").GetString());
        Assert.Equal(8080, shop.GetProperty("ports")[0].GetProperty("port").GetInt32()); // targetPort "http" resolved
        Assert.Equal("http", shop.GetProperty("ports")[0].GetProperty("name").GetString());

        var sick = await SliceOf(c, "exposed", "sick");
        Assert.False(Assert.Single(sick.GetProperty("endpoints").EnumerateArray().ToList()).GetProperty("conditions").GetProperty("ready").GetBoolean());
        // A named targetPort no pod declares is dropped from the pods' port set.
        Assert.Empty((await SliceOf(c, "exposed", "badname")).GetProperty("ports").EnumerateArray());
        // A selector matching nothing still has its (empty) slice; ExternalName has none.
        Assert.Empty((await SliceOf(c, "exposed", "dead")).GetProperty("endpoints").EnumerateArray());
        var all = await TestSupport.GetJson(c, "/apis/discovery.k8s.io/v1/namespaces/exposed/endpointslices");
        Assert.DoesNotContain(all.GetProperty("items").EnumerateArray(), s => s.GetProperty("metadata").GetProperty("labels").GetProperty("kubernetes.io/service-name").GetString() == "alias");
    }

    [Fact]
    public async Task The_v1_endpoints_split_ready_and_not_ready_addresses()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        var shop = await TestSupport.GetJson(c, "/api/v1/namespaces/exposed/endpoints/shop");
        var subset = Assert.Single(shop.GetProperty("subsets").EnumerateArray().ToList());
        Assert.Equal(2, subset.GetProperty("addresses").GetArrayLength());
        Assert.Equal(8080, subset.GetProperty("ports")[0].GetProperty("port").GetInt32());
        var sick = await TestSupport.GetJson(c, "/api/v1/namespaces/exposed/endpoints/sick");
        Assert.Equal(1, sick.GetProperty("subsets")[0].GetProperty("notReadyAddresses").GetArrayLength());
        var dead = await TestSupport.GetJson(c, "/api/v1/namespaces/exposed/endpoints/dead");
        Assert.False(dead.TryGetProperty("subsets", out _));
    }

    [Fact]
    public async Task Kubectl_lists_the_derived_slices()
    {
        await using var server = await Start();
        var result = await TestSupport.Kubectl(server, "get", "endpointslices", "-n", "exposed", "-o", "name");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("endpointslice.discovery.k8s.io/shop-", result.Stdout);
    }
}
