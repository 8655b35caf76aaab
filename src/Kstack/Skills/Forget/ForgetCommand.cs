using Kstack.Cache;
using Kstack.Commands;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Forget;

/// <summary>/forget: removes a context's cache and learned state (or every context's with --all).</summary>
public sealed class ForgetCommand : SkillCommand
{
    public override SkillDescriptor Descriptor => ForgetSkill.Descriptor;

    protected override bool NeedsContext(System.CommandLine.ParseResult parsed) => !ForgetSkill.All.Read(parsed);

    /// <summary>How long forget waits for a running fetch to release a snapshot directory.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        if (run.Get(ForgetSkill.All)) return Env.Verbatim(await ForgetAllAsync(run.Root, LockTimeout, ct));

        var removed = new List<string>();
        if (await ForgetCacheAsync(run.CacheDir, LockTimeout, ct, () =>
            {
                // Under the context's locks: concurrent runs would otherwise race on the state directory.
                if (DeleteDir(run.StateDir, keepLock: false)) removed.Add($"  state  ({run.StateDir})");
            }))
            removed.Insert(0, $"  cache  ({run.CacheDir})");
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
    /// Empties one context's cache while holding its lock and the lock of every namespaced snapshot directory under
    /// ns/ (a fetch holds exactly one of them while it writes), so no fetch loses a file mid-write. Lock files stay,
    /// so a fetch waiting on one keeps excluding the others. True when anything but lock files was there.
    /// </summary>
    private static async Task<bool> ForgetCacheAsync(string dir, TimeSpan lockTimeout, CancellationToken ct, Action? alsoUnderLock = null)
    {
        if (!Directory.Exists(dir)) { alsoUnderLock?.Invoke(); return false; }
        var locks = new List<DirectoryLock>();
        try
        {
            locks.Add(await DirectoryLock.AcquireAsync(dir, lockTimeout, ct));
            var nsRoot = Path.Combine(dir, "ns");
            var nsDirs = Directory.Exists(nsRoot) ? Directory.EnumerateDirectories(nsRoot).Order(StringComparer.Ordinal).ToList() : [];
            foreach (var ns in nsDirs) locks.Add(await DirectoryLock.AcquireAsync(ns, lockTimeout, ct));
            var found = false;
            foreach (var ns in nsDirs) found |= DeleteDir(ns, keepLock: true);
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (Path.GetFileName(entry) is ".lock" or "ns") continue;
                found = true;
                DeleteEntry(entry);
            }
            alsoUnderLock?.Invoke();
            return found;
        }
        finally
        {
            foreach (var l in locks) l.Dispose();
        }
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
