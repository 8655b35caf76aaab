using Kstack.Envelope;

namespace Kstack.Install;

/// <summary>What an uninstall will remove, computed before asking for confirmation.</summary>
/// <param name="SlotDirs">Existing manifest slot directories of the targeted agents.</param>
/// <param name="KeepRootFor">Non-targeted agents that still have kstack slots; when any, the root is kept.</param>
public sealed record UninstallPlan(InstallTarget Target, IReadOnlyList<Agent> Agents, IReadOnlyList<string> Slots,
    IReadOnlyList<string> SlotDirs, IReadOnlyList<Agent> KeepRootFor)
{
    public bool RemovesRoot => KeepRootFor.Count == 0;

    public string AgentsText => Agents.Count == AgentTable.All.Count ? "all agents" : string.Join(' ', Agents.Select(a => a.Name));
}

/// <summary>
/// Removes the manifest's slots from the targeted agents' skills dirs, then the install root unless agents outside
/// an --agent scope still use it. Directories not listed in the manifest are never touched.
/// </summary>
public static class Uninstaller
{
    /// <summary>The entries of a root that kstack creates; the root itself is removed only when nothing else is left.</summary>
    public static readonly string[] OwnedEntries = ["bin", "schemas", "cache", "state", "manifest"];

    public static UninstallPlan Plan(InstallTarget target, Agent? only)
    {
        var manifest = new Manifest(target.Root);
        if (!manifest.Exists)
            throw KstackException.User($"No kstack install found at {target.Root} (it has no manifest/). Run the `kstack uninstall` that was installed in the install's bin/ directory.");
        var slots = manifest.ReadSkills();
        var agents = only is null ? AgentTable.All : [only];
        var dirs = agents.SelectMany(a => slots.Select(s => Path.Combine(target.SkillsDir(a), s))).Where(FileSystem.EntryExists).ToList();
        var keep = AgentTable.All.Except(agents)
            .Where(a => slots.Any(s => FileSystem.EntryExists(Path.Combine(target.SkillsDir(a), s)))).ToList();
        return new UninstallPlan(target, agents, slots, dirs, keep);
    }

    public static IReadOnlyList<string> Run(UninstallPlan plan)
    {
        var log = new List<string> { $"🧹 Uninstalling kstack ({plan.Target.Label}) · {plan.AgentsText}", "" };
        foreach (var dir in plan.SlotDirs)
        {
            FileSystem.RemoveEntry(dir);
            log.Add($"   🗑  removed: {dir}");
        }
        if (plan.RemovesRoot)
        {
            foreach (var entry in OwnedEntries) FileSystem.RemoveEntry(Path.Combine(plan.Target.Root, entry));
            if (Directory.Exists(plan.Target.Root) && !Directory.EnumerateFileSystemEntries(plan.Target.Root).Any())
            {
                Directory.Delete(plan.Target.Root);
                log.Add($"   🗑  removed: {plan.Target.Root}");
            }
            else if (Directory.Exists(plan.Target.Root))
            {
                log.Add($"   📦 kept:    {plan.Target.Root} (it holds files kstack did not create; kstack's own were removed)");
            }
        }
        else
        {
            log.Add($"   📦 kept:    {plan.Target.Root} (still used by {string.Join(", ", plan.KeepRootFor.Select(a => a.Name))})");
        }
        log.Add("");
        log.Add("✅ kstack uninstalled. Cluster resources were not touched.");
        return log;
    }
}
