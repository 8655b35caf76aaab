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
internal sealed class LogsCommand : SkillCommand
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
        CheckFilters(run.Get(LogsSkill.Since), run.Get(LogsSkill.Grep));
        PaneLauncher.RequireTmux();
        var useKubetail = run.Get(LogsSkill.UseKubetail);
        if (useKubetail && Tmux.Which("kubetail") is null)
            throw KstackException.User("--use-kubetail needs the kubetail CLI on PATH (brew install kubetail, or curl -sS https://www.kubetail.com/install.sh | bash). Without it, drop the flag: kstack's own follower works over the API.");

        var (query, pods) = await ResolveAsync(run.Api, run.Kubeconfig.NamespaceOf(run.Context), target,
            new LogQuery { Namespace = "", Container = run.Get(LogsSkill.Container), Since = run.Get(LogsSkill.Since), Grep = run.Get(LogsSkill.Grep), Previous = run.Get(LogsSkill.Previous) }, ct);

        var session = store.NewSessionName("logs", query.Target);
        List<string> argv;
        if (useKubetail)
        {
            argv = ["kubetail", "logs", $"--kube-context={run.Context}", KubetailSource(query), "--follow"];
            if (query.Since is not null) argv.AddRange(["--since", query.Since]);
            if (query.Grep is not null) argv.AddRange(["--grep", query.Grep]);
        }
        else
        {
            argv = FollowerArgv(query, run.Context, session, trust);
        }
        var record = new PaneRecord
        {
            Session = session, Mode = "logs", Context = run.Context, Target = query.Target, Trust = trust,
            Command = PaneLauncher.ShellJoin(argv), Namespace = query.Namespace,
        };
        PaneLauncher.Start(store, record, argv);

        var lines = new List<string> { "Session ready." };
        lines.AddRange(QueryLines(query, pods));
        lines.AddRange(new List<string>
        {
            $"  Command: {record.Command}",
            $"  Trust:   {PaneLauncher.TrustLine(trust)}",
            $"  tmux:    {Tmux.AttachCommand(session)}",
        });
        if (trust != PaneTrust.Detached) lines.Add("  " + PaneLauncher.TryOpenWindow(session));
        else lines.Add("  Open it yourself in a terminal with the tmux command above; the agent has no handle to it.");
        return Env.Verbatim(string.Join('\n', lines), PaneLauncher.AgentContext(record, ns: query.Namespace, pods: pods.Count));
    }

    /// <summary>The --since and --grep filters are usable (shared by /logs and `pane send` into a logs pane).</summary>
    public static void CheckFilters(string? since, string? grep)
    {
        if (since is not null && (!Cache.Duration.TryParse(since, out var s) || s <= TimeSpan.Zero))
            throw KstackException.User($"Invalid --since value {ArgumentText.Quote(since)}. Use durations like 30s, 15m, 2h, 1d.");
        if (grep is not null) LogQuery.CompileGrep(grep);
    }

    /// <summary>
    /// The pods a target names, with the filters of <paramref name="filters"/>, and the pods following it now (shared by
    /// /logs and `pane send` into a logs pane).
    /// </summary>
    public static async Task<(LogQuery Query, IReadOnlyList<(string Pod, IReadOnlyList<string> Containers)> Pods)> ResolveAsync(
        KubeApi api, string? contextNamespace, Target target, LogQuery filters, CancellationToken ct)
    {
        var resolver = new TargetResolver(api, contextNamespace);
        var resolved = target.Selector is { } selector
            ? new LogQuery { Namespace = target.Namespace ?? resolver.FallbackNamespace, Selector = selector, Target = selector }
            : LogQuery.From(await resolver.ResolveAsync(target, Rules, ct));
        var query = resolved with { Container = filters.Container, Since = filters.Since, Grep = filters.Grep, Previous = filters.Previous };
        return (query, await CurrentPodsAsync(api, resolver, query, ct));
    }

    /// <summary>kstack's own follower for a pane: this binary, `logs follow`, the pinned context first.</summary>
    public static List<string> FollowerArgv(LogQuery query, string context, string session, PaneTrust trust) =>
        [Environment.ProcessPath ?? "kstack", .. query.FollowArgs(context, session, PaneRecord.TrustName(trust))];

    /// <summary>The resolved query as stated to the user: target, pods, window and filters.</summary>
    public static IEnumerable<string> QueryLines(LogQuery query, IReadOnlyList<(string Pod, IReadOnlyList<string> Containers)> pods) =>
    [
        $"  Target:  {DataText.Token(query.Target, 120)} in namespace {DataText.Token(query.Namespace)}"
        + (query.Selector is { Length: > 0 } sel ? $" (selector {DataText.Quote(sel, 200)})" : ""),
        $"  Pods:    {PodList(pods, query)}",
        $"  Window:  {(query.Previous ? "previous container instance" : query.Since is { } w ? $"since {w}" : $"last {LogFollower.DefaultTail} lines per container, then live")}"
        + $" · grep: {(query.Grep is null ? "none" : DataText.Quote(query.Grep, 200))} · container: {DataText.Token(query.Container ?? "all")}",
    ];

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
