using System.Text.Json;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Panes;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Logs;

/// <summary>
/// /logs: resolves a target to pods, states the query, and starts `kstack logs follow` (or kubetail) in a recorded
/// tmux pane with the requested trust setting.
/// </summary>
public sealed class LogsCommand : SkillCommand
{
    public override SkillDescriptor Descriptor => LogsSkill.Descriptor;

    public static readonly TargetRules Rules = new("logs",
        [KindInfo.Pod, KindInfo.Deployment, KindInfo.StatefulSet, KindInfo.DaemonSet, KindInfo.ReplicaSet, KindInfo.Job, KindInfo.Namespace], Selectors: true,
        "Targets: a pod, <kind>/<name> (deployment, statefulset, daemonset, replicaset, job), <namespace>/<name>, "
        + "<kind>/<namespace>/<name>, a label selector such as app=web, or namespace/<name> for every pod in it.");

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var store = new PaneStore(run.Root);
        var text = string.Join(' ', run.FreeText).Trim();
        if (run.Get(LogsSkill.Attach)) return PaneAttach.Attach(store, "logs", text);

        var trust = PaneLauncher.TrustFrom(run.Get(LogsSkill.TrustPane), run.Get(LogsSkill.Detach));
        var target = Target.Parse(run.FreeText, run.Namespace, Rules);
        if (run.Get(LogsSkill.Since) is { } since && (!Cache.Duration.TryParse(since, out var s) || s <= TimeSpan.Zero))
            throw KstackException.User($"Invalid --since value {ArgumentText.Quote(since)}. Use durations like 30s, 15m, 2h, 1d.");
        if (run.Get(LogsSkill.Grep) is { } grep) LogQuery.CompileGrep(grep);
        PaneLauncher.RequireTmux();
        var useKubetail = run.Get(LogsSkill.UseKubetail);
        if (useKubetail && Tmux.Which("kubetail") is null)
            throw KstackException.User("--use-kubetail needs the kubetail CLI on PATH (brew install kubetail, or curl -sS https://www.kubetail.com/install.sh | bash). Without it, drop the flag: kstack's own follower works over the API.");

        var api = run.Api;
        var resolver = new TargetResolver(api, run.Kubeconfig.NamespaceOf(run.Context));
        var resolved = target.Selector is { } selector
            ? new LogQuery { Namespace = target.Namespace ?? resolver.FallbackNamespace, Selector = selector, Target = selector }
            : LogQuery.From(await resolver.ResolveAsync(target, Rules, ct));
        var query = resolved with
        {
            Container = run.Get(LogsSkill.Container), Since = run.Get(LogsSkill.Since), Grep = run.Get(LogsSkill.Grep), Previous = run.Get(LogsSkill.Previous),
        };
        var pods = await CurrentPodsAsync(api, resolver, query, ct);

        List<string> argv;
        if (useKubetail)
        {
            argv = ["kubetail", "logs", $"--kube-context={run.Context}", KubetailSource(query), "--follow"];
            if (query.Since is not null) argv.AddRange(["--since", query.Since]);
            if (query.Grep is not null) argv.AddRange(["--grep", query.Grep]);
        }
        else
        {
            argv = [Environment.ProcessPath ?? "kstack", .. query.FollowArgs(run.Context)];
        }
        var session = store.NewSessionName("logs", query.Target);
        var record = new PaneRecord
        {
            Session = session, Mode = "logs", Context = run.Context, Target = query.Target, Trust = trust,
            Command = PaneLauncher.ShellJoin(argv),
        };
        PaneLauncher.Start(store, record, argv);

        var lines = new List<string>
        {
            "Session ready.",
            $"  Target:  {DataText.Token(query.Target, 120)} in namespace {DataText.Token(query.Namespace)}"
            + (query.Selector is { Length: > 0 } sel ? $" (selector {DataText.Quote(sel, 200)})" : ""),
            $"  Pods:    {PodList(pods, query)}",
            $"  Window:  {(query.Previous ? "previous container instance" : query.Since is { } w ? $"since {w}" : $"last {LogFollower.DefaultTail} lines per container, then live")}"
            + $" · grep: {(query.Grep is null ? "none" : DataText.Quote(query.Grep, 200))} · container: {DataText.Token(query.Container ?? "all")}",
            $"  Command: {record.Command}",
            $"  Trust:   {PaneLauncher.TrustLine(trust)}",
            $"  tmux:    {Tmux.AttachCommand(session)}",
        };
        if (trust != PaneTrust.Detached) lines.Add("  " + PaneLauncher.TryOpenWindow(session));
        else lines.Add("  Open it yourself in a terminal with the tmux command above; the agent has no handle to it.");
        return Env.Verbatim(string.Join('\n', lines), PaneLauncher.AgentContext(record, w =>
        {
            w.WriteString("namespace", query.Namespace);
            w.WriteNumber("pods", pods.Count);
        }));
    }

    private static string PodList(IReadOnlyList<(string Pod, IReadOnlyList<string> Containers)> pods, LogQuery q)
    {
        var shown = pods.Take(8).Select(p => $"{DataText.Token(p.Pod)} [{string.Join(",", p.Containers.Select(c => DataText.Token(c)))}]");
        var text = pods.Count == 0 ? "none yet" : string.Join(", ", shown) + (pods.Count > 8 ? $" and {pods.Count - 8} more" : "");
        return q.FollowsNewPods ? text + " — new matching pods join as they appear" : text;
    }

    private static async Task<IReadOnlyList<(string Pod, IReadOnlyList<string> Containers)>> CurrentPodsAsync(KubeApi api, TargetResolver resolver,
        LogQuery q, CancellationToken ct)
    {
        var found = new List<(string, IReadOnlyList<string>)>();
        void Add(JsonElement pod)
        {
            var containers = pod.Array("spec", "containers").Select(c => c.Str("name") ?? "")
                .Where(c => q.Container is null || c == q.Container).ToList();
            found.Add((pod.Str("metadata", "name") ?? "", containers));
        }
        if (q.Selector is null)
        {
            foreach (var p in q.Pods)
                if (await api.GetAsync(KindInfo.Pod.ItemPath(q.Namespace, p), ApiAction.Get("pods", q.Namespace), ct) is { Ok: true } got) Add(got.Value);
        }
        else
        {
            foreach (var pod in await resolver.PodsAsync(q.Selector, q.Namespace, ct)) Add(pod);
        }
        if (q.Container is not null && found.Count > 0 && found.All(f => ((IReadOnlyList<string>)f.Item2).Count == 0))
            throw KstackException.User($"No pod of {TerminalText.Clean(q.Target)} has a container named `{TerminalText.Clean(q.Container)}`.");
        return found;
    }

    private static string KubetailSource(LogQuery q) =>
        q.Target.Contains('/') && q.Target != q.Selector && !q.Target.StartsWith("namespace/", StringComparison.Ordinal)
            ? $"{q.Namespace}:{KubetailPath(q.Target)}{(q.Container is null ? "" : "/" + q.Container)}"
            : q.Pods.Count == 1 ? $"{q.Namespace}:{q.Pods[0]}" : $"{q.Namespace}:pods/*";

    /// <summary>deployment/web → deployments/web (kubetail's source path).</summary>
    private static string KubetailPath(string target)
    {
        var slash = target.IndexOf('/');
        return (KindTable.Builtin.Find(target[..slash])?.Plural ?? target[..slash]) + target[slash..];
    }
}
