using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using System.Text;
using Kstack.Commands;
using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Cli;

/// <summary>
/// kstack's one System.CommandLine root: every skill (from the <see cref="SkillCatalogue"/>) and every verb (install,
/// uninstall, entrypoint, pane, `logs follow`, help, version). One call, one envelope.
/// </summary>
internal static class KstackApp
{
    /// <summary>No response files: an argument starting with @ is the user's text, not a file to read.</summary>
    public static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    private static readonly Option<bool> HelpOption = new("--help", "-h") { Description = "Show this help" };
    private static readonly Option<bool> VersionOption = new("--version") { Description = "Show the version, commit and build date" };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Answer with the envelope even at a terminal" };

    /// <summary>The version from the project file (the one version source), e.g. 0.1.0.</summary>
    public static string Version =>
        typeof(KstackApp).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    /// <summary>The commit the binary was built from (12 hex digits; "unknown" outside a git checkout).</summary>
    public static string Commit => Metadata("KstackCommit") is { Length: > 0 } c ? c : "unknown";

    /// <summary>When the binary was built, UTC, to the minute.</summary>
    public static string BuildDate => Metadata("KstackBuildDate") is { Length: > 0 } d ? d : "unknown";

    public static string VersionLine => $"kstack {Version} (commit {Commit}, built {BuildDate})";

    private static string? Metadata(string key) =>
        typeof(KstackApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>
    /// The root command with every verb. A skill parses its own arguments with the command its descriptor builds, so the
    /// tree that only dispatches (<paramref name="withSkillFlags"/> false) leaves the skills' flags off and start-up
    /// does not pay for building them; help and schema consumers take the full tree.
    /// </summary>
    public static RootCommand BuildRoot(bool withSkillFlags = true)
    {
        var root = new RootCommand("kstack — safe Kubernetes monitoring, troubleshooting and auditing for AI agents");
        root.Options.Clear();
        root.Directives.Clear();
        root.Options.Add(HelpOption);
        root.Options.Add(VersionOption);
        root.Options.Add(JsonOption);
        foreach (var skill in SkillCatalogue.All)
        {
            var command = new VerbCommand(skill.Name, skill.Summary, (call, ct) => skill.Create().InvokeAsync(skill.Name, call.Args, ct));
            if (withSkillFlags) GlobalFlags.Populate(command, skill);
            if (skill.Name == "logs") command.Subcommands.Add(Skills.Logs.FollowCommand.Build());
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(InstallCommand.Build());
        root.Subcommands.Add(UninstallCommand.Build());
        root.Subcommands.Add(new VerbCommand("doctor", "Check kubeconfig, cluster access, RBAC per skill, tools, root and agents",
            (call, ct) => Doctor.DoctorCommand.InvokeAsync(call.Args, ct)) { TreatUnmatchedTokensAsErrors = false });
        root.Subcommands.Add(Panes.PaneCommand.Build());
        root.Subcommands.Add(EntrypointCommand.Build());
        root.Subcommands.Add(Update.DismissUpdateCommand.Build());
        root.Subcommands.Add(Update.UpgradeCommand.Build());
        root.Subcommands.Add(Completion.CompletionVerb.Build());
        root.Subcommands.Add(Mcp.McpCommand.Build());
        root.Subcommands.Add(new VerbCommand("help", "Show this help", (_, _) => Task.FromResult(Env.Verbatim(TopHelp()))) { Hidden = true });
        root.Subcommands.Add(new VerbCommand("version", "Show the version", (_, _) => Task.FromResult(Env.Verbatim(VersionLine))) { Hidden = true });
        return root;
    }

    /// <summary>Runs one command line and writes its answer: the envelope, or plain text for help and version at a terminal.</summary>
    public static async Task<int> MainAsync(string[] args, CancellationToken ct)
    {
        var root = BuildRoot(withSkillFlags: false);
        var (command, depth) = Dispatched(root, args);
        var call = new VerbCall(() => root.Parse(args, Parser), args[depth..]);
        // The pane follower streams to the terminal; it answers with an exit code, not an envelope.
        if (command is StreamCommand stream) return await stream.RunAsync(call.Parsed, ct);

        var envelope = await RunAsync(root, call, command, ct);
        if (envelope.Ok && command is VerbCommand { RawOutput: true } && !call.Args.Contains(JsonOption.Name))
        {
            if (envelope.Content.Length > 0) Console.Out.Write(envelope.Content.TrimEnd('\n') + "\n");
            return 0;
        }
        if (envelope.Ok && !Console.IsOutputRedirected && WantsText(command, call))
        {
            Console.Out.Write(envelope.Content.TrimEnd('\n') + "\n");
            return 0;
        }
        EnvelopeWriter.Write(Console.OpenStandardOutput(), envelope);
        return 0;
    }

    /// <summary>The envelope for a command line (what tests and the MCP server call).</summary>
    public static Task<Env> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var root = BuildRoot();
        var (command, depth) = Dispatched(root, args);
        return RunAsync(root, new VerbCall(() => root.Parse(args, Parser), args.Skip(depth).ToArray()), command, ct);
    }

    private static async Task<Env> RunAsync(RootCommand root, VerbCall call, Command command, CancellationToken ct)
    {
        switch (command)
        {
            case VerbCommand verb:
                return await verb.RunAsync(call, ct);
            case StreamCommand:
                return Env.UserError("`kstack logs follow` streams into a /logs pane; start it with /logs.");
        }
        var rest = call.Args;
        if (call.Parsed.GetValue(HelpOption) || rest.All(a => a == JsonOption.Name)) return Env.Verbatim(TopHelp(root));
        if (call.Parsed.GetValue(VersionOption)) return Env.Verbatim(VersionLine);
        var unknown = rest.First(a => a != JsonOption.Name);
        return Env.UserError($"Unknown command `{ArgumentText.Cap(unknown)}`. Run `kstack --help` for usage.");
    }

    /// <summary>
    /// The command the leading words name: `kstack pane send …` is pane → send. Only leading words count, so a word later
    /// on (`kstack logs web follow`) is the skill's free text, never a subcommand.
    /// </summary>
    private static (Command Command, int Depth) Dispatched(Command root, IReadOnlyList<string> args)
    {
        Command current = root;
        var depth = 0;
        while (depth < args.Count && current.Subcommands.FirstOrDefault(c => c.Name == args[depth]) is { } next)
        {
            current = next;
            depth++;
        }
        return (current, depth);
    }

    /// <summary>Help or version asked for by a person (a flag before any `--`, or a bare `kstack`), without --json.</summary>
    private static bool WantsText(Command command, VerbCall call)
    {
        // A skill answers --help wherever it stands among its arguments (SkillCommand), so the same rule applies here.
        if (SkillCatalogue.Find(command.Name) is not null && command.Parents.FirstOrDefault() is RootCommand)
            return call.Args.Any(a => a is "--help" or "-h") && !call.Args.Contains("--json");
        var parsed = call.Parsed;
        var own = parsed.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash).ToList();
        if (own.Any(t => t.Type == TokenType.Option && t.Value == "--json")) return false;
        return own.Count == 0
               || own.Any(t => t.Type == TokenType.Option && t.Value is "--help" or "-h" or "--version")
               || own is [{ Type: TokenType.Command, Value: "help" or "version" }];
    }

    public static string TopHelp() => TopHelp(BuildRoot());

    private static string TopHelp(RootCommand root)
    {
        var sb = new StringBuilder();
        sb.Append($"kstack {Version} — safe Kubernetes monitoring, troubleshooting and auditing for AI agents.\n\n");
        sb.Append("Usage: kstack <skill> [flags] [free text]\n");
        sb.Append("       kstack install [--global|--local] [--agent <name>]... [--prefix <p>|--no-prefix] [--quiet]\n");
        sb.Append("       kstack uninstall [--agent <name>] [--force]\n");
        sb.Append("       kstack doctor [--context <ctx>]\n");
        sb.Append("       kstack pane list | read <session> [--lines N] [--grep RE] | send <session> <text> | stop <session>\n\n");
        var skills = SkillCatalogue.All.ToList();
        var verbs = root.Subcommands.Where(c => !c.Hidden && SkillCatalogue.Find(c.Name) is null).ToList();
        var width = skills.Select(s => s.Name).Concat(verbs.Select(v => v.Name)).Max(n => n.Length) + 2;
        sb.Append("Skills:\n");
        foreach (var s in skills) sb.Append("  ").Append(s.Name.PadRight(width)).Append(s.Summary).Append('\n');
        sb.Append("\nCommands:\n");
        foreach (var v in verbs) sb.Append("  ").Append(v.Name.PadRight(width)).Append(v.Description).Append('\n');
        sb.Append("\nGlobal: --help (this text), --version (version, commit, build date), --json (the envelope even at a terminal).\n");
        sb.Append("Every command prints exactly one JSON response envelope on stdout (plain text for help and version at a terminal).\n");
        sb.Append("Run `kstack <skill> --help` for a skill's flags and examples.");
        return sb.ToString();
    }
}
