using Kstack.Envelope;
using Kstack.Install;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>`kstack install`: renders the skill pack for one or more agents (see reference §1.5 for the flags).</summary>
public static class InstallCommand
{
    public const string Usage =
        """
        kstack install — install the kstack skills for your AI agent(s).

        Usage: kstack install [--global|--local] [--agent <name>]... [--prefix <p>|--no-prefix] [--quiet]

          --global          Install root ~/.config/kstack (or $KSTACK_ROOT); skills in the agents' home dirs (default)
          --local           Install root ./.kstack; skills in the agents' dirs under the current directory
          --agent <name>    Install for this agent (repeatable); default: every agent CLI found on PATH, else claude
          --prefix <p>      Slot prefix (default kstack-): /kstack-forget. Lowercase letters, digits and single hyphens
          --no-prefix       No prefix: /forget
          -q, --quiet       Print a one-line summary instead of the log
          -h, --help        Show this help

        Agents: claude codex opencode cursor factory slate kiro hermes pi
        Re-running is safe: slots of an earlier install that are no longer produced are removed; other skills are never touched.
        """;

    public sealed record Options(bool Global, bool Local, IReadOnlyList<string> Agents, string Prefix, bool Quiet, bool Help);

    public static Env Invoke(IReadOnlyList<string> args) => Invoke(args, Directory.GetCurrentDirectory(), InstallTarget.Home(),
        Environment.GetEnvironmentVariable("KSTACK_ROOT"), Environment.GetEnvironmentVariable("PATH"), SelfInstall.CurrentExecutable);

    public static Env Invoke(IReadOnlyList<string> args, string cwd, string home, string? rootOverride, string? path, Func<string> executable)
    {
        try
        {
            var options = Parse(args);
            if (options.Help) return Env.Verbatim(Usage);
            var installer = Installer.Default;
            if (!SlotName.IsValidPrefix(options.Prefix, installer.Skills()))
                throw KstackException.User($"Invalid --prefix: {options.Prefix}\nUse lowercase letters, digits and single hyphens (e.g. `kstack-` or `k-`); slot names must match ^[a-z0-9]+(-[a-z0-9]+)*$ and stay within {SlotName.MaxLength} characters.");
            if (options.Global && options.Local) throw KstackException.User("--global and --local are mutually exclusive");

            var notes = new List<string>();
            IReadOnlyList<Agent> agents;
            if (options.Agents.Count > 0)
            {
                agents = options.Agents.Select(n => AgentTable.Find(n) ?? throw KstackException.User($"Unknown agent: {n}\nSupported: {AgentTable.SupportedList}"))
                    .Distinct().OrderBy(a => IndexOf(a)).ToList();
            }
            else
            {
                agents = AgentTable.Detect(path);
                if (agents.Count == 0)
                {
                    notes.Add("No agent CLIs detected on PATH — installing for claude by default.");
                    agents = [AgentTable.Find("claude")!];
                }
            }

            var target = options.Local ? InstallTarget.Local(cwd) : InstallTarget.Global(home, rootOverride);
            RejectControlCharacters(target.Root, target.AgentBase);
            var result = installer.Run(new InstallPlan(target, agents, options.Prefix, notes), executable());
            if (!options.Quiet) return Env.Verbatim(string.Join("\n", result.Log));
            var count = result.Slots.Count;
            return Env.Verbatim($"kstack installed ({target.Label}) for {string.Join(", ", agents.Select(a => a.Name))}: {count} skill{(count == 1 ? "" : "s")} ({string.Join(", ", result.Slots.Select(s => "/" + s))}), root {target.Root}");
        }
        catch (KstackException e)
        {
            return e.ToEnvelope();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Env.InfraError($"Install failed: {e.Message}");
        }
    }

    public static Options Parse(IReadOnlyList<string> args)
    {
        bool global = false, local = false, quiet = false, help = false;
        var agents = new List<string>();
        var prefix = SlotName.DefaultPrefix;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "--global": global = true; break;
                case "--local": local = true; break;
                case "--no-prefix": prefix = ""; break;
                case "-q" or "--quiet": quiet = true; break;
                case "-h" or "--help": help = true; break;
                case "--agent":
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
                        throw KstackException.User("Missing value for --agent");
                    agents.Add(args[++i]);
                    break;
                case "--prefix":
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        throw KstackException.User("Missing value for --prefix");
                    prefix = args[++i];
                    break;
                default:
                    if (a.StartsWith("--agent=", StringComparison.Ordinal))
                    {
                        var name = a["--agent=".Length..];
                        if (name.Length == 0) throw KstackException.User("Missing value for --agent");
                        agents.Add(name);
                    }
                    else if (a.StartsWith("--prefix=", StringComparison.Ordinal)) prefix = a["--prefix=".Length..];
                    else throw KstackException.User($"Unknown option: {a}");
                    break;
            }
        }
        return new Options(global, local, agents, prefix, quiet, help);
    }

    private static int IndexOf(Agent agent)
    {
        for (var i = 0; i < AgentTable.All.Count; i++)
            if (AgentTable.All[i] == agent) return i;
        return int.MaxValue;
    }

    /// <summary>Paths end up in Markdown and shell commands; a control character would corrupt both.</summary>
    internal static void RejectControlCharacters(params string[] paths)
    {
        foreach (var p in paths)
            if (p.Any(char.IsControl))
                throw KstackException.User($"Refusing to install under a path with control characters: {p}");
    }
}
