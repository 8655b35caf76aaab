namespace Kstack.Install;

internal enum InstallMode { Global, Local }

/// <summary>Where an install lives: the root (bin/, schemas/, cache/, state/, manifest/) and the base of the agent skills dirs.</summary>
/// <param name="AgentBase">The home directory (global) or the project directory (local).</param>
/// <param name="Homes">Home directory and agent environment variables (CLAUDE_CONFIG_DIR, CODEX_HOME, …) the global dirs come from.</param>
internal sealed record InstallTarget(InstallMode Mode, string Root, string AgentBase, AgentHomes Homes)
{
    public const string LocalRootName = ".kstack";

    public string Label => Mode == InstallMode.Global ? "global" : $"local → {AgentBase}";

    public string SkillsDir(Agent agent) =>
        Mode == InstallMode.Global ? agent.GlobalSkillsDir(Homes) : agent.LocalSkillsDir(AgentBase);

    public static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>~/.config/kstack, or KSTACK_ROOT when set; skills go under the home directory.</summary>
    public static InstallTarget Global(AgentHomes homes, string? rootOverride) =>
        new(InstallMode.Global, Path.GetFullPath(string.IsNullOrEmpty(rootOverride) ? DefaultGlobalRoot(homes.Home) : rootOverride), homes.Home, homes);

    /// <summary>&lt;project&gt;/.kstack; skills go under the project directory.</summary>
    public static InstallTarget Local(string project, AgentHomes homes)
    {
        var full = Path.GetFullPath(project);
        return new(InstallMode.Local, Path.Combine(full, LocalRootName), full, homes);
    }

    public static string DefaultGlobalRoot(string home) => Path.Combine(home, ".config", "kstack");

    /// <summary>
    /// The mode of an existing install, from its root alone: ~/.config/kstack is global; a root named `.kstack` is local
    /// with its parent as the project; any other root (a KSTACK_ROOT global install) is global.
    /// </summary>
    public static InstallTarget FromRoot(string root, AgentHomes homes)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var global = Path.TrimEndingDirectorySeparator(Path.GetFullPath(DefaultGlobalRoot(homes.Home)));
        if (full != global && Path.GetFileName(full) == LocalRootName && Path.GetDirectoryName(full) is { } project)
            return new(InstallMode.Local, full, project, homes);
        return new(InstallMode.Global, full, homes.Home, homes);
    }
}
