namespace Kstack.Install;

/// <summary>How an agent keeps a user-invoked-only skill (exec, forget) away from the model.</summary>
internal enum UserOnlyControl
{
    /// <summary>The agent has no control: the intent is recorded under `metadata` and stated in the skill's body.</summary>
    None,
    /// <summary>`disable-model-invocation: true` in the frontmatter (Claude Code, Cursor, Factory, Pi).</summary>
    DisableModelInvocation,
    /// <summary>`agents/openai.yaml` with `policy.allow_implicit_invocation: false` beside SKILL.md (Codex).</summary>
    OpenAiPolicyFile,
}

/// <summary>The environment an agent's directories are resolved in: the home directory and the variables agents honour.</summary>
internal sealed record AgentHomes(string Home, IReadOnlyDictionary<string, string> Env)
{
    public static readonly string[] Variables = ["CLAUDE_CONFIG_DIR", "CODEX_HOME", "XDG_CONFIG_HOME", "HERMES_HOME", "PI_CODING_AGENT_DIR"];

    public static AgentHomes Current(string home) => From(home, Environment.GetEnvironmentVariable);

    public static AgentHomes From(string home, Func<string, string?> getEnv)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Variables)
            if (getEnv(name) is { Length: > 0 } value) env[name] = value;
        return new AgentHomes(Path.GetFullPath(home), env);
    }

    /// <summary>The variable's value as an absolute path (relative values are taken from the home directory), else the fallback.</summary>
    public string Dir(string variable, string fallbackUnderHome) =>
        Env.TryGetValue(variable, out var v) ? Path.GetFullPath(v, Home) : Path.Combine(Home, fallbackUnderHome);
}

/// <summary>One skills directory an agent reads, with a short label for messages (personal, project, shared …).</summary>
internal sealed record SkillsLocation(string Label, string Dir);

/// <summary>One agent CLI that reads Agent Skills.</summary>
/// <param name="Name">The name used with --agent.</param>
/// <param name="Cli">The executable probed on PATH to auto-detect the agent.</param>
/// <param name="InvocationPrefix">What the user types before a skill's name: `/`, Codex `$`, Pi `/skill:`.</param>
/// <param name="GlobalDir">The personal skills directory kstack writes (environment overrides applied).</param>
/// <param name="LocalDir">The project skills directory kstack writes, relative to the project.</param>
/// <param name="GlobalReads">Every personal directory the agent reads (its own and shared ones), for the duplicate warning.</param>
/// <param name="LocalReads">Every project directory the agent reads, relative to the project.</param>
/// <param name="Note">A line logged after installing for this agent (e.g. a setting the agent needs), or null.</param>
internal sealed record Agent(
    string Name, string Cli, string DisplayName, UserOnlyControl Control, string InvocationPrefix,
    Func<AgentHomes, string> GlobalDir, string LocalDir,
    Func<AgentHomes, IReadOnlyList<SkillsLocation>> GlobalReads, IReadOnlyList<string> LocalReads,
    Func<InstallMode, string, string?>? Note = null)
{
    public string GlobalSkillsDir(AgentHomes homes) => GlobalDir(homes);
    public string LocalSkillsDir(string project) => Path.Combine(project, LocalDir);

    /// <summary>What the user types to run a slot in this agent: `/kstack-exec`, `$kstack-exec`, `/skill:kstack-exec`.</summary>
    public string Invocation(string slot) => InvocationPrefix + slot;

    /// <summary>Every directory the agent reads skills from, personal first, for a project directory.</summary>
    public IReadOnlyList<SkillsLocation> Reads(AgentHomes homes, string project) =>
        GlobalReads(homes).Concat(LocalReads.Select(d => new SkillsLocation("project", Path.Combine(project, d)))).ToList();

    public override string ToString() => Name;
}

/// <summary>
/// The nine supported agents, in detection and logging order. Directories, invocation syntax and the user-only control
/// are each agent's own (checked against its current docs, and for Claude Code, Codex and OpenCode against the real CLI:
/// tests/Kstack.Tests/Install/RealAgentCliTests.cs); docs/agents.md has the table with sources.
/// </summary>
internal static class AgentTable
{
    private static SkillsLocation Personal(string dir) => new("personal", dir);
    private static SkillsLocation Shared(string dir) => new("shared", dir);
    private static string Agents(AgentHomes h) => Path.Combine(h.Home, ".agents", "skills");

    public static readonly Agent Claude = new("claude", "claude", "Claude Code", UserOnlyControl.DisableModelInvocation, "/",
        h => Path.Combine(h.Dir("CLAUDE_CONFIG_DIR", ".claude"), "skills"), ".claude/skills",
        h => [Personal(Path.Combine(h.Dir("CLAUDE_CONFIG_DIR", ".claude"), "skills"))], [".claude/skills"]);

    /// <summary>Codex reads $CODEX_HOME/skills (default ~/.codex/skills) and ~/.agents/skills; its current docs name the latter.</summary>
    public static readonly Agent Codex = new("codex", "codex", "OpenAI Codex CLI", UserOnlyControl.OpenAiPolicyFile, "$",
        h => h.Env.ContainsKey("CODEX_HOME") ? Path.Combine(h.Dir("CODEX_HOME", ".codex"), "skills") : Agents(h), ".agents/skills",
        h => [Personal(Path.Combine(h.Dir("CODEX_HOME", ".codex"), "skills")), Shared(Agents(h))], [".agents/skills", ".codex/skills"]);

    public static readonly Agent OpenCode = new("opencode", "opencode", "OpenCode", UserOnlyControl.None, "/",
        h => Path.Combine(h.Dir("XDG_CONFIG_HOME", ".config"), "opencode", "skills"), ".opencode/skills",
        h => [Personal(Path.Combine(h.Dir("XDG_CONFIG_HOME", ".config"), "opencode", "skills")), Shared(Path.Combine(h.Home, ".claude", "skills")), Shared(Agents(h))],
        [".opencode/skills", ".claude/skills", ".agents/skills"]);

    public static readonly Agent Cursor = new("cursor", "cursor", "Cursor", UserOnlyControl.DisableModelInvocation, "/",
        h => Path.Combine(h.Home, ".cursor", "skills"), ".cursor/skills",
        h => [Personal(Path.Combine(h.Home, ".cursor", "skills")), Shared(Path.Combine(h.Home, ".claude", "skills")), Shared(Path.Combine(h.Home, ".codex", "skills"))],
        [".cursor/skills", ".agents/skills", ".claude/skills", ".codex/skills"]);

    public static readonly Agent Factory = new("factory", "droid", "Factory Droid", UserOnlyControl.DisableModelInvocation, "/",
        h => Path.Combine(h.Home, ".factory", "skills"), ".factory/skills",
        h => [Personal(Path.Combine(h.Home, ".factory", "skills"))], [".factory/skills"]);

    public static readonly Agent Slate = new("slate", "slate", "Slate", UserOnlyControl.None, "/",
        h => Path.Combine(h.Home, ".slate", "skills"), ".slate/skills",
        h => [Personal(Path.Combine(h.Home, ".slate", "skills"))], [".slate/skills"]);

    public static readonly Agent Kiro = new("kiro", "kiro-cli", "Kiro", UserOnlyControl.None, "/",
        h => Path.Combine(h.Home, ".kiro", "skills"), ".kiro/skills",
        h => [Personal(Path.Combine(h.Home, ".kiro", "skills"))], [".kiro/skills"]);

    /// <summary>Hermes reads $HERMES_HOME/skills; project skills only through `skills.external_dirs` in its config.yaml.</summary>
    public static readonly Agent Hermes = new("hermes", "hermes", "Hermes", UserOnlyControl.None, "/",
        h => Path.Combine(h.Dir("HERMES_HOME", ".hermes"), "skills"), ".hermes/skills",
        h => [Personal(Path.Combine(h.Dir("HERMES_HOME", ".hermes"), "skills"))], [],
        (mode, dir) => mode == InstallMode.Local
            ? $"Hermes reads project skills only from `skills.external_dirs`: add {dir} to that list in $HERMES_HOME/config.yaml (default ~/.hermes/config.yaml)."
            : null);

    public static readonly Agent Pi = new("pi", "pi", "Pi", UserOnlyControl.DisableModelInvocation, "/skill:",
        h => Path.Combine(h.Dir("PI_CODING_AGENT_DIR", Path.Combine(".pi", "agent")), "skills"), ".pi/skills",
        h => [Personal(Path.Combine(h.Dir("PI_CODING_AGENT_DIR", Path.Combine(".pi", "agent")), "skills")), Shared(Agents(h))],
        [".pi/skills", ".agents/skills"]);

    public static readonly IReadOnlyList<Agent> All = [Claude, Codex, OpenCode, Cursor, Factory, Slate, Kiro, Hermes, Pi];

    /// <summary>The target of `--dir &lt;path&gt;`: an agent outside the table, rendered to the Agent Skills standard with `/name`.</summary>
    public static Agent Custom(string dir) => new("dir", "", "skills directory " + dir, UserOnlyControl.None, "/",
        _ => dir, dir, _ => [new SkillsLocation("--dir", dir)], []);

    public static string SupportedList => string.Join(' ', All.Select(a => a.Name));

    /// <summary>Exact, case-sensitive match (rejects e.g. `claude-foo`).</summary>
    public static Agent? Find(string name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>Agents whose CLI is an executable file in one of the PATH directories, in table order.</summary>
    public static IReadOnlyList<Agent> Detect(string? path) =>
        All.Where(a => OnPath(a.Cli, path)).ToList();

    public static bool OnPath(string executable, string? path) => FindOnPath(executable, path) is not null;

    /// <summary>The first executable file named <paramref name="executable"/> in the PATH directories, or null.</summary>
    public static string? FindOnPath(string executable, string? path)
    {
        if (string.IsNullOrEmpty(path) || executable.Length == 0) return null;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidates = OperatingSystem.IsWindows()
                ? new[] { executable + ".exe", executable + ".cmd", executable + ".bat", executable }
                : new[] { executable };
            foreach (var name in candidates)
            {
                var file = Path.Combine(dir, name);
                if (!File.Exists(file)) continue;
                if (OperatingSystem.IsWindows()) return file;
                const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                if ((File.GetUnixFileMode(file) & exec) != 0) return file;
            }
        }
        return null;
    }
}
