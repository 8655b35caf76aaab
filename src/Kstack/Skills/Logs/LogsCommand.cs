using System.Text.Json;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
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

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var store = new PaneStore(run.Root);
        var text = string.Join(' ', run.FreeText).Trim();
        if (run.Get(LogsSkill.Attach)) return Attach(store, "logs", text);

        var trust = PaneLauncher.TrustFrom(run.Get(LogsSkill.TrustPane), run.Get(LogsSkill.Detach));
        if (text.Length == 0)
            throw KstackException.User("Name what to follow: a pod, deployment/NAME (also statefulset/, daemonset/, job/), a label selector such as app=web, or namespace/NAME.");
        if (run.Get(LogsSkill.Since) is { } since && (!Cache.Duration.TryParse(since, out var s) || s <= TimeSpan.Zero))
            throw KstackException.User($"Invalid --since value {ArgumentText.Quote(since)}. Use durations like 30s, 15m, 2h, 1d.");
        if (run.Get(LogsSkill.Grep) is { } grep) LogQuery.CompileGrep(grep);
        PaneLauncher.RequireTmux();
        var useKubetail = run.Get(LogsSkill.UseKubetail);
        if (useKubetail && Tmux.Which("kubetail") is null)
            throw KstackException.User("--use-kubetail needs the kubetail CLI on PATH (brew install kubetail, or curl -sS https://www.kubetail.com/install.sh | bash). Without it, drop the flag: kstack's own follower works over the API.");

        var ns = run.Namespace ?? run.Kubeconfig.NamespaceOf(run.Context) ?? "default";
        using var api = new KubeApi(run.Kubeconfig, run.Context) { Timeout = RequestTimeout.Parse(run.Get(RequestTimeout.Flag)) };
        var query = await TargetResolver.ResolveAsync(api, text, ns, ct) with
        {
            Container = run.Get(LogsSkill.Container), Since = run.Get(LogsSkill.Since), Grep = run.Get(LogsSkill.Grep), Previous = run.Get(LogsSkill.Previous),
        };
        var pods = await CurrentPodsAsync(api, query, ct);

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

    private static async Task<IReadOnlyList<(string Pod, IReadOnlyList<string> Containers)>> CurrentPodsAsync(KubeApi api, LogQuery q, CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(q.Namespace)}/pods";
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
            {
                using var doc = await TargetResolver.GetAsync(api, $"{path}/{Uri.EscapeDataString(p)}", "pod", ct);
                if (doc is not null) Add(doc.RootElement);
            }
        }
        else
        {
            var sel = q.Selector.Length == 0 ? "" : "?labelSelector=" + Uri.EscapeDataString(q.Selector);
            using var list = await TargetResolver.GetAsync(api, path + sel, "pods", ct);
            foreach (var pod in list?.RootElement.Array("items") ?? []) Add(pod);
        }
        if (q.Container is not null && found.Count > 0 && found.All(f => ((IReadOnlyList<string>)f.Item2).Count == 0))
            throw KstackException.User($"No pod of {TerminalText.Clean(q.Target)} has a container named `{TerminalText.Clean(q.Container)}`.");
        return found;
    }

    private static string KubetailSource(LogQuery q) =>
        q.Target.Contains('/') && !q.Target.StartsWith("namespace/", StringComparison.Ordinal)
            ? $"{q.Namespace}:{TargetResolver.KubetailPath(q.Target)}{(q.Container is null ? "" : "/" + q.Container)}"
            : q.Pods.Count == 1 ? $"{q.Namespace}:{q.Pods[0]}" : $"{q.Namespace}:pods/*";

    /// <summary>--attach: the attach command for an existing session of this mode (matching the text when given).</summary>
    public static Env Attach(PaneStore store, string mode, string text)
    {
        var live = store.All().Where(r => r.Mode == mode && Tmux.HasSession(r.Session)).ToList();
        var slug = text.Length == 0 ? null : PaneStore.Slug(text);
        var match = slug is null ? live : live.Where(r => r.Session.StartsWith($"kstack-{mode}-{slug}", StringComparison.Ordinal)).ToList();
        if (match.Count == 0)
            throw KstackException.User(live.Count == 0 ? $"No running kstack {mode} session to attach to." : $"No running kstack {mode} session matches `{TerminalText.Clean(text)}`.");
        if (match.Count > 1)
            throw KstackException.User($"Several kstack {mode} sessions match; name one: " + string.Join(", ", match.Where(r => r.Trust != PaneTrust.Detached).Select(r => r.Session)) + ".");
        var r = match[0];
        return Env.Verbatim(string.Join('\n',
            $"Session {r.Session} is running.",
            $"  Target: {DataText.Token(r.Target, 120)}",
            $"  Trust:  {PaneLauncher.TrustLine(r.Trust)}",
            $"  tmux:   {Tmux.AttachCommand(r.Session)}",
            "  " + (r.Trust == PaneTrust.Detached ? "Open it yourself in a terminal with the tmux command above." : PaneLauncher.TryOpenWindow(r.Session))),
            PaneLauncher.AgentContext(r));
    }
}
