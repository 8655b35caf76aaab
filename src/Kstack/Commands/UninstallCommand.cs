using System.CommandLine;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Envelope;
using Kstack.Install;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>`kstack uninstall [--agent &lt;name&gt;] [--force]`: removes the install this binary belongs to.</summary>
internal static class UninstallCommand
{
    public const string Usage =
        """
        kstack uninstall — remove the kstack skills and the kstack install root.

        Usage: kstack uninstall [--agent <name>] [--force]

          --agent <name>    Remove only this agent's kstack skills; the install root is kept while other agents still use it
          --force           Do not ask for confirmation
          -h, --help        Show this help

        The install is the one this binary lives in (<root>/bin/kstack), else $KSTACK_ROOT, else ~/.config/kstack.
        ~/.config/kstack (or $KSTACK_ROOT) is a global install (skills under your home directory); a root named .kstack
        is a local install whose project is its parent directory. Only the skills listed in <root>/manifest/skills are
        removed. Live kstack sessions (tmux panes and the pods they created, e.g. node shells) are listed and uninstall
        refuses; with --force they are stopped like `kstack pane stop` (each pod re-checked for kstack's labels) first.
        """;

    private static readonly Option<string[]> Agent = new("--agent") { Description = "Remove only this agent's kstack skills", HelpName = "name" };
    private static readonly Option<bool> Force = new("--force") { Description = "Do not ask for confirmation" };
    private static readonly Option<bool> Help = new("--help", "-h") { Description = "Show this help" };

    /// <summary>`kstack uninstall` on the root command.</summary>
    public static VerbCommand Build() => new("uninstall", "Remove the kstack skills and the kstack install root",
        (call, _) => Task.FromResult(Invoke(call.Parsed)))
    {
        Options = { Agent, Force, Help },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static Env Invoke(ParseResult parsed) =>
        Invoke(parsed, InstallRoot.Resolve().Path, AgentHomes.Current(InstallTarget.Home()), Console.In, Console.Error);

    public static Env Invoke(ParseResult parsed, string root, AgentHomes homes, TextReader input, TextWriter prompt)
    {
        try
        {
            if (parsed.GetValue(Help)) return Env.Verbatim(Usage);
            if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown) throw KstackException.User($"Unknown option: {ArgumentText.Cap(unknown)}");
            // The last --agent wins, as in the original installer.
            var only = InstallCommand.Values(parsed, Agent)
                .Select(n => AgentTable.Find(n) ?? throw KstackException.User($"Unknown agent: {ArgumentText.Cap(n)}\nSupported: {AgentTable.SupportedList}"))
                .LastOrDefault();
            var force = parsed.GetValue(Force);

            var plan = Uninstaller.Plan(InstallTarget.FromRoot(root, homes), only);
            if (plan.Sessions.Count > 0 && !force)
                throw KstackException.User(
                    $"kstack still has {plan.Sessions.Count} session{(plan.Sessions.Count == 1 ? "" : "s")} recorded under {plan.Target.Root}:\n"
                    + string.Join("\n", Uninstaller.Describe(plan.Sessions).Select(l => "  " + l))
                    + "\nStop them first with `kstack pane stop <session>`, or run `kstack uninstall --force` to stop them (pods are deleted only "
                    + "after re-checking kstack's labels) and uninstall. Nothing was removed.");
            if (!force)
            {
                var what = plan.SlotDirs.Count == 0 ? "no skill directories" : $"{plan.SlotDirs.Count} skill director{(plan.SlotDirs.Count == 1 ? "y" : "ies")}";
                var rootPart = plan.RemovesRoot ? $" and {plan.Target.Root}" : "";
                prompt.Write($"Remove kstack ({plan.Target.Label}): {what} for {plan.AgentsText}{rootPart}? [y/N] ");
                prompt.Flush();
                var answer = input.ReadLine()?.Trim();
                if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
                    return Env.Verbatim("Aborted.");
            }
            var (stopped, allStopped) = Uninstaller.StopSessionsAsync(plan, CancellationToken.None).GetAwaiter().GetResult();
            if (!allStopped)
                return Env.InfraError("Uninstall stopped before removing anything else, because kstack could not delete everything it created:\n"
                                      + string.Join("\n", stopped)
                                      + $"\nThe session records under {plan.Target.Root} are kept so `kstack pane stop <session>` can retry; then run uninstall again.");
            return Env.Verbatim(string.Join("\n", Uninstaller.Run(plan, stopped)));
        }
        catch (KstackException e)
        {
            return e.ToEnvelope();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Env.InfraError($"Uninstall failed: {e.Message}");
        }
    }
}
