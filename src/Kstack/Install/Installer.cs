using Kstack.Cache;
using Kstack.Cli;
using Kstack.Commands;
using Kstack.Envelope;

namespace Kstack.Install;

/// <summary>What one install does.</summary>
/// <param name="Notes">Lines logged before the header (e.g. the no-agent-detected fallback).</param>
public sealed record InstallPlan(InstallTarget Target, IReadOnlyList<Agent> Agents, string Prefix, IReadOnlyList<string> Notes);

/// <summary>The outcome: the human log and the counts for the quiet one-liner.</summary>
public sealed record InstallResult(IReadOnlyList<string> Log, IReadOnlyList<string> Slots, IReadOnlyList<string> Pruned);

/// <summary>Renders the catalogue's skills into every targeted agent dir, installs the binary and schema, and keeps the manifest.</summary>
public sealed class Installer(SkillRenderer renderer, Func<string, string?> readEmbedded)
{
    public static Installer Default => new(SkillRenderer.Embedded, Embedded.ReadText);

    public const string SchemaFile = "response.schema.json";

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
        var pruned = new List<string>();
        foreach (var agent in plan.Agents)
        {
            var dir = target.SkillsDir(agent);
            foreach (var slot in stale)
            {
                if (!FileSystem.RemoveEntry(Path.Combine(dir, slot))) continue;
                pruned.Add(slot);
                log.Add($"   🗑  pruned: {slot}");
            }
            for (var i = 0; i < skills.Count; i++)
                WriteSlot(renderer.Render(skills[i], slots[i], agent, target.Root, Path.Combine(dir, slots[i])), Path.Combine(dir, slots[i]));
            log.Add($"   🤖 {agent.Name,-8} → {dir}  ({skills.Count} skill{(skills.Count == 1 ? "" : "s")})");
        }

        // Stale slots still present for agents not targeted now stay recorded, so a later install or uninstall can remove them.
        var untargeted = AgentTable.All.Except(plan.Agents).ToList();
        var stillInstalled = stale.Where(slot => untargeted.Any(a => FileSystem.EntryExists(Path.Combine(target.SkillsDir(a), slot))));
        manifest.WriteSkills(slots.Concat(stillInstalled));
        manifest.WriteVersion(KstackApp.Version);

        var uninstall = SkillRenderer.ShellQuote(Path.Combine(target.Root, "bin", SelfInstall.ExecutableName)) + " uninstall";
        log.Add("");
        log.Add("✅ kstack installed. Start a session with your agent to use the skills.");
        log.Add($"   Skills:    {string.Join(", ", slots.Select(s => "/" + s))}");
        log.Add("   Upgrade:   run `kstack install` again from a newer kstack binary, with the same flags");
        log.Add($"   Uninstall: {uninstall}");
        return new InstallResult(log, slots, pruned);
    }

    private static void WriteSlot(RenderedSkill skill, string slotDir)
    {
        if (FileSystem.IsLinkOrFile(slotDir)) FileSystem.RemoveEntry(slotDir);
        var references = Path.Combine(slotDir, "references");
        if (FileSystem.IsLinkOrFile(references)) FileSystem.RemoveEntry(references);
        Directory.CreateDirectory(references);
        foreach (var file in new[] { Path.Combine(slotDir, "SKILL.md"), Path.Combine(references, "help.md"), Path.Combine(references, "docs-url.txt") })
            if (FileSystem.IsLink(file)) FileSystem.RemoveEntry(file);
        AtomicFile.WriteAllText(Path.Combine(slotDir, "SKILL.md"), skill.SkillMd);
        AtomicFile.WriteAllText(Path.Combine(references, "help.md"), skill.HelpMd);
        AtomicFile.WriteAllText(Path.Combine(references, "docs-url.txt"), skill.DocsUrl);
    }
}

/// <summary>File-system helpers that never follow symbolic links when deleting.</summary>
public static class FileSystem
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
