using System.CommandLine;
using Kstack.Cli;
using Kstack.Envelope;
using Kstack.Install;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>`kstack install`: renders the skill pack for one or more agents (see reference §1.5 for the flags).</summary>
internal static class InstallCommand
{
    public const string Usage =
        """
        kstack install — install the kstack skills for your AI agent(s).

        Usage: kstack install [--global|--local] [--agent <name>]... [--dir <path>]... [--prefix <p>|--no-prefix] [--quiet]
               kstack install --mcp [--global|--local] [--agent claude|codex|cursor]...

          --global          Install root ~/.config/kstack (or $KSTACK_ROOT); skills in the agents' home dirs (default)
          --local           Install root ./.kstack; skills in the agents' dirs under the current directory
          --agent <name>    Install for this agent (repeatable); default: every agent CLI found on PATH, else claude
          --dir <path>      Also render the skills into this directory, for an agent not listed below (repeatable)
          --prefix <p>      Slot prefix (default kstack-): /kstack-forget. Lowercase letters, digits and single hyphens
          --no-prefix       No prefix: /forget
          -q, --quiet       Print a one-line summary instead of the log
          --mcp             Add `kstack mcp` to the agents' MCP configuration instead (Claude Code .mcp.json / ~/.claude.json,
                            Codex config.toml [mcp_servers.kstack], Cursor .cursor/mcp.json); other entries are kept
          -h, --help        Show this help

        Agents: claude codex opencode cursor factory slate kiro hermes pi (directories and controls: docs/agents.md)
        Re-running is safe: slots of an earlier install that are no longer produced are removed; other skills are never touched.
        """;

    public sealed record Options(bool Global, bool Local, IReadOnlyList<string> Agents, string Prefix, bool Quiet, bool Help, IReadOnlyList<string> Dirs, bool Mcp = false);

    private static readonly Option<bool> Global = new("--global") { Description = "Install root ~/.config/kstack (default)" };
    private static readonly Option<bool> Local = new("--local") { Description = "Install root ./.kstack" };
    private static readonly Option<string[]> Agent = new("--agent") { Description = "Install for this agent (repeatable)", HelpName = "name" };
    private static readonly Option<string[]> Dir = new("--dir") { Description = "Also render the skills into this directory (repeatable)", HelpName = "path" };
    private static readonly Option<string[]> Prefix = new("--prefix") { Description = "Slot prefix (default kstack-)", HelpName = "p" };
    private static readonly Option<bool> NoPrefix = new("--no-prefix") { Description = "No prefix" };
    private static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print a one-line summary instead of the log" };
    private static readonly Option<bool> Help = new("--help", "-h") { Description = "Show this help" };
    private static readonly Option<bool> Mcp = new("--mcp") { Description = "Add kstack's MCP server to the agents' MCP configuration" };

    /// <summary>`kstack install` on the root command.</summary>
    public static VerbCommand Build() => new("install", "Install the kstack skills for your AI agent(s)",
        (call, _) => Task.FromResult(Invoke(call)))
    {
        Options = { Global, Local, Agent, Dir, Prefix, NoPrefix, Quiet, Help, Mcp },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static Env Invoke(VerbCall call) => Invoke(call, Directory.GetCurrentDirectory(), AgentHomes.Current(InstallTarget.Home()),
        Environment.GetEnvironmentVariable("KSTACK_ROOT"), Environment.GetEnvironmentVariable("PATH"), SelfInstall.CurrentExecutable);

    public static Env Invoke(VerbCall call, string cwd, AgentHomes homes, string? rootOverride, string? path, Func<string> executable)
    {
        try
        {
            var options = Parse(call);
            if (options.Help) return Env.Verbatim(Usage);
            var installer = Installer.Default;
            if (!SlotName.IsValidPrefix(options.Prefix, installer.Skills()))
                throw KstackException.User($"Invalid --prefix: {ArgumentText.Cap(options.Prefix)}\nUse lowercase letters, digits and single hyphens (e.g. `kstack-` or `k-`); slot names must match ^[a-z0-9]+(-[a-z0-9]+)*$ and stay within {SlotName.MaxLength} characters.");
            if (options.Global && options.Local) throw KstackException.User("--global and --local are mutually exclusive");

            if (options.Mcp)
            {
                var mcpTarget = options.Local ? InstallTarget.Local(cwd, homes) : InstallTarget.Global(homes, rootOverride);
                RejectControlCharacters(mcpTarget.Root, mcpTarget.AgentBase);
                return Kstack.Mcp.McpInstall.Run(mcpTarget, options.Agents, path, executable());
            }

            var notes = new List<string>();
            IReadOnlyList<Agent> agents;
            if (options.Agents.Count > 0)
            {
                agents = options.Agents.Select(n => AgentTable.Find(n) ?? throw KstackException.User($"Unknown agent: {ArgumentText.Cap(n)}\nSupported: {AgentTable.SupportedList}"))
                    .Distinct().OrderBy(a => IndexOf(a)).ToList();
            }
            else if (options.Dirs.Count > 0)
            {
                agents = [];
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

            var target = options.Local ? InstallTarget.Local(cwd, homes) : InstallTarget.Global(homes, rootOverride);
            var dirs = options.Dirs.Select(d => Path.GetFullPath(d, cwd)).Distinct(StringComparer.Ordinal).ToList();
            RejectControlCharacters([target.Root, target.AgentBase, .. dirs]);
            agents = [.. agents, .. dirs.Select(AgentTable.Custom)];
            var result = installer.Run(new InstallPlan(target, agents, options.Prefix, notes, cwd), executable());
            if (!options.Quiet) return Env.Verbatim(string.Join("\n", result.Log));
            var count = result.Slots.Count;
            var first = agents[0];
            return Env.Verbatim($"kstack installed ({target.Label}) for {string.Join(", ", agents.Select(a => a.Name))}: {count} skill{(count == 1 ? "" : "s")} ({string.Join(", ", result.Slots.Select(first.Invocation))}), root {target.Root}"
                                + (result.Warnings.Count > 0 ? $"; {result.Warnings.Count} warning{(result.Warnings.Count == 1 ? "" : "s")}: run without --quiet" : ""));
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

    /// <summary>The parsed flags, with the installer's original messages: later --prefix wins, --agent repeats.</summary>
    public static Options Parse(VerbCall call)
    {
        var parsed = call.Parsed;
        if (parsed.GetValue(Help)) return new Options(false, false, [], SlotName.DefaultPrefix, false, true, []);
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown) throw KstackException.User($"Unknown option: {ArgumentText.Cap(unknown)}");
        var agents = Values(parsed, Agent);
        // The parser drops the empty value of `--prefix=` (no prefix), which would make it look like a bare `--prefix`.
        var last = call.Args.LastOrDefault(a => a == "--prefix=" || a == Prefix.Name || a.StartsWith(Prefix.Name + "=", StringComparison.Ordinal));
        var prefixes = last == "--prefix=" ? [""] : Values(parsed, Prefix);
        var prefix = parsed.GetValue(NoPrefix) ? "" : prefixes.Count > 0 ? prefixes[^1] : SlotName.DefaultPrefix;
        return new Options(parsed.GetValue(Global), parsed.GetValue(Local), agents, prefix, parsed.GetValue(Quiet), false, Values(parsed, Dir), parsed.GetValue(Mcp));
    }

    /// <summary>
    /// Every value given to a repeatable option; "Missing value for --x" when one occurrence has none (`--x` last,
    /// `--x=`, an empty word, or followed by another flag).
    /// </summary>
    internal static IReadOnlyList<string> Values(ParseResult parsed, Option<string[]> option)
    {
        if (parsed.GetResult(option) is not { } result) return [];
        var values = result.Tokens.Select(t => t.Value).ToList();
        if (result.Tokens.Count < result.IdentifierTokenCount || values.Any(v => v.Length == 0 || v.StartsWith("--", StringComparison.Ordinal)))
            throw KstackException.User($"Missing value for {option.Name}");
        return values;
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
