using System.Text.RegularExpressions;
using Kstack.Tests.Panes;
using Xunit;

namespace Kstack.Tests.Install;

/// <summary>Uninstall with a live node shell: it refuses without --force, and with --force stops it like `pane stop` first.</summary>
public class UninstallSessionTests
{
    [Fact]
    public async Task A_live_node_shell_blocks_uninstall_until_force_stops_it_and_deletes_exactly_its_pod()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        box.Kstack("install", "--agent", "claude", "-q").AssertOk();
        var plan = box.Kstack("exec", "--node", "cp-1").AssertOk();
        var id = Regex.Match(plan.Content, @"Exec plan (plan-[0-9a-f]{16})").Groups[1].Value;
        var podName = Regex.Match(plan.Content, @"default/(kstack-node-shell-cp-1-[0-9a-f]{6})").Groups[1].Value;
        var session = PaneSandbox.Session(box.Kstack("exec", "--confirm", id).AssertOk());
        Assert.NotNull(box.Sim.Server.Store.TryGet("v1", "Pod", "default", podName));

        var refused = box.Kstack("uninstall");
        Assert.Equal("user", (string?)refused.Envelope["kind"]);
        Assert.Contains($"kstack still has 1 session recorded under {box.Sim.Root}:\n  {session} (exec node/cp-1, context ", refused.Message);
        Assert.Contains($"; pods kstack created: default/{podName})", refused.Message);
        Assert.Contains("Nothing was removed.", refused.Message);
        Assert.NotNull(box.Sim.Server.Store.TryGet("v1", "Pod", "default", podName));
        Assert.NotNull(box.Record(session));
        Assert.True(Directory.Exists(Path.Combine(box.Sim.Root, "manifest")));

        var done = box.Kstack("uninstall", "--force").AssertOk();
        Assert.Contains($"⏹  stopped: {session} (tmux session killed; deleted pods: default/{podName})", done.Content);
        Assert.Contains("Stopped 1 session; the pods they created were deleted.", done.Content);
        Assert.DoesNotContain("not touched", done.Content);
        Assert.Null(box.Sim.Server.Store.TryGet("v1", "Pod", "default", podName));
        Assert.NotEqual(0, box.Tmux("has-session", "-t", "=" + session).Exit);
        var deletes = box.Sim.Audit().Where(e => (string?)e["method"] == "DELETE").Select(e => (string?)e["path"]).ToList();
        Assert.Equal([$"/api/v1/namespaces/default/pods/{podName}"], deletes);
        Assert.False(Directory.Exists(Path.Combine(box.Sim.Root, "manifest")));
    }

    [Fact]
    public async Task A_pod_that_lost_kstacks_labels_is_left_alone_and_the_records_are_kept()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        box.Kstack("install", "--agent", "claude", "-q").AssertOk();
        var plan = box.Kstack("exec", "--node", "cp-1").AssertOk();
        var id = Regex.Match(plan.Content, @"Exec plan (plan-[0-9a-f]{16})").Groups[1].Value;
        var podName = Regex.Match(plan.Content, @"default/(kstack-node-shell-cp-1-[0-9a-f]{6})").Groups[1].Value;
        var session = PaneSandbox.Session(box.Kstack("exec", "--confirm", id).AssertOk());
        // The record also names a pod kstack did not create (as if the record had been tampered with, or the name reused).
        var other = box.Kubectl(null, "get", "pods", "-n", "kube-system", "-o", "jsonpath={.items[0].metadata.name}").Stdout.Trim();
        Assert.NotEmpty(other);
        var recordPath = Path.Combine(box.Sim.Root, "state", "panes", session + ".json");
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(recordPath))!.AsObject();
        record["pods"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["namespace"] = "kube-system", ["name"] = other });
        File.WriteAllText(recordPath, record.ToJsonString());

        var r = box.Kstack("uninstall", "--force");
        Assert.Equal("infra", (string?)r.Envelope["kind"]);
        Assert.Contains($"deleted pods: default/{podName})", r.Message);
        Assert.Contains($"kube-system/{other} (no longer carries kstack's owned-by and session labels: left alone)", r.Message);
        Assert.Contains("are kept so `kstack pane stop <session>` can retry", r.Message);
        Assert.NotNull(box.Sim.Server.Store.TryGet("v1", "Pod", "kube-system", other));
        Assert.NotNull(box.Record(session));
        Assert.True(Directory.Exists(Path.Combine(box.Sim.Root, "manifest")));
    }
}
