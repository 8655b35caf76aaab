using k8s;
using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Kstack.Sim.Tests.Generation;

public sealed class ClusterGeneratorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fifty_thousand_pods_load_and_every_page_is_served()
    {
        var sw = Stopwatch.StartNew();
        await using var server = await SimServer.StartAsync(new SimOptions { GeneratePods = 50_000, GenerateSeed = 7 });
        var load = sw.Elapsed;
        output.WriteLine($"load {load.TotalSeconds:F1}s (store {server.LoadTime.TotalSeconds:F1}s)");
        // Load time is a benchmark figure (bench/), not an assertion: a busy machine must not fail the suite.
        Assert.Equal(50_000, server.Store.Count("v1", "Pod"));
        Assert.Equal(50_000 / 30, server.Store.Count("v1", "Node"));

        using var c = TestSupport.Client(server);
        sw.Restart();
        var seen = 0;
        var unhealthy = 0;
        string? cont = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/pods?limit=500" + (cont != null ? "&continue=" + Uri.EscapeDataString(cont) : "");
            await using var s = await c.GetStreamAsync(url);
            using var doc = await JsonDocument.ParseAsync(s);
            foreach (var p in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                seen++;
                if (p.GetProperty("status").TryGetProperty("containerStatuses", out var cs) && !cs[0].GetProperty("ready").GetBoolean()) unhealthy++;
                else if (p.GetProperty("status").GetProperty("phase").GetString() == "Pending") unhealthy++;
            }
            cont = doc.RootElement.GetProperty("metadata").TryGetProperty("continue", out var ct) ? ct.GetString() : null;
            pages++;
        } while (!string.IsNullOrEmpty(cont));
        output.WriteLine($"paged {seen} pods in {pages} pages, {sw.Elapsed.TotalSeconds:F1}s; unhealthy {unhealthy}");
        Assert.Equal(50_000, seen);
        Assert.Equal(100, pages);
        Assert.InRange(unhealthy, 1000, 2000);
    }

    [Fact]
    public async Task Same_seed_same_cluster()
    {
        await using var a = await SimServer.StartAsync(new SimOptions { GeneratePods = 300, GenerateSeed = 3 });
        await using var b = await SimServer.StartAsync(new SimOptions { GeneratePods = 300, GenerateSeed = 3 });
        using var ca = TestSupport.Client(a);
        using var cb = TestSupport.Client(b);
        var la = await TestSupport.GetJson(ca, "/api/v1/pods");
        var lb = await TestSupport.GetJson(cb, "/api/v1/pods");
        var na = la.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("uid").GetString()).ToList();
        var nb = lb.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("uid").GetString()).ToList();
        Assert.Equal(300, na.Count);
        Assert.Equal(na, nb);
        var pod = la.GetProperty("items")[0];
        Assert.True(pod.GetProperty("metadata").GetProperty("managedFields").GetArrayLength() >= 2);
        Assert.Equal("ReplicaSet", pod.GetProperty("metadata").GetProperty("ownerReferences")[0].GetProperty("kind").GetString());
        var rs = await TestSupport.GetJson(ca, "/apis/apps/v1/replicasets");
        Assert.All(rs.GetProperty("items").EnumerateArray(), r => Assert.Equal("Deployment", r.GetProperty("metadata").GetProperty("ownerReferences")[0].GetProperty("kind").GetString()));
        var podName = pod.GetProperty("metadata").GetProperty("name").GetString();
        var podNs = pod.GetProperty("metadata").GetProperty("namespace").GetString();
        var log = await ca.GetStringAsync($"/api/v1/namespaces/{podNs}/pods/{podName}/log?container=app&tailLines=3");
        Assert.Equal(3, log.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(300 / 30, (await TestSupport.GetJson(ca, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")).GetProperty("items").GetArrayLength());
        var ev = await TestSupport.GetJson(ca, "/api/v1/events");
        Assert.Contains(ev.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "Warning");
    }

    [Fact]
    public async Task Generated_objects_deserialise_with_the_typed_client()
    {
        await using var server = await SimServer.StartAsync(new SimOptions { GeneratePods = 600, GenerateSeed = 11 });
        using var client = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync();
        Assert.Equal(600, pods.Items.Count);
        Assert.Contains(pods.Items, p => p.Status.ContainerStatuses?.Any(c => c.State.Waiting?.Reason == "CrashLoopBackOff" && c.LastState.Terminated != null) == true);
        Assert.Contains(pods.Items, p => p.Status.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable") == true);
        Assert.All(pods.Items, p => Assert.Equal("256Mi", p.Spec.Containers[0].Resources.Requests["memory"].ToString()));
        var nodes = await client.CoreV1.ListNodeAsync();
        Assert.Equal(20, nodes.Items.Count);
        var deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync();
        var replicaSets = await client.AppsV1.ListReplicaSetForAllNamespacesAsync();
        Assert.Equal(deployments.Items.Count, replicaSets.Items.Count);
        Assert.Equal(600, replicaSets.Items.Sum(r => r.Spec.Replicas));
        var events = await client.EventsV1.ListEventForAllNamespacesAsync();
        Assert.All(events.Items, e => Assert.False(string.IsNullOrEmpty(e.Regarding.Uid)));
    }

    [Fact]
    public async Task Generated_security_objects_are_consistent_and_varied()
    {
        await using var server = await SimServer.StartAsync(new SimOptions { GeneratePods = 3000, GenerateSeed = 5 });
        using var client = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var pods = (await client.CoreV1.ListPodForAllNamespacesAsync()).Items;
        var accounts = (await client.CoreV1.ListServiceAccountForAllNamespacesAsync()).Items
            .Select(a => (a.Metadata.NamespaceProperty, a.Metadata.Name)).ToHashSet();
        var secrets = (await client.CoreV1.ListSecretForAllNamespacesAsync()).Items;
        var roles = (await client.RbacAuthorizationV1.ListRoleForAllNamespacesAsync()).Items;
        var bindings = (await client.RbacAuthorizationV1.ListRoleBindingForAllNamespacesAsync()).Items;
        var clusterBindings = (await client.RbacAuthorizationV1.ListClusterRoleBindingAsync()).Items;

        // Every pod runs as an account that exists (the namespace default or its workload's own) and reads a Secret that exists.
        var secretNames = secrets.Select(s => (s.Metadata.NamespaceProperty, s.Metadata.Name)).ToHashSet();
        Assert.All(pods.Where(p => p.Spec.ServiceAccountName != "default"),
            p => Assert.Contains((p.Metadata.NamespaceProperty, p.Spec.ServiceAccountName), accounts));
        Assert.All(pods, p => Assert.Contains((p.Metadata.NamespaceProperty, p.Spec.Containers[0].Env.Single(e => e.ValueFrom != null).ValueFrom.SecretKeyRef.Name), secretNames));

        // Postures from hardened to privileged, each present.
        Assert.Contains(pods, p => p.Spec.SecurityContext?.RunAsNonRoot == true && p.Spec.Containers.All(c => c.SecurityContext?.AllowPrivilegeEscalation == false));
        Assert.Contains(pods, p => p.Spec.Containers.Any(c => c.SecurityContext?.Privileged == true));
        Assert.Contains(pods, p => p.Spec.SecurityContext?.RunAsUser == 0);
        Assert.Contains(pods, p => p.Spec.HostNetwork == true && p.Spec.Volumes.Any(v => v.HostPath != null));
        Assert.InRange(pods.Count(p => p.Spec.SecurityContext?.RunAsNonRoot == true), pods.Count / 2, pods.Count * 7 / 10);

        // Secrets of several types, each namespace with its Roles and bindings; risky grants planted.
        Assert.Equal(["Opaque", "kubernetes.io/dockerconfigjson", "kubernetes.io/tls"], secrets.Select(s => s.Type).Distinct().Order().ToArray());
        Assert.All(secrets, s => Assert.NotEmpty(s.Data));
        var namespaces = pods.Select(p => p.Metadata.NamespaceProperty).Distinct().ToList();
        Assert.All(namespaces, ns => Assert.Contains(roles, r => r.Metadata.NamespaceProperty == ns && r.Metadata.Name.EndsWith("-deployer")));
        Assert.Contains(bindings, b => b.RoleRef.Name == "secrets-reader" && b.Subjects.Single().Kind == "ServiceAccount");
        Assert.Contains(bindings, b => b.RoleRef.Name == "admin" && b.Subjects.Single().Name == "default");
        Assert.Contains(clusterBindings, b => b.RoleRef.Name == "cluster-admin" && b.Subjects.Single().Kind == "ServiceAccount");

        // The same seed gives the same postures.
        await using var again = await SimServer.StartAsync(new SimOptions { GeneratePods = 3000, GenerateSeed = 5 });
        using var client2 = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(again.KubeconfigPath));
        var pods2 = (await client2.CoreV1.ListPodForAllNamespacesAsync()).Items;
        Assert.Equal(pods.Select(p => p.Spec.SecurityContext?.RunAsUser), pods2.Select(p => p.Spec.SecurityContext?.RunAsUser));
    }
}
