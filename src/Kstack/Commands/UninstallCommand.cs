using Kstack.Cache;
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

    public static Env Invoke(IReadOnlyList<string> args) =>
        Invoke(args, InstallRoot.Resolve().Path, InstallTarget.Home(), Console.In, Console.Error);

    public static Env Invoke(IReadOnlyList<string> args, string root, string home, TextReader input, TextWriter prompt)
    {
        try
        {
            Agent? only = null;
            var force = false;
            for (var i = 0; i < args.Count; i++)
            {
                var a = args[i];
                string? name = null;
                if (a is "-h" or "--help") return Env.Verbatim(Usage);
                if (a == "--force") { force = true; continue; }
                if (a == "--agent")
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
                        throw KstackException.User("Missing value for --agent");
                    name = args[++i];
                }
                else if (a.StartsWith("--agent=", StringComparison.Ordinal))
                {
                    name = a["--agent=".Length..];
                    if (name.Length == 0) throw KstackException.User("Missing value for --agent");
                }
                else throw KstackException.User($"Unknown option: {a}");
                only = AgentTable.Find(name) ?? throw KstackException.User($"Unknown agent: {name}\nSupported: {AgentTable.SupportedList}");
            }

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
