using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kstack.Tests.Panes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Exec;

/// <summary>/exec against kstack-sim: plan, confirm, real `kubectl exec -it` in real tmux, node shells and their cleanup.</summary>
public class ExecPaneTests
{
    private const string Pod = "web-6c9d8f7b5d-2xkzr";

    private static string PlanId(SimCluster.Run run)
    {
        var m = Regex.Match(run.Content, @"Exec plan (plan-[0-9a-f]{16})");
        Assert.True(m.Success, run.Content);
        Assert.Equal(m.Groups[1].Value, (string?)run.AgentContext["plan_id"]);
        return m.Groups[1].Value;
    }

    private static IEnumerable<JsonObject> Writes(SimCluster sim) =>
        sim.Audit().Where(e => (string?)e["method"] is "POST" or "DELETE" or "PATCH" or "PUT" || ((string?)e["path"] ?? "").EndsWith("/exec"));

    private static List<string> WriteLines(SimCluster sim) =>
        Writes(sim).Where(e => (string?)e["method"] != "GET").Select(e => $"{(string?)e["method"]} {(string?)e["path"]}").ToList();

    [Fact]
    public async Task Plan_then_confirm_opens_kubectl_exec_in_tmux_that_answers_hostname()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        var plan = box.Kstack("exec", Pod, "-n", "shop").AssertOk();
        var id = PlanId(plan);
        Assert.Contains("  Mode:       pod container shell", plan.Content);
        Assert.Contains($"  Target:     pod shop/{Pod}, container web", plan.Content);
        var command = plan.Content.Split('\n').Single(l => l.StartsWith("  Command:", StringComparison.Ordinal));
        Assert.Contains($"kubectl --context=sim-admin exec -it -n shop {Pod} -c web -- sh -c", command);
        Assert.True(command.IndexOf("--context=sim-admin", StringComparison.Ordinal) < command.IndexOf(" -- ", StringComparison.Ordinal));
        Assert.Empty(Writes(box.Sim));
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());

        var confirm = box.Kstack("exec", "--confirm", id).AssertOk();
        var session = PaneSandbox.Session(confirm);
        Assert.Equal($"kstack-exec-{Pod}", session);
        Assert.Equal(session, (string?)confirm.AgentContext["session"]);
        var recorded = (string)box.Record(session)!["command"]!;
        Assert.True(recorded.IndexOf("--context=sim-admin", StringComparison.Ordinal) < recorded.IndexOf(" -- ", StringComparison.Ordinal));
        var opened = await box.WaitForPane(session, t => t.Contains($"root@{Pod}:/#"));
        var first = opened.Split('\n')[0];
        Assert.StartsWith($"# kstack exec · context sim-admin · target pod/shop/{Pod} · mode pod container shell · trust default", first);
        Assert.Contains("the agent may type into this shell (kstack pane send) but not read it; start with --detach for a pane it cannot type into", first);
        Assert.Contains($"{KstackProcess.KstackBin} pane stop {session}", first);
        Assert.Contains($"  End it:  {KstackProcess.KstackBin} pane stop {session}", confirm.Content);
        Assert.Contains("kstack exec · sim-admin", box.Tmux("show-options", "-t", $"={session}:", "-v", "status-left").Stdout);

        box.Kstack("pane", "send", session, "hostname").AssertOk();
        await box.WaitForPane(session, t => t.Split('\n').Any(l => l.Trim() == Pod));
        Assert.False(box.Kstack("pane", "read", session).Ok);

        // Single use: the same id cannot act twice.
        Assert.Contains("does not exist", box.Kstack("exec", "--confirm", id).Message);
        box.Kstack("pane", "stop", session).AssertOk();
        Assert.NotEqual(0, box.Tmux("has-session", "-t", "=" + session).Exit);
    }

    [Fact]
    public async Task Node_mode_creates_exactly_the_hardened_pod_and_pane_stop_deletes_only_it()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        var podsBefore = box.Sim.Server.Store.Count("v1", "Pod");
        var plan = box.Kstack("exec", "--node", "cp-1", "--trust-pane").AssertOk();
        var id = PlanId(plan);
        Assert.Contains("  Mode:       node shell (privileged pod on the node)", plan.Content);
        Assert.Contains("host fs at /host: read-only; runtime socket: not mounted", plan.Content);
        Assert.Contains("tolerations: node-role.kubernetes.io/control-plane:NoSchedule", plan.Content);
        Assert.Empty(Writes(box.Sim));
        Assert.Equal(podsBefore, box.Sim.Server.Store.Count("v1", "Pod"));
        var podName = Regex.Match(plan.Content, @"default/(kstack-node-shell-cp-1-[0-9a-f]{6})").Groups[1].Value;
        Assert.NotEmpty(podName);

        var confirm = box.Kstack("exec", "--confirm", id).AssertOk();
        var session = PaneSandbox.Session(confirm);
        Assert.Equal("kstack-exec-node-cp-1", session);
        Assert.Contains("Posture: host fs at /host: read-only", confirm.Content);
        Assert.Equal(podsBefore + 1, box.Sim.Server.Store.Count("v1", "Pod"));

        var pod = JsonNode.Parse(box.Sim.Server.Store.TryGet("v1", "Pod", "default", podName)!)!.AsObject();
        var meta = pod["metadata"]!;
        Assert.Equal("kstack", (string?)meta["labels"]!["kstack.kubetail.com/owned-by"]);
        Assert.Equal("kstack", (string?)meta["annotations"]!["kstack.kubetail.com/owned-by"]);
        Assert.Equal(session, (string?)meta["labels"]!["kstack.kubetail.com/session"]);
        var spec = pod["spec"]!;
        Assert.Equal("cp-1", (string?)spec["nodeName"]);
        Assert.True((bool)spec["hostPID"]!);
        Assert.True((bool)spec["hostNetwork"]!);
        Assert.Equal(14400, (long)spec["activeDeadlineSeconds"]!);
        Assert.Equal("Never", (string?)spec["restartPolicy"]);
        Assert.False((bool)spec["automountServiceAccountToken"]!);
        var tolerations = spec["tolerations"]!.AsArray();
        Assert.Single(tolerations);
        Assert.Equal("node-role.kubernetes.io/control-plane", (string?)tolerations[0]!["key"]);
        Assert.Equal("Exists", (string?)tolerations[0]!["operator"]);
        var container = spec["containers"]!.AsArray().Single()!;
        Assert.Equal("nicolaka/netshoot", (string?)container["image"]);
        Assert.True((bool)container["securityContext"]!["privileged"]!);
        var mount = container["volumeMounts"]!.AsArray().Single()!;
        Assert.Equal("/host", (string?)mount["mountPath"]);
        Assert.True((bool)mount["readOnly"]!);
        Assert.Equal("/", (string?)spec["volumes"]!.AsArray().Single()!["hostPath"]!["path"]);

        // hostNetwork: the shell's hostname is the node's.
        await box.WaitForPane(session, t => t.Contains("root@cp-1:/#"));
        box.Kstack("pane", "send", session, "cat /etc/hostname").AssertOk();
        var read = await Task.Run(async () =>
        {
            await box.WaitForPane(session, t => t.Contains("cat /etc/hostname\ncp-1"));
            return box.Kstack("pane", "read", session, "--lines", "5").AssertOk();
        });
        Assert.Contains("\"cp-1\"", read.Content);

        var stop = box.Kstack("pane", "stop", session).AssertOk();
        Assert.Contains($"Deleted pods: default/{podName}", stop.Content);
        Assert.Null(box.Sim.Server.Store.TryGet("v1", "Pod", "default", podName));
        Assert.Equal(podsBefore, box.Sim.Server.Store.Count("v1", "Pod"));
        var deletes = box.Sim.Audit().Where(e => (string?)e["method"] == "DELETE").Select(e => (string?)e["path"]).ToList();
        Assert.Equal([$"/api/v1/namespaces/default/pods/{podName}"], deletes);
        Assert.Null(box.Record(session));
    }

    [Fact]
    public async Task Expired_foreign_mismatched_and_unknown_plan_ids_are_refused_and_nothing_is_created()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        var id = PlanId(box.Kstack("exec", "--node", "node-1").AssertOk());

        // Another context in the same kubeconfig set.
        var other = Path.Combine(box.Sim.Dir, "other.yaml");
        File.WriteAllText(other, "apiVersion: v1\nkind: Config\ncontexts:\n- name: sim-other\n  context:\n    cluster: kstack-sim\n    user: admin\n");
        var env = box.Env;
        env["KUBECONFIG"] = box.Sim.Server.KubeconfigPath + ":" + other;
        var foreign = KstackProcess.Run(KstackProcess.KstackBin, ["exec", "--confirm", id, "--context=sim-other"], env);
        Assert.Contains("was made for context `sim-admin`", foreign.Stdout);

        var wrongTarget = box.Kstack("exec", "--confirm", id, "node", "node-2");
        Assert.Contains("is for target", wrongTarget.Message);

        var planFile = Path.Combine(box.Sim.Root, "state", "plans", id + ".json");
        var plan = JsonNode.Parse(File.ReadAllText(planFile))!.AsObject();
        plan["expires"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
        File.WriteAllText(planFile, plan.ToJsonString());
        var expired = box.Kstack("exec", "--confirm", id);
        Assert.False(expired.Ok);
        Assert.Contains("expired", expired.Message);

        Assert.Contains("does not exist", box.Kstack("exec", "--confirm", "plan-0123456789abcdef").Message);
        Assert.Contains("not a kstack plan id", box.Kstack("exec", "--confirm", "../../etc/passwd").Message);
        Assert.Empty(Writes(box.Sim));
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }

    [Fact]
    public async Task Node_mode_refuses_a_namespace_whose_pod_security_level_rejects_privileged_pods()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        var ns = box.Kubectl("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels: {pod-security.kubernetes.io/enforce: baseline}\n",
            "--context=sim-admin", "create", "--validate=false", "-f", "-");
        Assert.True(ns.Exit == 0, ns.Stderr);
        var run = box.Kstack("exec", "--node", "node-1", "-n", "locked");
        Assert.False(run.Ok);
        Assert.Contains("enforces Pod Security level `baseline`", run.Message);
    }

    private static void CreatePod(PaneSandbox box, string name, string image)
    {
        var created = box.Kubectl($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: shop}
            spec:
              nodeName: node-1
              containers: [{name: app, image: "{{image}}"}]
            """, "--context=sim-admin", "create", "--validate=false", "-f", "-");
        Assert.True(created.Exit == 0, created.Stderr);
    }

    [Fact]
    public async Task A_shell_less_container_gets_a_kubectl_debug_container_only_after_confirmation()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        CreatePod(box, "tiny", "gcr.io/distroless/static:nonroot");
        var plan = box.Kstack("exec", "tiny", "-n", "shop").AssertOk();
        var id = PlanId(plan);
        Assert.Equal("debug", (string?)plan.AgentContext["mode"]);
        Assert.Contains("  Mode:       ephemeral debug container (chosen automatically: image gcr.io/distroless/static:nonroot has no shell)", plan.Content);
        Assert.Contains("joins app's process namespace", plan.Content);
        var debugName = Regex.Match(plan.Content, @"adds container (kstack-debug-[0-9a-f]{6})").Groups[1].Value;
        Assert.NotEmpty(debugName);
        var command = plan.Content.Split('\n').Single(l => l.StartsWith("  Command:", StringComparison.Ordinal));
        Assert.Contains($"kubectl --context=sim-admin debug -it -n shop tiny --target=app --image=nicolaka/netshoot --container={debugName} --profile=general -- sh", command);
        Assert.True(command.IndexOf("--context=sim-admin", StringComparison.Ordinal) < command.IndexOf(" -- ", StringComparison.Ordinal));
        // Only the test's own create so far: the plan wrote nothing.
        Assert.Equal(["POST /api/v1/namespaces/shop/pods"], WriteLines(box.Sim));
        Assert.DoesNotContain("ephemeralContainers", box.Sim.Server.Store.TryGet("v1", "Pod", "shop", "tiny")!);

        var confirm = box.Kstack("exec", "--confirm", id).AssertOk();
        var session = PaneSandbox.Session(confirm);
        Assert.Contains("(ephemeral debug container)", confirm.Content);
        Assert.Contains($"container {debugName} joins app's process namespace", confirm.Content);
        await box.WaitForPane(session, t => t.Contains("root@tiny:/#"));
        box.Kstack("pane", "send", session, "hostname").AssertOk();
        await box.WaitForPane(session, t => t.Split('\n').Any(l => l.Trim() == "tiny"));

        var pod = JsonNode.Parse(box.Sim.Server.Store.TryGet("v1", "Pod", "shop", "tiny")!)!.AsObject();
        var added = pod["spec"]!["ephemeralContainers"]!.AsArray().Single()!;
        Assert.Equal(debugName, (string?)added["name"]);
        Assert.Equal("app", (string?)added["targetContainerName"]);
        Assert.NotNull(pod["status"]!["ephemeralContainerStatuses"]![0]!["state"]!["running"]);
        Assert.Equal(["POST /api/v1/namespaces/shop/pods", "PATCH /api/v1/namespaces/shop/pods/tiny/ephemeralcontainers"], WriteLines(box.Sim));

        var stop = box.Kstack("pane", "stop", session).AssertOk();
        Assert.DoesNotContain("Deleted pods", stop.Content);
        Assert.NotNull(box.Sim.Server.Store.TryGet("v1", "Pod", "shop", "tiny"));
        Assert.DoesNotContain(box.Sim.Audit(), e => (string?)e["method"] == "DELETE");
        Assert.NotEqual(0, box.Tmux("has-session", "-t", "=" + session).Exit);
    }

    [Fact]
    public async Task A_container_whose_image_name_hides_that_it_has_no_shell_is_not_opened()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        // Not recognisable as shell-less from its name, so the plan is a plain exec and the probe at confirm catches it.
        CreatePod(box, "tiny", "registry.example.com/scratch-tools:1.0");
        var plan = box.Kstack("exec", "tiny", "-n", "shop").AssertOk();
        Assert.Equal("pod", (string?)plan.AgentContext["mode"]);
        var confirm = box.Kstack("exec", "--confirm", PlanId(plan));
        Assert.False(confirm.Ok);
        Assert.Contains("has no shell", confirm.Message);
        Assert.Contains("debug tiny", confirm.Message);
        Assert.Empty(box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }
}
