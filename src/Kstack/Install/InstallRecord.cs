using Kstack.Cache;

namespace Kstack.Install;

/// <summary>
/// How the skills of an install were rendered, so `kstack upgrade` renders them again the same way without flags:
/// manifest/scope (`global` or `local`), manifest/agents (one agent name per line), manifest/prefix (one line, empty
/// for no prefix); `--dir` directories come from manifest/dirs. Installs made before these files existed are read
/// from what they left behind (<see cref="Infer"/>).
/// </summary>
/// <param name="Dirs">The `--dir` skills directories.</param>
/// <param name="Inferred">True when the record was worked out from an older install rather than read.</param>
internal sealed record InstallRecord(InstallMode Scope, IReadOnlyList<Agent> Agents, IReadOnlyList<string> Dirs, string Prefix, bool Inferred = false)
{
    private static string ScopeFile(Manifest m) => Path.Combine(m.Dir, "scope");
    private static string AgentsFile(Manifest m) => Path.Combine(m.Dir, "agents");
    private static string PrefixFile(Manifest m) => Path.Combine(m.Dir, "prefix");

    /// <summary>
    /// Written by every install: this install's agents plus the agents of earlier ones that still hold a kept slot, so an
    /// upgrade re-renders everything the manifest lists.
    /// </summary>
    public static void Write(Manifest manifest, InstallTarget target, IReadOnlyList<Agent> targeted, string prefix, IReadOnlyList<string> keptSlots)
    {
        var earlier = ReadAgents(manifest).Except(targeted)
            .Where(a => keptSlots.Any(s => FileSystem.EntryExists(Path.Combine(target.SkillsDir(a), s))));
        var agents = AgentTable.All.Where(a => targeted.Contains(a) || earlier.Contains(a)).Select(a => a.Name);
        AtomicFile.WriteAllText(ScopeFile(manifest), (target.Mode == InstallMode.Local ? "local" : "global") + "\n");
        AtomicFile.WriteAllText(AgentsFile(manifest), string.Join("\n", agents) + "\n");
        AtomicFile.WriteAllText(PrefixFile(manifest), prefix + "\n");
    }

    /// <summary>The record of the install at <paramref name="root"/>, read or inferred; null when it has no manifest.</summary>
    public static InstallRecord? Read(string root, AgentHomes homes, IReadOnlyList<string> skills)
    {
        var manifest = new Manifest(root);
        if (!manifest.Exists) return null;
        var scope = ReadLine(ScopeFile(manifest)) switch
        {
            "local" => InstallMode.Local,
            "global" => InstallMode.Global,
            _ => (InstallMode?)null,
        };
        var agents = ReadAgents(manifest);
        var dirs = CustomDirs(manifest);
        var prefix = ReadLine(PrefixFile(manifest));
        if (scope is { } s && agents.Count + dirs.Count > 0 && prefix is not null && SlotName.IsValidPrefix(prefix, skills))
            return new InstallRecord(s, agents, dirs, prefix);
        return Infer(root, homes, manifest, skills, scope);
    }

    /// <summary>
    /// An install from before the record: the scope from the root's place (a root named .kstack is local), the prefix
    /// shared by most manifest slots that end in a skill name, the agents from manifest/dirs or else those whose skills
    /// dir holds one of the slots.
    /// </summary>
    private static InstallRecord Infer(string root, AgentHomes homes, Manifest manifest, IReadOnlyList<string> skills, InstallMode? scope)
    {
        var target = scope is { } s ? Target(s, root, homes) : InstallTarget.FromRoot(root, homes);
        var slots = manifest.ReadSkills();
        var prefix = slots
            .SelectMany(slot => skills.Where(k => slot.EndsWith(k, StringComparison.Ordinal)).Select(k => slot[..^k.Length]))
            .Where(p => SlotName.IsValidPrefix(p, skills))
            .GroupBy(p => p, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key.Length)
            .Select(g => g.Key).FirstOrDefault() ?? SlotName.DefaultPrefix;
        var recorded = manifest.ReadDirs().Select(d => AgentTable.Find(d.Agent)).OfType<Agent>().ToList();
        var agents = AgentTable.All
            .Where(a => recorded.Contains(a) || slots.Any(slot => File.Exists(Path.Combine(target.SkillsDir(a), slot, "SKILL.md"))))
            .ToList();
        return new InstallRecord(target.Mode, agents, CustomDirs(manifest), prefix, Inferred: true);
    }

    /// <summary>Where the skills of a root of this scope go.</summary>
    public static InstallTarget Target(InstallMode scope, string root, AgentHomes homes) =>
        scope == InstallMode.Local && Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root))) is { } project
            ? InstallTarget.Local(project, homes)
            : InstallTarget.Global(homes, root);

    /// <summary>The `kstack install` arguments that render this record again.</summary>
    public IReadOnlyList<string> InstallArgs()
    {
        var args = new List<string> { "install", Scope == InstallMode.Local ? "--local" : "--global" };
        foreach (var agent in Agents) args.AddRange(["--agent", agent.Name]);
        foreach (var dir in Dirs) args.AddRange(["--dir", dir]);
        args.Add(Prefix.Length == 0 ? "--no-prefix" : "--prefix=" + Prefix);
        return args;
    }

    /// <summary>Who the skills are for, in words: "claude, codex" or "claude, /srv/skills".</summary>
    public string Who => string.Join(", ", Agents.Select(a => a.Name).Concat(Dirs));

    private static IReadOnlyList<string> CustomDirs(Manifest manifest) =>
        manifest.ReadDirs().Where(d => d.Agent == "dir").Select(d => d.Dir).Distinct(StringComparer.Ordinal).ToList();

    private static IReadOnlyList<Agent> ReadAgents(Manifest manifest) =>
        File.Exists(AgentsFile(manifest))
            ? File.ReadAllLines(AgentsFile(manifest)).Select(l => AgentTable.Find(l.Trim())).OfType<Agent>().Distinct().ToList()
            : [];

    private static string? ReadLine(string file) =>
        File.Exists(file) && new FileInfo(file).Length <= 4096 ? File.ReadAllText(file).Trim() : null;
}
