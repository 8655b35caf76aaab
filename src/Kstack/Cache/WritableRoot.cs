using Kstack.Envelope;

namespace Kstack.Cache;

/// <summary>
/// kstack writes its cache and state under the install root (or KSTACK_CACHE_DIR). An agent sandbox that lets commands
/// write only inside the project makes that root read-only; this turns that into one typed infra error naming the path,
/// the likely cause and the remedies — at once, instead of a crash or a wait on a lock that cannot be taken.
/// </summary>
internal static class WritableRoot
{
    /// <summary>Creates <paramref name="dir"/> if needed and proves a file can be created in it; else throws the sandbox error.</summary>
    public static void Ensure(string dir)
    {
        if (Problem(dir) is { } problem) throw KstackException.Infra(Message(dir, problem));
    }

    /// <summary>Null when a file can be created in dir (creating dir first), else a short reason.</summary>
    public static string? Problem(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-probe.{Environment.ProcessId}.{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return Reason(e);
        }
    }

    /// <summary>True for the failures a read-only or permission-denied location produces (not a held lock, not a missing file).</summary>
    public static bool IsWriteDenied(Exception e) =>
        e is UnauthorizedAccessException
        || e is IOException && (e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase)
                                || e.Message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase));

    public static string Reason(Exception e) =>
        e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) ? "read-only file system"
        : e is UnauthorizedAccessException || e.Message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) ? "permission denied"
        : TerminalText.Clean(e.Message.Split('\n')[0]);

    public static string Message(string dir, string reason) =>
        $"kstack cannot write to {dir} ({reason}). It keeps its cache and state there. The likely cause is an agent sandbox "
        + "that lets commands write only inside the project (Codex's default workspace-write sandbox does this). Fix one of:\n"
        + $"- allow writes to {dir} in the agent: Codex `--add-dir {dir}`, or add it to `sandbox_workspace_write.writable_roots` in ~/.codex/config.toml;\n"
        + "- set KSTACK_CACHE_DIR to a writable directory (cache and state only), or KSTACK_ROOT to a writable install root;\n"
        + "- install kstack into the project: `kstack install --local`.";
}
