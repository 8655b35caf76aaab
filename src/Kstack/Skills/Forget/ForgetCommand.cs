using Kstack.Cache;
using Kstack.Commands;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Forget;

/// <summary>/forget: removes a context's cache and learned state (or every context's with --all).</summary>
public sealed class ForgetCommand : SkillCommand
{
    public override SkillDescriptor Descriptor => ForgetSkill.Descriptor;

    protected override bool NeedsContext(System.CommandLine.ParseResult parsed) => !ForgetSkill.All.Read(parsed);

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        if (run.Get(ForgetSkill.All)) return Env.Verbatim(ForgetAll(run.Root));

        var removed = new List<string>();
        using (await DirectoryLock.AcquireAsync(run.CacheDir, TimeSpan.FromSeconds(30), ct))
        {
            if (DeleteDir(run.CacheDir, keepLock: true)) removed.Add($"  cache  ({run.CacheDir})");
            // Under the same lock: concurrent runs would otherwise race on the state directory.
            if (DeleteDir(run.StateDir, keepLock: false)) removed.Add($"  state  ({run.StateDir})");
        }
        return Env.Verbatim(removed.Count == 0
            ? $"Nothing to forget for context `{run.Context}` — no local state found."
            : $"Forgot local state for context `{run.Context}`:\n" + string.Join("\n", removed));
    }

    private static string ForgetAll(InstallRoot root)
    {
        var any = false;
        foreach (var parent in new[] { root.KubeCacheDir, root.ContextStateRoot })
        {
            if (!Directory.Exists(parent)) continue;
            foreach (var dir in Directory.EnumerateDirectories(parent))
                any |= DeleteDir(dir, keepLock: false);
        }
        return any ? "Forgot local state for all contexts." : "Nothing to forget — no local state found for any context.";
    }

    /// <summary>Deletes a directory's contents; true when anything but the lock file was there.</summary>
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
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            if (!keepLock) Directory.Delete(dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed concurrently (e.g. by forget --all, which takes no per-context lock): already forgotten.
        }
        return found;
    }
}
