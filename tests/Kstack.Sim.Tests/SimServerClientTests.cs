using k8s;
using Xunit;

namespace Kstack.Sim.Tests;

/// <summary>The KubernetesClient library against the server, through the same generated kubeconfig.</summary>
[Collection("basic")]
public sealed class SimServerClientTests(BasicServerFixture fx)
{
    private IKubernetes Client(string? context = null) =>
        new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Server.KubeconfigPath, context));

    [Fact]
    public async Task Lists_pods_nodes_and_events()
    {
        using var client = (Kubernetes)Client();
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync();
        Assert.Equal(12, pods.Items.Count);
        Assert.Contains(pods.Items, p => p.Metadata.Name == "crash-1" && p.Status.ContainerStatuses[0].RestartCount == 7);
        var nodes = await client.CoreV1.ListNodeAsync();
        Assert.Equal(["node-1", "node-2"], nodes.Items.Select(n => n.Metadata.Name).ToArray());
        var events = await client.CoreV1.ListEventForAllNamespacesAsync();
        Assert.Equal(2, events.Items.Count);
        var crashUid = pods.Items.Single(p => p.Metadata.Name == "crash-1").Metadata.Uid;
        Assert.Equal(crashUid, events.Items.Single(e => e.Reason == "BackOff").InvolvedObject.Uid);
        var newEvents = await client.EventsV1.ListNamespacedEventAsync("team-a");
        var backoff = newEvents.Items.Single(e => e.Reason == "BackOff");
        Assert.Equal("crash-1", backoff.Regarding.Name);
        Assert.Equal(42, backoff.DeprecatedCount);
        Assert.Equal("kubelet", backoff.ReportingController);
    }

    [Fact]
    public async Task Paginates_with_continue_tokens()
    {
        using var client = (Kubernetes)Client();
        var names = new List<string>();
        string? cont = null;
        var pages = 0;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 5, continueParameter: cont);
            names.AddRange(page.Items.Select(p => p.Metadata.Name));
            cont = page.Metadata.ContinueProperty;
            pages++;
        } while (!string.IsNullOrEmpty(cont));
        Assert.Equal(3, pages);
        Assert.Equal(12, names.Distinct().Count());
    }

    [Fact]
    public async Task Reads_logs()
    {
        using var client = (Kubernetes)Client();
        await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync("web-1", "team-a", tailLines: 1);
        using var reader = new StreamReader(stream);
        Assert.Equal("GET /api/items 200\n", await reader.ReadToEndAsync());
        await using var prev = await client.CoreV1.ReadNamespacedPodLogAsync("crash-1", "team-a", previous: true);
        Assert.Contains("panic: previous crash", await new StreamReader(prev).ReadToEndAsync());
    }

    [Fact]
    public async Task Forbidden_and_not_found_are_status_objects()
    {
        using var dev = (Kubernetes)Client("sim-dev");
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => dev.CoreV1.ListNamespacedSecretAsync("team-b"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Contains("secrets is forbidden: User \\\"dev\\\" cannot list resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"team-b\\\"", e.Response.Content);
        using var admin = (Kubernetes)Client();
        var nf = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => admin.CoreV1.ReadNamespacedPodAsync("nope", "team-a"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, nf.Response.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", nf.Response.Content);
    }

    [Fact]
    public async Task Selectors_filter_lists()
    {
        using var client = (Kubernetes)Client();
        Assert.Equal(3, (await client.CoreV1.ListNamespacedPodAsync("team-a", labelSelector: "app=web")).Items.Count);
        Assert.Equal(4, (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "tier in (backend)")).Items.Count);
        Assert.Equal("crash-1", Assert.Single((await client.CoreV1.ListNamespacedPodAsync("team-a", labelSelector: "app!=web,!tier")).Items).Metadata.Name);
        Assert.Equal(3, (await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-2")).Items.Count);
        Assert.Single((await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "status.phase=Pending")).Items);
        Assert.Single((await client.CoreV1.ListEventForAllNamespacesAsync(fieldSelector: "involvedObject.name=crash-1,type=Warning")).Items);
    }
}
