namespace Kstack.Install;

/// <summary>One agent CLI that reads Agent Skills.</summary>
/// <param name="Name">The name used with --agent.</param>
/// <param name="Cli">The executable probed on PATH to auto-detect the agent.</param>
/// <param name="GlobalDir">Skills directory relative to the home directory.</param>
/// <param name="LocalDir">Skills directory relative to the project directory.</param>
/// <param name="HonoursDisableModelInvocation">Renders `disable-model-invocation` (Claude Code only).</param>
public sealed record Agent(string Name, string Cli, string DisplayName, string GlobalDir, string LocalDir, bool HonoursDisableModelInvocation)
{
    public string GlobalSkillsDir(string home) => Path.Combine(home, GlobalDir);
    public string LocalSkillsDir(string project) => Path.Combine(project, LocalDir);
}

/// <summary>The nine supported agents, in detection and logging order.</summary>
public static class AgentTable
{
    public static readonly IReadOnlyList<Agent> All =
    [
        new("claude", "claude", "Claude Code", ".claude/skills", ".claude/skills", true),
        new("codex", "codex", "OpenAI Codex CLI", ".codex/skills", ".codex/skills", false),
        new("opencode", "opencode", "OpenCode", ".config/opencode/skills", ".config/opencode/skills", false),
        new("cursor", "cursor", "Cursor", ".cursor/skills", ".cursor/skills", false),
        new("factory", "droid", "Factory Droid", ".factory/skills", ".factory/skills", false),
        new("slate", "slate", "Slate", ".slate/skills", ".slate/skills", false),
        new("kiro", "kiro-cli", "Kiro", ".kiro/skills", ".kiro/skills", false),
        new("hermes", "hermes", "Hermes", ".hermes/skills", ".hermes/skills", false),
        new("pi", "pi", "Pi", ".pi/agent/skills", ".pi/skills", false),
    ];

    public static string SupportedList => string.Join(' ', All.Select(a => a.Name));

    /// <summary>Exact, case-sensitive match (rejects e.g. `claude-foo`).</summary>
    public static Agent? Find(string name) => All.FirstOrDefault(a => a.Name == name);

    /// <summary>Agents whose CLI is an executable file in one of the PATH directories, in table order.</summary>
    public static IReadOnlyList<Agent> Detect(string? path) =>
        All.Where(a => OnPath(a.Cli, path)).ToList();

    public static bool OnPath(string executable, string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidates = OperatingSystem.IsWindows()
                ? new[] { executable + ".exe", executable + ".cmd", executable + ".bat", executable }
                : new[] { executable };
            foreach (var name in candidates)
            {
                var file = Path.Combine(dir, name);
                if (!File.Exists(file)) continue;
                if (OperatingSystem.IsWindows()) return true;
                const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                if ((File.GetUnixFileMode(file) & exec) != 0) return true;
            }
        }
        return false;
    }
}
