using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests.Api;

/// <summary>DELETE as a real API server answers it: UID and resourceVersion preconditions, finalizers, RBAC, kubectl delete.</summary>
public sealed class DeleteTests
{
    private const string Notes = "/api/v1/namespaces/shop/configmaps/kstack-exec-notes";
    private const string Held = "/api/v1/namespaces/shop/configmaps/kstack-held";

    private static Task<SimServer> Start(string? audit = null) =>
        SimServer.StartAsync(new SimOptions { Scenarios = ["cleanup"], AuditLogPath = audit });

    private static async Task<(HttpStatusCode Code, JsonElement Body)> Delete(HttpClient c, string path, string? uid = null, string? rv = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Delete, path);
        if (uid is not null || rv is not null)
        {
            var pre = new Dictionary<string, string>();
            if (uid is not null) pre["uid"] = uid;
            if (rv is not null) pre["resourceVersion"] = rv;
            req.Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object> { ["apiVersion"] = "v1", ["kind"] = "DeleteOptions", ["preconditions"] = pre }),
                Encoding.UTF8, "application/json");
        }
        using var resp = await c.SendAsync(req);
        return (resp.StatusCode, JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<HttpStatusCode> Get(HttpClient c, string path)
    {
        using var resp = await c.GetAsync(path);
        return resp.StatusCode;
    }

    [Fact]
    public async Task A_matching_uid_deletes_and_answers_a_success_status_then_404()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        var obj = await TestSupport.GetJson(c, Notes);
        var uid = obj.GetProperty("metadata").GetProperty("uid").GetString()!;
        var rv = obj.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        var (code, body) = await Delete(c, Notes, uid, rv);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Status", body.GetProperty("kind").GetString());
        Assert.Equal("Success", body.GetProperty("status").GetString());
        Assert.Equal(uid, body.GetProperty("details").GetProperty("uid").GetString());
        Assert.Equal("configmaps", body.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await Get(c, Notes));
        var (again, status) = await Delete(c, Notes, uid);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("NotFound", status.GetProperty("reason").GetString());
        Assert.Equal("configmaps \"kstack-exec-notes\" not found", status.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_uid_or_resource_version_that_no_longer_matches_is_409_and_the_object_stays()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        var obj = await TestSupport.GetJson(c, Notes);
        var uid = obj.GetProperty("metadata").GetProperty("uid").GetString()!;
        var rv = obj.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;

        var (code, body) = await Delete(c, Notes, "00000000-0000-4000-8000-00000000dead");
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Failure", body.GetProperty("status").GetString());
        Assert.Equal("Conflict", body.GetProperty("reason").GetString());
        Assert.Equal(409, body.GetProperty("code").GetInt32());
        Assert.Equal($"Operation cannot be fulfilled on ConfigMap \"kstack-exec-notes\": the UID in the precondition (00000000-0000-4000-8000-00000000dead) does not match the UID in record ({uid}). The object might have been deleted and then recreated",
            body.GetProperty("message").GetString());
        Assert.Equal("ConfigMap", body.GetProperty("details").GetProperty("kind").GetString());

        var (rvCode, rvBody) = await Delete(c, Notes, uid, "1");
        Assert.Equal(HttpStatusCode.Conflict, rvCode);
        Assert.Contains($"the ResourceVersion in the precondition (1) does not match the ResourceVersion in record ({rv}). The object might have been modified", rvBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, await Get(c, Notes));

        // RBAC kinds name their group.
        var role = await TestSupport.GetJson(c, "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/kstack-runner");
        var (roleCode, roleBody) = await Delete(c, "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/kstack-runner", "x");
        Assert.Equal(HttpStatusCode.Conflict, roleCode);
        Assert.StartsWith("Operation cannot be fulfilled on Role.rbac.authorization.k8s.io \"kstack-runner\"", roleBody.GetProperty("message").GetString());
        Assert.NotNull(role.GetProperty("metadata").GetProperty("uid").GetString());
    }

    [Fact]
    public async Task A_pod_delete_returns_the_pod_and_a_replaced_pod_is_not_deleted_by_the_old_uid()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        const string path = "/api/v1/namespaces/default/pods/kstack-node-shell-node-1-a1b2c3";
        var old = (await TestSupport.GetJson(c, path)).GetProperty("metadata").GetProperty("uid").GetString()!;
        var (code, pod) = await Delete(c, path);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Pod", pod.GetProperty("kind").GetString());
        Assert.True(pod.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _));

        using var created = await c.PostAsync("/api/v1/namespaces/default/pods", new StringContent(
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"kstack-node-shell-node-1-a1b2c3"},"spec":{"nodeName":"node-1","containers":[{"name":"shell","image":"busybox"}]}}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (conflict, _) = await Delete(c, path, old);
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal(HttpStatusCode.OK, await Get(c, path));
    }

    [Fact]
    public async Task Finalizers_keep_the_object_marked_for_deletion()
    {
        await using var server = await Start();
        using var c = TestSupport.Client(server);
        var (code, first) = await Delete(c, Held);
        Assert.Equal(HttpStatusCode.OK, code);
        var meta = first.GetProperty("metadata");
        var stamp = meta.GetProperty("deletionTimestamp").GetString();
        Assert.NotNull(stamp);
        Assert.Equal(0, meta.GetProperty("deletionGracePeriodSeconds").GetInt32());
        Assert.Equal(["example.com/hold"], meta.GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()).ToArray());
        var stored = await TestSupport.GetJson(c, Held);
        Assert.Equal(stamp, stored.GetProperty("metadata").GetProperty("deletionTimestamp").GetString());
        var (again, second) = await Delete(c, Held);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(meta.GetProperty("resourceVersion").GetString(), second.GetProperty("metadata").GetProperty("resourceVersion").GetString());
    }

    [Fact]
    public async Task Rbac_decides_deletes_and_the_audit_log_records_each_delete_with_its_uid()
    {
        var dir = TestSupport.TempDir();
        var audit = Path.Combine(dir, "audit.log");
        await using (var server = await Start(audit))
        {
            using var cleaner = TestSupport.Client(server, "cleaner-token-51c0");
            var (denied, status) = await Delete(cleaner, "/api/v1/namespaces/shop/secrets/kstack-token");
            Assert.Equal(HttpStatusCode.Forbidden, denied);
            Assert.Contains("cannot delete resource \"secrets\"", status.GetProperty("message").GetString());
            var uid = (await TestSupport.GetJson(cleaner, Notes)).GetProperty("metadata").GetProperty("uid").GetString()!;
            var (ok, _) = await Delete(cleaner, Notes, uid);
            Assert.Equal(HttpStatusCode.OK, ok);
        }
        var deletes = File.ReadAllLines(audit).Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("method").GetString() == "DELETE").ToList();
        Assert.Equal(2, deletes.Count);
        Assert.Equal(403, deletes[0].GetProperty("status").GetInt32());
        Assert.False(deletes[0].TryGetProperty("uid", out _));
        Assert.Equal(200, deletes[1].GetProperty("status").GetInt32());
        Assert.Equal(deletes[1].GetProperty("uid").GetString(), deletes[1].GetProperty("preconditionUid").GetString());
        Assert.Equal("cleaner", deletes[1].GetProperty("user").GetString());
    }

    [Fact]
    public async Task Kubectl_delete_works_waits_for_pods_and_reports_not_found()
    {
        await using var server = await Start();
        var cm = await TestSupport.Kubectl(server, "delete", "configmap", "kstack-exec-notes", "-n", "shop");
        Assert.True(cm.ExitCode == 0, cm.Stderr);
        Assert.Equal("configmap \"kstack-exec-notes\" deleted", cm.Stdout.Trim());
        var pod = await TestSupport.Kubectl(server, "delete", "pod", "kstack-node-shell-node-1-a1b2c3", "--timeout=20s");
        Assert.True(pod.ExitCode == 0, pod.Stderr);
        Assert.Equal("pod \"kstack-node-shell-node-1-a1b2c3\" deleted", pod.Stdout.Trim());
        var rbac = await TestSupport.Kubectl(server, "delete", "clusterrolebinding", "kstack-node-reader");
        Assert.True(rbac.ExitCode == 0, rbac.Stderr);
        var held = await TestSupport.Kubectl(server, "delete", "configmap", "kstack-held", "-n", "shop", "--wait=false");
        Assert.True(held.ExitCode == 0, held.Stderr);
        var get = await TestSupport.Kubectl(server, "get", "configmap", "kstack-held", "-n", "shop", "-o", "jsonpath={.metadata.deletionTimestamp}");
        Assert.True(get.ExitCode == 0 && get.Stdout.Length > 0, get.Stderr);
        var gone = await TestSupport.Kubectl(server, "delete", "configmap", "kstack-exec-notes", "-n", "shop");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"kstack-exec-notes\" not found", gone.Stderr);
        var forbidden = await TestSupport.Kubectl(server, "--context=sim-cleaner", "delete", "secret", "kstack-token", "-n", "shop");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Contains("Error from server (Forbidden)", forbidden.Stderr);
    }
}
