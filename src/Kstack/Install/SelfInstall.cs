using Kstack.Envelope;

namespace Kstack.Install;

/// <summary>Copies the running kstack into &lt;root&gt;/bin so the rendered SKILL.md files have a stable path to call.</summary>
internal static class SelfInstall
{
    public static string ExecutableName => OperatingSystem.IsWindows() ? "kstack.exe" : "kstack";

    /// <summary>The executable and, for a framework-dependent build (kstack.dll beside it), the app files it needs.</summary>
    public static IReadOnlyList<string> FilesToCopy(string executable)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(executable))!;
        if (!File.Exists(Path.Combine(dir, "kstack.dll"))) return [Path.GetFullPath(executable)];
        var files = Directory.EnumerateFiles(dir)
            .Where(f => Path.GetFileName(f) is var n
                        && (n == ExecutableName || n.StartsWith("kstack.", StringComparison.Ordinal) || n.EndsWith(".dll", StringComparison.Ordinal))
                        && !n.EndsWith(".pdb", StringComparison.Ordinal) && !n.EndsWith(".dbg", StringComparison.Ordinal))
            .ToList();
        var runtimes = Path.Combine(dir, "runtimes");
        if (Directory.Exists(runtimes)) files.AddRange(Directory.EnumerateFiles(runtimes, "*", SearchOption.AllDirectories));
        return files.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The kstack executable of this process (not the `dotnet` host when run as `dotnet kstack.dll`).</summary>
    public static string CurrentExecutable()
    {
        var path = Environment.ProcessPath;
        if (path is not null && Path.GetFileNameWithoutExtension(path) != "dotnet") return path;
        var beside = Path.Combine(AppContext.BaseDirectory, ExecutableName);
        return File.Exists(beside) ? beside : throw KstackException.Infra("Cannot locate the kstack executable to install; run the kstack binary itself.");
    }

    /// <summary>Copies into binDir (temp file + rename each), keeping relative layout; removes files no longer shipped.</summary>
    public static void CopyTo(string executable, string binDir)
    {
        var sourceDir = Path.GetDirectoryName(Path.GetFullPath(executable))!;
        var target = Path.GetFullPath(binDir);
        Directory.CreateDirectory(target);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in FilesToCopy(executable))
        {
            var relative = Path.GetRelativePath(sourceDir, file);
            var dest = Path.Combine(target, relative);
            kept.Add(dest);
            if (Path.GetFullPath(file) == dest) continue;
            CopyAtomic(file, dest, Path.GetFileName(file) == ExecutableName);
        }
        foreach (var stale in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Where(f => !kept.Contains(f)).ToList())
            File.Delete(stale);
    }

    private static void CopyAtomic(string source, string dest, bool executable)
    {
        var dir = Path.GetDirectoryName(dest)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(dest)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.Copy(source, tmp);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(tmp, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
            File.Move(tmp, dest, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}
