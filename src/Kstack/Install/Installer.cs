using Kstack.Cache;
using Kstack.Cli;
using Kstack.Commands;
using Kstack.Envelope;

namespace Kstack.Install;

/// <summary>What one install does.</summary>
/// <param name="Notes">Lines logged before the header (e.g. the no-agent-detected fallback).</param>
/// <param name="Project">The project the agents run in, for the duplicate check (the target's project, or the current directory).</param>
internal sealed record InstallPlan(InstallTarget Target, IReadOnlyList<Agent> Agents, string Prefix, IReadOnlyList<string> Notes, string? Project = null);

/// <summary>The outcome: the human log and the counts for the quiet one-liner.</summary>
internal sealed record InstallResult(IReadOnlyList<string> Log, IReadOnlyList<string> Slots, IReadOnlyList<string> Pruned, IReadOnlyList<string> Warnings);

/// <summary>Renders the catalogue's skills into every targeted agent dir, installs the binary and schema, and keeps the manifest.</summary>
internal sealed class Installer(SkillRenderer renderer, Func<string, string?> readEmbedded)
{
    public static Installer Default => new(SkillRenderer.Embedded, Embedded.ReadText);

    public const string SchemaFile = "response.schema.json";
    public const string InvocationFile = "invocation.txt";

    /// <summary>The files install writes into a slot (relative paths); anything else in a slot is the user's.</summary>
    public static readonly string[] SlotFiles = ["SKILL.md", "references/help.md", "references/docs-url.txt", "references/" + InvocationFile, "agents/openai.yaml"];

    /// <summary>Catalogue skills in ordinal order; every one must ship a template (templates without a backend are ignored).</summary>
    public IReadOnlyList<string> Skills()
    {
        var skills = SkillCatalogue.Names.ToList();
        if (skills.FirstOrDefault(s => !renderer.HasTemplate(s)) is { } missing)
            throw KstackException.Infra($"Skill `{missing}` has no {SkillRenderer.TemplateFile} in this kstack build.");
        return skills;
    }

    public InstallResult Run(InstallPlan plan, string executable)
    {
        var target = plan.Target;
        var skills = Skills();
        var slots = skills.Select(s => plan.Prefix + s).ToList();
        var log = new List<string>(plan.Notes)
        {
            $"🚀 Installing kstack ({target.Label}) · {string.Join(' ', plan.Agents.Select(a => a.Name))}",
            "",
        };

        Directory.CreateDirectory(target.Root);
        Directory.CreateDirectory(Path.Combine(target.Root, "cache"));
        SelfInstall.CopyTo(executable, Path.Combine(target.Root, "bin"));
        var schema = readEmbedded("schemas/" + SchemaFile) ?? throw KstackException.Infra($"Embedded schemas/{SchemaFile} is missing from this kstack build.");
        AtomicFile.WriteAllText(Path.Combine(target.Root, "schemas", SchemaFile), schema);
        log.Add($"   📦 Helpers    → {target.Root}");

        var manifest = new Manifest(target.Root);
        var stale = manifest.ReadSkills().Except(slots, StringComparer.Ordinal).ToList();
        var recordedDirs = manifest.ReadDirs().ToList();
        var created = manifest.ReadCreated().ToList();
        var pruned = new List<string>();
        var written = new List<(string Agent, string Dir)>();
        foreach (var agent in plan.Agents)
        {
            var dir = target.SkillsDir(agent);
            foreach (var slot in stale)
            {
                if (!FileSystem.RemoveEntry(Path.Combine(dir, slot))) continue;
                pruned.Add(slot);
                log.Add($"   🗑  pruned: {slot}");
            }
            created.AddRange(MissingDirs(dir, target));
            for (var i = 0; i < skills.Count; i++)
                WriteSlot(renderer.Render(skills[i], slots[i], agent, target.Root, Path.Combine(dir, slots[i])), Path.Combine(dir, slots[i]));
            written.Add((agent.Name, dir));
            log.Add($"   🤖 {agent.Name,-8} → {dir}  ({skills.Count} skill{(skills.Count == 1 ? "" : "s")})");
            if (agent.Note?.Invoke(target.Mode, dir) is { } note) log.Add($"      ℹ️  {note}");
        }

        // Stale slots still present in a directory not targeted now stay recorded, so a later install or uninstall can remove them.
        var targetedDirs = written.Select(w => w.Dir).ToHashSet(StringComparer.Ordinal);
        var otherDirs = recordedDirs.Select(d => d.Dir)
            .Concat(AgentTable.All.Except(plan.Agents).Select(target.SkillsDir))
            .Where(d => !targetedDirs.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
        var stillInstalled = stale.Where(slot => otherDirs.Any(d => FileSystem.EntryExists(Path.Combine(d, slot)))).ToList();
        var keptSlots = slots.Concat(stillInstalled).ToList();
        manifest.WriteSkills(keptSlots);
        manifest.WriteDirs(recordedDirs.Where(d => !targetedDirs.Contains(d.Dir) && keptSlots.Any(s => FileSystem.EntryExists(Path.Combine(d.Dir, s)))).Concat(written));
        manifest.WriteCreated(created);
        manifest.WriteVersion(KstackApp.Version);
        // Which binary installed this root and how: the update notice and `kstack upgrade` read them.
        AtomicFile.WriteAllText(Path.Combine(manifest.Dir, "origin"), Path.GetFullPath(executable) + "\n");
        InstallRecord.Write(manifest, target, plan.Agents, plan.Prefix, keptSlots);

        var warnings = DuplicateWarnings(plan, slots);
        var uninstall = SkillRenderer.ShellQuote(Path.Combine(target.Root, "bin", SelfInstall.ExecutableName)) + " uninstall";
        log.Add("");
        log.AddRange(warnings);
        if (warnings.Count > 0) log.Add("");
        log.Add("✅ kstack installed. Restart your agent, then type a skill's command.");
        foreach (var group in plan.Agents.GroupBy(a => a.InvocationPrefix))
            log.Add($"   Skills:    {string.Join(", ", slots.Select(s => group.First().Invocation(s)))}{(plan.Agents.Count > 1 ? $" ({string.Join(", ", group.Select(a => a.Name))})" : "")}");
        log.Add($"   Upgrade:   {SkillRenderer.ShellQuote(Path.Combine(target.Root, "bin", SelfInstall.ExecutableName))} upgrade");
        log.Add($"   Uninstall: {uninstall}");
        return new InstallResult(log, slots, pruned, warnings);
    }

    /// <summary>
    /// A slot name an agent finds in more than one of the directories it reads (a personal and a project install, or a
    /// directory another agent shares): the agent then uses one copy and silently ignores the other.
    /// </summary>
    private static List<string> DuplicateWarnings(InstallPlan plan, IReadOnlyList<string> slots)
    {
        var warnings = new List<string>();
        var project = plan.Project ?? plan.Target.AgentBase;
        foreach (var agent in plan.Agents.Where(a => AgentTable.All.Contains(a)))
        {
            var reads = agent.Reads(plan.Target.Homes, project)
                .DistinctBy(l => Path.TrimEndingDirectorySeparator(Path.GetFullPath(l.Dir)), StringComparer.Ordinal).ToList();
            var clashes = slots
                .Select(slot => (slot, where: reads.Where(l => File.Exists(Path.Combine(l.Dir, slot, "SKILL.md"))).ToList()))
                .Where(x => x.where.Count > 1)
                .GroupBy(x => string.Join("\n", x.where.Select(l => l.Dir)), StringComparer.Ordinal);
            foreach (var clash in clashes)
            {
                var where = clash.First().where;
                var winner = agent == AgentTable.Claude && where.FirstOrDefault(l => l.Label == "personal") is { } personal
                    ? $"{agent.DisplayName} uses the personal copy in {personal.Dir} and silently ignores the others"
                    : $"{agent.DisplayName} uses one copy and ignores the others";
                warnings.Add($"⚠️  {agent.Name}: {clash.Count()} skill name{(clash.Count() == 1 ? "" : "s")} ({string.Join(", ", clash.Select(c => agent.Invocation(c.slot)))}) "
                             + $"exist in {where.Count} directories it reads: {string.Join(", ", where.Select(l => $"{l.Dir} ({l.Label})"))}. "
                             + $"{winner}. Keep one install: run `kstack uninstall` from the other one's bin/.");
            }
        }
        return warnings;
    }

    /// <summary>The directories that do not exist yet on the way to a skills dir, deepest first, never the home, project or root.</summary>
    private static List<string> MissingDirs(string dir, InstallTarget target)
    {
        var missing = new List<string>();
        var stop = new HashSet<string>(new[] { target.Homes.Home, target.AgentBase, target.Root }.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))), StringComparer.Ordinal);
        for (var d = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)); !Directory.Exists(d) && !stop.Contains(d); d = Path.GetDirectoryName(d)!)
        {
            missing.Add(d);
            if (Path.GetDirectoryName(d) is null) break;
        }
        return missing;
    }

    private static void WriteSlot(RenderedSkill skill, string slotDir)
    {
        if (FileSystem.IsLinkOrFile(slotDir)) FileSystem.RemoveEntry(slotDir);
        var references = Path.Combine(slotDir, "references");
        var agents = Path.Combine(slotDir, "agents");
        foreach (var sub in new[] { references, agents })
            if (FileSystem.IsLinkOrFile(sub)) FileSystem.RemoveEntry(sub);
        Directory.CreateDirectory(references);
        var files = SlotFiles.Select(f => Path.Combine(slotDir, f));
        foreach (var file in files)
            if (FileSystem.IsLink(file)) FileSystem.RemoveEntry(file);
        AtomicFile.WriteAllText(Path.Combine(slotDir, "SKILL.md"), skill.SkillMd);
        AtomicFile.WriteAllText(Path.Combine(references, "help.md"), skill.HelpMd);
        AtomicFile.WriteAllText(Path.Combine(references, "docs-url.txt"), skill.DocsUrl);
        AtomicFile.WriteAllText(Path.Combine(references, InvocationFile), skill.Invocation);
        var policy = Path.Combine(agents, "openai.yaml");
        if (skill.OpenAiYaml is not null) AtomicFile.WriteAllText(policy, skill.OpenAiYaml);
        else if (File.Exists(policy))
        {
            File.Delete(policy);
            if (!Directory.EnumerateFileSystemEntries(agents).Any()) Directory.Delete(agents);
        }
    }
}

/// <summary>File-system helpers that never follow symbolic links when deleting.</summary>
internal static class FileSystem
{
    public static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    public static bool IsLinkOrFile(string path) => IsLink(path) || File.Exists(path);

    public static bool EntryExists(string path) => IsLink(path) || Directory.Exists(path) || File.Exists(path);

    /// <summary>Removes a file, a directory tree, or a link (not its target). True when something was removed.</summary>
    public static bool RemoveEntry(string path)
    {
        if (IsLink(path) || File.Exists(path))
        {
            File.Delete(path);
            return true;
        }
        if (!Directory.Exists(path)) return false;
        Directory.Delete(path, recursive: true);
        return true;
    }
}
