namespace Kstack.Update;

internal enum InstallKind { DotnetToolGlobal, DotnetToolPath, DotnetToolLocal, Archive, Source }

/// <summary>
/// How the kstack binary that ran `kstack install` got onto the machine, read from its path; it decides the upgrade
/// command the notice names and what `kstack upgrade` runs.
/// </summary>
internal sealed record InstallOrigin(InstallKind Kind, string BinaryPath, string? ToolPath = null, string? RepoPath = null)
{
    /// <summary>Tool stores look like &lt;tool path&gt;/.store/kstack/&lt;ver&gt;/kstack.&lt;rid&gt;/&lt;ver&gt;/tools/…; local tools live in the NuGet cache.</summary>
    public static InstallOrigin Detect(string binaryPath, string home)
    {
        var path = Path.GetFullPath(binaryPath).Replace('\\', '/');
        var store = path.IndexOf("/.store/kstack/", StringComparison.Ordinal);
        // The tool's shim (<tool path>/kstack) beside the store, as `dotnet tool update` leaves it.
        var dir = Path.GetDirectoryName(Path.GetFullPath(binaryPath));
        if (store < 0 && dir is not null && Directory.Exists(Path.Combine(dir, ".store", "kstack"))) store = dir.Replace('\\', '/').Length;
        if (store >= 0)
        {
            var toolPath = path[..store];
            var global = Path.GetFullPath(Path.Combine(home, ".dotnet", "tools")).Replace('\\', '/');
            return new(toolPath == global ? InstallKind.DotnetToolGlobal : InstallKind.DotnetToolPath, binaryPath, toolPath);
        }
        var nugetCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? Path.GetFullPath(cache).Replace('\\', '/').TrimEnd('/') + "/"
            : "/.nuget/packages/";
        if ((path.Contains(nugetCache + "kstack.", StringComparison.Ordinal) || path.Contains(nugetCache + "kstack/", StringComparison.Ordinal))
            && path.Contains("/tools/", StringComparison.Ordinal))
            return new(InstallKind.DotnetToolLocal, binaryPath);
        // A build from a clone: <repo>/artifacts/bin/kstack beside Kstack.slnx.
        var repo = dir is null ? null : Path.GetFullPath(Path.Combine(dir, "..", ".."));
        if (repo is not null && File.Exists(Path.Combine(repo, "Kstack.slnx")) && Path.GetFileName(dir) == "bin")
            return new(InstallKind.Source, binaryPath, RepoPath: repo);
        return new(InstallKind.Archive, binaryPath);
    }

    /// <summary>What `kstack upgrade` runs to replace the binary, in words (the notice names it).</summary>
    public string UpgradeCommand => Kind switch
    {
        InstallKind.DotnetToolGlobal => "dotnet tool update -g kstack",
        InstallKind.DotnetToolPath => $"dotnet tool update --tool-path {ToolPath} kstack",
        InstallKind.DotnetToolLocal => "dotnet tool update kstack",
        InstallKind.Source => $"git -C {RepoPath} pull --ff-only && make -C {RepoPath} build",
        _ => "download the release archive, verify its SHA-256 and replace the binary",
    };
}
