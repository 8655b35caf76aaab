using System.CommandLine;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Envelope;
using Kstack.Install;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>`kstack uninstall [--agent &lt;name&gt;] [--force]`: removes the install this binary belongs to.</summary>
public static class UninstallCommand
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
        removed. Cluster resources are not touched.
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
        Invoke(parsed, InstallRoot.Resolve().Path, InstallTarget.Home(), Console.In, Console.Error);

    public static Env Invoke(ParseResult parsed, string root, string home, TextReader input, TextWriter prompt)
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

            var plan = Uninstaller.Plan(InstallTarget.FromRoot(root, home), only);
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
            return Env.Verbatim(string.Join("\n", Uninstaller.Run(plan)));
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
