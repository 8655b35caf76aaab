using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Panes;

namespace Kstack.Install;

/// <summary>What an uninstall will remove, computed before asking for confirmation.</summary>
/// <param name="SlotDirs">Existing manifest slot directories of the targeted agents.</param>
/// <param name="KeepRootFor">Non-targeted agents that still have kstack slots; when any, the root is kept.</param>
internal sealed record UninstallPlan(InstallTarget Target, IReadOnlyList<Agent> Agents, IReadOnlyList<string> Slots,
    IReadOnlyList<string> SlotDirs, IReadOnlyList<Agent> KeepRootFor)
{
    public bool RemovesRoot => KeepRootFor.Count == 0;

    /// <summary>Sessions kstack recorded under this root (tmux panes and the pods they created); stopped before anything is removed.</summary>
    public IReadOnlyList<PaneRecord> Sessions { get; init; } = [];

    /// <summary>Directories install created on the way to a skills dir; removed when empty afterwards.</summary>
    public IReadOnlyList<string> CreatedDirs { get; init; } = [];

    /// <summary>MCP configuration files whose kstack entry goes (from manifest/mcp, for the agents uninstalled).</summary>
    public IReadOnlyList<(string Agent, string File)> McpEntries { get; init; } = [];

    public string AgentsText => Agents.Count == AgentTable.All.Count ? "all agents" : string.Join(' ', Agents.Select(a => a.Name));
}

/// <summary>
/// Removes the manifest's slots from the targeted agents' skills dirs, then the install root unless agents outside
/// an --agent scope still use it. Directories not listed in the manifest are never touched.
/// </summary>
internal static class Uninstaller
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
        var recorded = manifest.ReadDirs();
        // Where install wrote (recorded), plus where each agent's directory is now (installs older than the record).
        IEnumerable<string> DirsOf(Agent a) => recorded.Where(r => r.Agent == a.Name).Select(r => r.Dir).Append(target.SkillsDir(a));
        var scope = agents.SelectMany(DirsOf).Concat(only is null ? recorded.Where(r => AgentTable.Find(r.Agent) is null).Select(r => r.Dir) : [])
            .Distinct(StringComparer.Ordinal).ToList();
        var dirs = scope.SelectMany(d => slots.Select(s => Path.Combine(d, s))).Where(FileSystem.EntryExists).Distinct(StringComparer.Ordinal).ToList();
        var elsewhere = AgentTable.All.Except(agents).Select(a => (a, dirs: DirsOf(a).Where(d => !scope.Contains(d)).ToList())).ToList();
        var mcp = manifest.ReadMcp();
        // An MCP entry of another agent runs <root>/bin/kstack: the root stays for it as for its skills.
        var keep = elsewhere.Where(x => x.dirs.Any(d => slots.Any(s => FileSystem.EntryExists(Path.Combine(d, s)))) || mcp.Any(m => m.Agent == x.a.Name))
            .Select(x => x.a).ToList();
        // Sessions belong to the root: an --agent uninstall that keeps the root leaves them alone.
        var sessions = keep.Count == 0 ? new PaneStore(new InstallRoot(target.Root)).All() : [];
        return new UninstallPlan(target, agents, slots, dirs, keep)
        {
            CreatedDirs = manifest.ReadCreated(), Sessions = sessions, McpEntries = mcp.Where(m => agents.Any(a => a.Name == m.Agent)).ToList(),
        };
    }

    /// <summary>Files in a slot that install did not write (a user's notes, scripts …), relative to the slot; at most 5 named.</summary>
    public static IReadOnlyList<string> ForeignFiles(string slotDir)
    {
        if (FileSystem.IsLinkOrFile(slotDir) || !Directory.Exists(slotDir)) return [];
        var known = Installer.SlotFiles.Select(f => f.Replace('/', Path.DirectorySeparatorChar)).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFileSystemEntries(slotDir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(e => File.Exists(e) || FileSystem.IsLink(e))
            .Select(e => Path.GetRelativePath(slotDir, e)).Where(r => !known.Contains(r)).Order(StringComparer.Ordinal).Take(5).ToList();
    }

    /// <summary>One line per recorded session: what it is and what kstack created for it in the cluster.</summary>
    public static IReadOnlyList<string> Describe(IReadOnlyList<PaneRecord> sessions) =>
        sessions.Select(r => $"{r.Session} ({r.Mode} {DataText.Token(r.Target, 80)}, context {DataText.Token(r.Context, 80)}"
                             + (r.Pods.Count > 0 ? $"; pods kstack created: {string.Join(", ", r.Pods)})" : "; no cluster objects)")).ToList();

    /// <summary>
    /// Stops every recorded session like `kstack pane stop` (pods deleted only after the label re-check). Returns the log
    /// lines and whether everything was stopped; when a pod could not be deleted nothing else may be removed, so that the
    /// records `kstack pane stop` needs survive.
    /// </summary>
    public static async Task<(List<string> Log, bool AllStopped)> StopSessionsAsync(UninstallPlan plan, CancellationToken ct)
    {
        var log = new List<string>();
        var all = true;
        var store = new PaneStore(new InstallRoot(plan.Target.Root));
        foreach (var r in plan.Sessions)
        {
            PaneCommand.StopResult result;
            try
            {
                result = await PaneCommand.StopRecordAsync(store, r, ct);
            }
            catch (KstackException e)
            {
                result = new PaneCommand.StopResult(false, [], [$"its pods could not be checked: {e.Message.Split('\n')[0]}"]);
            }
            var deleted = result.Deleted.Count > 0 ? $"; deleted pods: {string.Join(", ", result.Deleted)}" : "";
            log.Add($"   ⏹  stopped: {r.Session} ({(result.Killed ? "tmux session killed" : "tmux session had already ended")}{deleted})");
            if (result.Skipped.Count == 0) continue;
            all = false;
            log.Add($"   ⚠️  not deleted: {string.Join("; ", result.Skipped)}");
        }
        return (log, all);
    }

    public static IReadOnlyList<string> Run(UninstallPlan plan, IReadOnlyList<string>? stopped = null)
    {
        var log = new List<string> { $"🧹 Uninstalling kstack ({plan.Target.Label}) · {plan.AgentsText}", "" };
        log.AddRange(stopped ?? []);
        foreach (var (agent, file) in plan.McpEntries)
        {
            if (Mcp.McpClientConfig.Find(agent) is { } client && client.Remove(file)) log.Add($"   🗑  removed: kstack's MCP entry in {file}");
        }
        if (!plan.RemovesRoot && plan.McpEntries.Count > 0)
        {
            var manifest = new Manifest(plan.Target.Root);
            manifest.WriteMcp(manifest.ReadMcp().Except(plan.McpEntries));
        }
        foreach (var dir in plan.SlotDirs)
        {
            var foreign = ForeignFiles(dir);
            if (foreign.Count == 0)
            {
                FileSystem.RemoveEntry(dir);
                log.Add($"   🗑  removed: {dir}");
                continue;
            }
            foreach (var file in Installer.SlotFiles) FileSystem.RemoveEntry(Path.Combine(dir, file));
            foreach (var sub in new[] { "references", "agents" }.Select(d => Path.Combine(dir, d)))
                if (Directory.Exists(sub) && !FileSystem.IsLink(sub) && !Directory.EnumerateFileSystemEntries(sub).Any()) Directory.Delete(sub);
            log.Add($"   📦 kept:    {dir} (kstack's files removed; it holds files kstack did not write: {string.Join(", ", foreign)})");
        }
        // Deepest first, so a parent that only held the skills dir goes too; a directory with anything else in it stays.
        foreach (var dir in plan.CreatedDirs.OrderByDescending(d => d.Length))
        {
            if (!Directory.Exists(dir) || FileSystem.IsLink(dir) || Directory.EnumerateFileSystemEntries(dir).Any()) continue;
            Directory.Delete(dir);
            log.Add($"   🗑  removed: {dir} (created by kstack, now empty)");
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
        var pods = plan.Sessions.Sum(r => r.Pods.Count);
        log.Add(plan.Sessions.Count == 0
            ? "✅ kstack uninstalled. No kstack session was recorded, so there was nothing to stop in tmux or the cluster."
            : $"✅ kstack uninstalled. Stopped {plan.Sessions.Count} session{(plan.Sessions.Count == 1 ? "" : "s")}; {(pods == 0 ? "they had created no cluster objects" : "the pods they created were deleted")}.");
        return log;
    }
}
