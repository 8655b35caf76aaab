using Kstack.Cache;
using Kstack.Commands;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Forget;

/// <summary>/forget: removes a context's cache and learned state (or every context's with --all).</summary>
internal sealed class ForgetCommand : SkillCommand
{
    public override SkillDescriptor Descriptor => ForgetSkill.Descriptor;

    protected override bool NeedsContext(System.CommandLine.ParseResult parsed) => !ForgetSkill.All.Read(parsed);

    /// <summary>How long forget waits for a running fetch to release a snapshot directory.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        if (run.Get(ForgetSkill.All)) return Env.Verbatim(await ForgetAllAsync(run.Root, LockTimeout, ct));

        var removed = new List<string>();
        if (await ForgetCacheAsync(run.ContextCacheDir, LockTimeout, ct, () =>
            {
                // Under the context's locks: concurrent runs would otherwise race on the state directory.
                if (DeleteDir(run.ContextStateDir, keepLock: false)) removed.Add($"  state  ({run.ContextStateDir})");
            }))
            removed.Insert(0, $"  cache  ({run.ContextCacheDir})");
        return Env.Verbatim(removed.Count == 0
            ? $"Nothing to forget for context `{run.Context}` — no local state found."
            : $"Forgot local state for context `{run.Context}`:\n" + string.Join("\n", removed));
    }

    /// <summary>
    /// Every context's cache (each under its locks, as for one context) and state. Never global state or the manifest.
    /// </summary>
    public static async Task<string> ForgetAllAsync(InstallRoot root, TimeSpan lockTimeout, CancellationToken ct)
    {
        var any = false;
        if (Directory.Exists(root.KubeCacheDir))
            foreach (var dir in Directory.EnumerateDirectories(root.KubeCacheDir).Order(StringComparer.Ordinal))
                any |= await ForgetCacheAsync(dir, lockTimeout, ct);
        if (Directory.Exists(root.ContextStateRoot))
            foreach (var dir in Directory.EnumerateDirectories(root.ContextStateRoot))
                any |= DeleteDir(dir, keepLock: false);
        return any ? "Forgot local state for all contexts." : "Nothing to forget — no local state found for any context.";
    }

    /// <summary>
    /// Empties one context's cache (every cluster identity under it) while holding the context's lock and the lock of
    /// every snapshot directory below it (&lt;identity&gt;/, &lt;identity&gt;/ns/&lt;…&gt;/: a fetch holds exactly one of
    /// them while it writes), taken in path order, so no fetch loses a file mid-write. Lock files stay, so a fetch waiting
    /// on one keeps excluding the others. True when anything but lock files was there.
    /// </summary>
    private static async Task<bool> ForgetCacheAsync(string dir, TimeSpan lockTimeout, CancellationToken ct, Action? alsoUnderLock = null)
    {
        if (!Directory.Exists(dir)) { alsoUnderLock?.Invoke(); return false; }
        var locks = new List<DirectoryLock>();
        try
        {
            locks.Add(await DirectoryLock.AcquireAsync(dir, lockTimeout, ct));
            var snapshotDirs = Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories)
                .Where(d => File.Exists(Path.Combine(d, ".lock"))).Order(StringComparer.Ordinal).ToList();
            foreach (var d in snapshotDirs) locks.Add(await DirectoryLock.AcquireAsync(d, lockTimeout, ct));
            var found = DeleteKeepingLocks(dir, snapshotDirs.ToHashSet(StringComparer.Ordinal));
            alsoUnderLock?.Invoke();
            return found;
        }
        finally
        {
            foreach (var l in locks) l.Dispose();
        }
    }

    /// <summary>Deletes everything under dir except lock files and the directories that hold them; true when anything was deleted.</summary>
    private static bool DeleteKeepingLocks(string dir, IReadOnlySet<string> lockedDirs)
    {
        var found = false;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            if (Path.GetFileName(entry) == ".lock") continue;
            if (lockedDirs.Contains(entry) || lockedDirs.Any(l => l.StartsWith(entry + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                found |= DeleteKeepingLocks(entry, lockedDirs);
                continue;
            }
            found = true;
            DeleteEntry(entry);
        }
        return found;
    }

    /// <summary>Deletes a directory's contents (lock files at any depth are kept with keepLock); true when anything else was there.</summary>
    private static bool DeleteDir(string dir, bool keepLock)
    {
        if (!Directory.Exists(dir)) return false;
        var found = false;
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (Path.GetFileName(entry) == ".lock") continue;
                found = true;
                DeleteEntry(entry);
            }
            if (!keepLock) Directory.Delete(dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed concurrently by another forget: already forgotten.
        }
        return found;
    }

    private static void DeleteEntry(string entry)
    {
        try
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        catch (DirectoryNotFoundException) { }
    }
}
