using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Json;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Panes;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Exec;

/// <summary>
/// /exec: the first call only resolves and returns a plan (target, mode, privileges, exact command, node pod spec) with a
/// 10-minute id; `--confirm &lt;id&gt;` is the only path that creates a pod or opens a shell.
/// </summary>
internal sealed class ExecCommand : SkillCommand
{
    /// <summary>Runs bash when the image has it, else sh; one command, no second round-trip.</summary>
    public const string ShellScript = "command -v bash >/dev/null && exec bash; exec sh";

    public override SkillDescriptor Descriptor => ExecSkill.Descriptor;

    public static readonly TargetRules Rules = new("exec",
        [KindInfo.Pod, KindInfo.Deployment, KindInfo.StatefulSet, KindInfo.DaemonSet, KindInfo.ReplicaSet, KindInfo.Job], Selectors: true,
        "Targets: a pod, <kind>/<name> (deployment, statefulset, daemonset, replicaset, job: its first running pod), <namespace>/<name>, "
        + "<kind>/<namespace>/<name>, a label selector, `node NAME` (or --node NAME), or `debug POD`; pick the container with -c/--container.");

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var store = new PaneStore(run.Root);
        var text = string.Join(' ', run.FreeText).Trim();
        if (run.Get(ExecSkill.Attach)) return PaneAttach.Attach(store, "exec", text);
        var plans = new PlanStore(run.Root, () => DateTimeOffset.UtcNow);
        var api = run.Api;
        if (run.Get(ExecSkill.Confirm) is { } id) return await ConfirmAsync(run, api, store, plans, id, text.Length == 0 ? null : text, ct);
        return await PlanAsync(run, api, store, plans, text, ct);
    }

    // ------------------------------------------------------------------ plan

    private async Task<Env> PlanAsync(SkillRun run, KubeApi api, PaneStore store, PlanStore plans, string text, CancellationToken ct)
    {
        var trust = PaneLauncher.TrustFrom(run.Get(ExecSkill.TrustPane), run.Get(ExecSkill.Detach));
        PaneLauncher.RequireTmux();
        if (Tmux.Which("kubectl") is null) throw KstackException.User("kubectl is not on PATH; /exec opens the shell with `kubectl exec` in a tmux pane. Install kubectl and run the skill again.");
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var node = run.Get(ExecSkill.Node);
        if (node is null && words is ["node", var n]) node = n;
        if (node is null && words.Count == 1 && words[0].StartsWith("node/", StringComparison.Ordinal)) node = words[0][5..];
        var debug = run.Get(ExecSkill.Debug);
        if (words is ["debug", var t]) { debug = true; words = [t]; }

        List<string> lines;
        ExecPlan plan;
        if (node is not null)
        {
            if (debug) throw KstackException.User("--debug and node mode exclude each other: pick one.");
            (lines, plan) = await PlanNodeAsync(run, api, store, trust, node, ct);
        }
        else
        {
            (lines, plan) = await PlanPodAsync(run, api, store, trust, Target.Parse(words, run.Namespace, Rules), debug, ct);
        }
        plan = plans.Create(run.Context, text, plan);
        var head = $"Exec plan {plan.Id} — nothing has been run or created yet. It expires in {PlanStore.Lifetime.TotalMinutes:0} minutes (at {plan.Expires:HH:mm:ss}Z).";
        lines.Insert(0, head);
        lines.Insert(1, $"  Context:    {DataText.Token(run.Context)}");
        lines.Add($"  Pane:       {plan.Session} · trust: {PaneLauncher.TrustLine(trust)}");
        lines.Add($"To go ahead, the user confirms: {run.Invocation} --confirm {plan.Id}");
        lines.Add($"The id works once, only for context {DataText.Token(run.Context)} and this target.");
        return Env.Verbatim(string.Join('\n', lines),
            Dto.Serialize(new ExecPlanAgentContext(plan.Id, plan.Expires, plan.Mode), PaneStateJson.Default.ExecPlanAgentContext));
    }

    private async Task<(List<string>, ExecPlan)> PlanPodAsync(SkillRun run, KubeApi api, PaneStore store, PaneTrust trust, Target target, bool debug, CancellationToken ct)
    {
        string? container = run.Get(ExecSkill.Container);
        var resolver = new TargetResolver(api, run.Kubeconfig.NamespaceOf(run.Context));
        JsonElement pod;
        string? workload = null;
        if (target.Selector is { } selector)
            pod = FirstRunning(await resolver.PodsAsync(selector, target.Namespace ?? resolver.FallbackNamespace, ct), selector);
        else
        {
            Resolved r;
            try { r = await resolver.ResolveAsync(target, Rules, ct); }
            catch (KstackException e) when (e.Kind == ErrorKind.User && target.NamespaceTyped)
            {
                throw KstackException.User(e.Message + $" (<a>/<b> is <namespace>/<name>; /{run.Slot} takes the container with -c/--container.)");
            }
            if (r.Kind == KindInfo.Pod) pod = r.Object;
            else
            {
                workload = r.Name;
                var podSelector = LabelSelector.Of(r.Object);
                if (podSelector.Length == 0) throw KstackException.User($"{r.Kind.Kind} {DataText.Token(r.Name)} has no pod selector.");
                pod = FirstRunning(await resolver.PodsAsync(podSelector, r.Namespace, ct), r.Ref.ToString());
            }
        }
        var root = pod;
        var ns = root.Str("metadata", "namespace") ?? target.Namespace ?? resolver.FallbackNamespace;
        var podName = root.Str("metadata", "name")!;
        var phase = root.Str("status", "phase");
        if (phase is "Succeeded" or "Failed") throw KstackException.User($"Pod {podName} has finished ({phase}); there is no running container to open a shell in.");
        var names = root.Array("spec", "containers").Select(c => c.Str("name") ?? "").ToList();
        string note = "";
        if (container is not null)
        {
            if (!names.Contains(container))
                throw KstackException.User($"Pod {podName} has no container `{TerminalText.Clean(container)}`; it has: {string.Join(", ", names)}.");
        }
        else if (names.Count == 1) container = names[0];
        else
        {
            container = names.FirstOrDefault(n => n == workload) ?? names.FirstOrDefault(n => n is "app" or "server" or "main") ?? names[0];
            note = $" (picked from {string.Join(", ", names)}; pass --container to choose)";
        }
        var session = store.NewSessionName("exec", podName);
        List<string> argv;
        string mode, privileges;
        string? debugName = null;
        var targetImage = root.Array("spec", "containers").FirstOrDefault(c => c.Str("name") == container).Str("image") ?? "";
        var auto = !debug && IsShellLess(targetImage);
        if (auto) debug = true;
        if (debug)
        {
            var image = run.Get(ExecSkill.Image) ?? NodeShell.DefaultImage;
            debugName = Ownership.DebugContainerPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
            argv = ["kubectl", $"--context={run.Context}", "debug", "-it", "-n", ns, podName, $"--target={container}", $"--image={image}",
                    $"--container={debugName}", "--profile=general", "--", "sh"];
            mode = auto ? $"ephemeral debug container (chosen automatically: image {DataText.Token(targetImage)} has no shell)" : "ephemeral debug container";
            privileges = $"adds container {debugName} ({image}, profile general: SYS_PTRACE) to the pod; it joins {container}'s process namespace "
                         + "(its files under /proc/1/root) and the pod's network. Ephemeral containers cannot be removed: it stays in the pod spec until the pod is replaced";
        }
        else
        {
            argv = ["kubectl", $"--context={run.Context}", "exec", "-it", "-n", ns, podName, "-c", container, "--", "sh", "-c", ShellScript];
            mode = "pod container shell";
            privileges = "the container's own user, filesystem, network and mounted service-account token; no new pod or container";
        }
        var plan = new ExecPlan
        {
            Trust = trust, Mode = debug ? "debug" : "pod", Namespace = ns, Pod = podName, Container = container, Session = session, Argv = argv,
            DebugContainer = debugName,
        };
        return ([
            $"  Target:     pod {DataText.Token(ns)}/{DataText.Token(podName)}, container {DataText.Token(container)}{note}",
            $"  Mode:       {mode}",
            $"  Privileges: {privileges}",
            $"  Command:    {PaneLauncher.ShellJoin(argv)}",
        ], plan);
    }

    /// <summary>Images that ship no shell by design; the plan goes straight to a debug container for them.</summary>
    private static bool IsShellLess(string image)
    {
        var repo = image.Split('@')[0];
        var slash = repo.LastIndexOf('/');
        var colon = repo.LastIndexOf(':');
        if (colon > slash) repo = repo[..colon];
        return repo.Contains("distroless", StringComparison.OrdinalIgnoreCase) || repo == "scratch" || repo.EndsWith("/scratch", StringComparison.Ordinal);
    }

    /// <summary>The first running pod by name (a stable choice).</summary>
    private static JsonElement FirstRunning(List<JsonElement> pods, string what)
    {
        var running = pods.OrderBy(p => p.Str("metadata", "name"), StringComparer.Ordinal).FirstOrDefault(p => p.Str("status", "phase") == "Running");
        return running.ValueKind == JsonValueKind.Object ? running
            : throw KstackException.User($"{DataText.Token(what, 120)} has no running pod to open a shell in.");
    }

    private async Task<(List<string>, ExecPlan)> PlanNodeAsync(SkillRun run, KubeApi api, PaneStore store, PaneTrust trust, string node, CancellationToken ct)
    {
        var nodeObj = await api.GetObjectAsync(KindInfo.Node.ItemPath(null, node), ApiAction.Get("nodes"), ct)
                      ?? throw KstackException.User($"Node {TerminalText.Clean(node)} not found in context `{run.Context}`.");
        var ns = run.Namespace ?? "default";
        {
            var nsObj = await api.GetObjectAsync(KindInfo.Namespace.ItemPath(null, ns), ApiAction.Get("namespaces"), ct)
                        ?? throw KstackException.User($"Namespace {TerminalText.Clean(ns)} not found in context `{run.Context}`.");
            var enforce = nsObj.Str("metadata", "labels", "pod-security.kubernetes.io/enforce");
            if (enforce is not null && enforce != "privileged")
                throw KstackException.User(
                    $"Namespace {ns} enforces Pod Security level `{TerminalText.Clean(enforce)}`, which rejects the privileged node-shell pod (hostPID, hostNetwork, hostPath, privileged). "
                    + "Pick a namespace labelled pod-security.kubernetes.io/enforce=privileged with -n <namespace>; kstack does not relabel namespaces.");
        }
        var deadline = run.Get(ExecSkill.Deadline) is { } d ? ExecSkill.Deadline.Parse(d) : NodeShell.DefaultDeadline;
        if (deadline <= TimeSpan.Zero) throw KstackException.User("--deadline must be greater than 0s.");
        var session = store.NewSessionName("exec", "node-" + node);
        var slug = PaneStore.Slug(node);
        if (slug.Length > 30) slug = slug[..30].TrimEnd('-');
        var podName = $"kstack-node-shell-{slug}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var options = new NodeShell.Options(node, ns, podName, session, run.Get(ExecSkill.Image) ?? NodeShell.DefaultImage, deadline, run.Get(ExecSkill.WritableHost), run.Get(ExecSkill.RuntimeSocket));
        var taints = nodeObj.Array("spec", "taints").ToList();
        var pod = NodeShell.Pod(options, taints);
        List<string> argv = ["kubectl", $"--context={run.Context}", "exec", "-it", "-n", ns, podName, "-c", NodeShell.ContainerName, "--", "sh", "-c", ShellScript];
        var plan = new ExecPlan
        {
            Trust = trust, Mode = "node", Namespace = ns, Pod = podName, Node = node, Session = session, Posture = NodeShell.Posture(options),
            PodSpec = pod, Argv = argv,
        };
        var tolerations = taints.Count == 0 ? "none needed (node has no taints)"
            : string.Join(", ", taints.Select(t => DataText.Token($"{t.Str("key")}:{t.Str("effect")}")));
        return ([
            $"  Target:     node {DataText.Token(node)}",
            "  Mode:       node shell (privileged pod on the node)",
            "  Privileges: root on the node: privileged container with hostPID, hostNetwork and hostIPC sees every process and interface on the node and can leave the container (nsenter); the read-only /host mount guards against accidents, not against intent",
            $"  Pod spec:   {DataText.Token(ns)}/{podName} · nodeName {DataText.Token(node)} · image {DataText.Token(options.Image)} · privileged, hostPID, hostNetwork, hostIPC · restartPolicy Never · no service-account token",
            $"              {NodeShell.Posture(options)}",
            $"              tolerations: {tolerations}",
            $"              label and annotation {NodeShell.OwnedByKey}={NodeShell.OwnedByValue}, label {NodeShell.SessionKey}={session}",
            $"  Command:    create the pod above, then {PaneLauncher.ShellJoin(argv)}",
        ], plan);
    }

    // ------------------------------------------------------------------ confirm

    private async Task<Env> ConfirmAsync(SkillRun run, KubeApi api, PaneStore store, PlanStore plans, string id, string? target, CancellationToken ct)
    {
        var plan = plans.Take(id, run.Context, target);
        PaneLauncher.RequireTmux();
        var session = plan.Session;
        if (Tmux.HasSession(session) || store.Load(session) is not null)
            throw KstackException.User($"Session {session} already exists, so plan {id} cannot open it. Stop it (`kstack pane stop {session}`) or make a new plan.");
        var (mode, ns, pod, argv, trust) = (plan.Mode, plan.Namespace, plan.Pod, plan.Argv, plan.Trust);
        var record = new PaneRecord
        {
            Session = session, Mode = "exec", Context = run.Context, Target = mode == "node" ? $"node/{plan.Node}" : $"pod/{ns}/{pod}",
            Trust = trust, Command = PaneLauncher.ShellJoin(argv),
            Pods = mode == "node" ? [new PodRef(ns, pod)] : [],
        };
        var extra = new List<string>();
        if (mode == "node")
        {
            // Recorded before the create, so `pane stop` can always find what this session made.
            store.Save(record);
            await CreateNodePodAsync(api, plan, ct);
            extra.Add($"  Posture: {plan.Posture}");
            extra.Add($"  Pod:     {DataText.Token(ns)}/{pod} (deleted by `{PaneLauncher.SelfCommand()} pane stop {session}`)");
        }
        else if (mode == "debug")
        {
            extra.Add($"  Debug:   container {plan.DebugContainer} joins {plan.Container}'s process namespace (target files under /proc/1/root)");
            extra.Add("           ephemeral containers cannot be removed: it stays in the pod spec until the pod is replaced; `pane stop` deletes no pod");
        }
        else if (mode == "pod")
        {
            var container = plan.Container!;
            if (!await ProbeShellAsync(run.Context, ns, pod, container, ct))
                throw KstackException.User($"Container {container} in pod {ns}/{pod} has no shell (distroless or scratch image). Nothing was opened. "
                                           + $"An ephemeral debug container can look inside it: {run.Invocation} debug {pod} (a new plan to confirm).");
        }
        // The pane's first line says what it is and what the agent may do there; argv goes through as arguments, never as script text.
        var header = Skills.Logs.LogFollower.PaneLine(PaneLauncher.PaneHeader("exec", run.Context, record.Target, PaneRecord.TrustName(trust), session, ModeName(mode)));
        List<string> paneArgv = ["sh", "-c", "printf '%s\\n' \"$1\"; shift; exec \"$@\"", "kstack-exec", header, .. argv];
        try { PaneLauncher.Start(store, record, paneArgv); }
        catch (KstackException) when (mode == "node")
        {
            throw KstackException.User($"tmux could not start {session}; pod {ns}/{pod} was created and stays recorded: run `kstack pane stop {session}` to delete it.");
        }
        var lines = new List<string>
        {
            "Session ready.",
            $"  Target:  {DataText.Token(record.Target, 120)} ({ModeName(mode)})",
            $"  Command: {record.Command}",
        };
        lines.AddRange(extra);
        lines.Add($"  Trust:   {PaneLauncher.TrustLine(trust)}");
        lines.Add($"  tmux:    {Tmux.AttachCommand(session)}");
        lines.Add("  " + (trust == PaneTrust.Detached ? "Open it yourself in a terminal with the tmux command above; the agent has no handle to it." : PaneLauncher.TryOpenWindow(session)));
        lines.Add($"  End it:  {PaneLauncher.SelfCommand()} pane stop {session}");
        return Env.Verbatim(string.Join('\n', lines), PaneLauncher.AgentContext(record, mode: mode));
    }

    private static string ModeName(string mode) => mode switch { "node" => "node shell", "debug" => "ephemeral debug container", _ => "pod container shell" };

    private static async Task CreateNodePodAsync(KubeApi api, ExecPlan plan, CancellationToken ct)
    {
        var (ns, pod) = (plan.Namespace, plan.Pod);
        var (code, body) = await api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods", plan.PodSpec!.ToJsonString(), "create the node-shell pod", ct);
        if (code == HttpStatusCode.Forbidden)
            throw KstackException.User($"The cluster refused the node-shell pod in namespace {ns}: {TerminalText.Clean(Kubeconfig.FirstLine(body))}");
        if (!((int)code is >= 200 and < 300))
            throw KstackException.User($"Creating the node-shell pod failed (HTTP {(int)code}): {TerminalText.Clean(Kubeconfig.FirstLine(body))}");
        var path = KindInfo.Pod.ItemPath(ns, pod);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var doc = await api.GetObjectAsync(path, ApiAction.Get("pods", ns), ct);
            var phase = doc?.Str("status", "phase");
            if (phase == "Running") return;
            if (phase is "Failed" or "Succeeded" || doc is null)
                throw KstackException.User($"Node-shell pod {ns}/{pod} did not start ({phase ?? "gone"}). `kstack pane stop` deletes what is left.");
            await Task.Delay(500, ct);
        }
        throw KstackException.User($"Node-shell pod {ns}/{pod} was not Running after 90s (image pull?). Check it, then `kstack pane stop` to delete it.");
    }

    /// <summary>One round-trip: does the container have a POSIX shell? kubectl carries the pinned context before `--`.</summary>
    private static async Task<bool> ProbeShellAsync(string context, string ns, string pod, string container, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { $"--context={context}", "exec", "-n", ns, pod, "-c", container, "--", "sh", "-c", "command -v bash || command -v sh" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw KstackException.Infra($"The shell probe in {ns}/{pod} did not answer within 30s.");
        }
        var output = (await stdout).Trim();
        if (p.ExitCode == 0 && output.Length > 0) return true;
        var err = (await stderr).Trim();
        if (err.Contains("executable file not found", StringComparison.Ordinal) || err.Contains("no such file", StringComparison.OrdinalIgnoreCase) || p.ExitCode is 126 or 127)
            return false;
        throw KstackException.User($"kubectl exec into {ns}/{pod} failed: {TerminalText.Clean(Kubeconfig.FirstLine(err.Length > 0 ? err : $"exit {p.ExitCode}"))}");
    }
}
