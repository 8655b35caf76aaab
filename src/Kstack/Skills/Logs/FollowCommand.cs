using System.CommandLine;
using Kstack.Cli;
using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Logs;

/// <summary>
/// `kstack logs follow …`: runs <see cref="LogFollower"/> in the foreground of a pane (it writes lines to the terminal,
/// not an envelope); exit 0 when stopped, 2 on a bad query. /logs builds its arguments with <see cref="LogQuery.FollowArgs"/>.
/// </summary>
internal static class FollowCommand
{
    private static readonly Option<string?> Context = new("--context") { Description = "The pinned context (required)" };
    private static readonly Option<string?> Namespace = new("--namespace") { Description = "The namespace (required)" };
    private static readonly Option<string[]> Pods = new("--pod") { Description = "A pod to follow (repeatable)" };
    // `--selector=` (every pod of the namespace) and `--grep=` are valid: an empty value, not a missing one.
    private static readonly Option<string?> Selector = new("--selector") { Description = "Follow the pods matching this label selector", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Container = new("--container") { Description = "Only this container" };
    private static readonly Option<string?> Since = new("--since") { Description = "Only lines newer than this" };
    private static readonly Option<string?> Grep = new("--grep") { Description = "Only lines matching this regular expression", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> Previous = new("--previous") { Description = "The previous container instance" };
    // Only for the pane's first line: how the user named the target, the session and its trust setting.
    private static readonly Option<string?> Target = new("--target") { Description = "How the user named the target (pane header)" };
    private static readonly Option<string?> Session = new("--session") { Description = "The pane's session (pane header)" };
    private static readonly Option<string?> Trust = new("--trust") { Description = "The pane's trust setting (pane header)" };

    public static StreamCommand Build() => new("follow", "Stream logs into a /logs pane (started by /logs, not by hand)", RunAsync)
    {
        Options = { Context, Namespace, Pods, Selector, Container, Since, Grep, Previous, Target, Session, Trust },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static async Task<int> RunAsync(ParseResult parsed, CancellationToken ct)
    {
        try
        {
            var query = Query(parsed, out var context);
            // The pane's first line says what it is, before anything can fail.
            Console.Out.WriteLine(LogFollower.PaneLine(Panes.PaneLauncher.PaneHeader("logs", context, query.Target, parsed.GetValue(Trust) ?? "default", parsed.GetValue(Session), null)));
            Console.Out.Flush();
            var kubeconfig = Kubeconfig.Load();
            if (!kubeconfig.HasContext(context)) throw KstackException.User(kubeconfig.UnknownContextMessage(context));
            using var api = new KubeApi(kubeconfig, context, TimeSpan.FromSeconds(20));
            var stdout = Console.Out;
            await new LogFollower(api, query, stdout) { Colour = LogFollower.TerminalSupportsColour() }.RunAsync(ct);
            return 0;
        }
        catch (KstackException e)
        {
            Console.Error.WriteLine(LogFollower.PaneLine($"kstack logs follow: {e.Message}"));
            return 2;
        }
    }

    public static LogQuery Query(ParseResult parsed, out string context)
    {
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown) throw KstackException.User($"logs follow: unknown argument {ArgumentText.Quote(unknown)}.");
        Commands.GlobalFlags.ThrowOnOptionErrors(parsed, "");
        var ctx = parsed.GetValue(Context);
        var ns = parsed.GetValue(Namespace);
        var pods = parsed.GetValue(Pods) ?? [];
        var selector = parsed.GetResult(Selector) is null ? null : parsed.GetValue(Selector) ?? "";
        if (string.IsNullOrEmpty(ctx)) throw KstackException.User("logs follow: --context=<name> is required.");
        if (string.IsNullOrEmpty(ns)) throw KstackException.User("logs follow: --namespace=<ns> is required.");
        if (pods.Length == 0 && selector is null) throw KstackException.User("logs follow: give --pod=<name> or --selector=<labels>.");
        if (selector is not null) Objects.LabelSelector.Validate(selector);
        context = ctx;
        var since = parsed.GetValue(Since);
        if (since is not null) Cache.Duration.Parse("--since", since);
        var grep = parsed.GetResult(Grep) is null ? null : parsed.GetValue(Grep) ?? "";
        if (grep is not null) LogQuery.CompileGrep(grep);
        return new LogQuery
        {
            Namespace = ns, Pods = pods, Selector = selector, Container = parsed.GetValue(Container), Since = since, Grep = grep,
            Previous = parsed.GetValue(Previous), Target = parsed.GetValue(Target) ?? selector ?? string.Join(",", pods),
        };
    }
}
