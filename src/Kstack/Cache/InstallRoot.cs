using System.Security.Cryptography;
using System.Text;

namespace Kstack.Cache;

/// <summary>
/// The install root and its layout: bin/, schemas/, cache/kube/&lt;sha12&gt;/, state/contexts/&lt;sha12&gt;/, state/global/, manifest/.
/// </summary>
internal sealed class InstallRoot(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string BinDir => System.IO.Path.Combine(Path, "bin");
    public string SchemasDir => System.IO.Path.Combine(Path, "schemas");
    /// <summary>Where kstack writes (cache/ and state/): KSTACK_CACHE_DIR when set (e.g. a writable dir for a sandboxed agent), else the root.</summary>
    public string DataDir { get; } = Environment.GetEnvironmentVariable("KSTACK_CACHE_DIR") is { Length: > 0 } data
        ? System.IO.Path.GetFullPath(data)
        : System.IO.Path.GetFullPath(path);

    public string KubeCacheDir => System.IO.Path.Combine(DataDir, "cache", "kube");
    public string StateDir => System.IO.Path.Combine(DataDir, "state");
    public string ContextStateRoot => System.IO.Path.Combine(StateDir, "contexts");
    public string GlobalStateDir => System.IO.Path.Combine(StateDir, "global");
    public string ManifestDir => System.IO.Path.Combine(Path, "manifest");

    public string CacheDirFor(string context) => System.IO.Path.Combine(KubeCacheDir, ShortSha(context));
    public string StateDirFor(string context) => System.IO.Path.Combine(ContextStateRoot, ShortSha(context));

    /// <summary>First 12 hex characters of SHA-256 of the context name.</summary>
    public static string ShortSha(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash[..6]);
    }

    /// <summary>
    /// KSTACK_ROOT wins; else the root this binary was installed into (&lt;root&gt;/bin/kstack with a manifest beside it);
    /// else the global root ~/.config/kstack.
    /// </summary>
    public static InstallRoot Resolve()
    {
        var env = Environment.GetEnvironmentVariable("KSTACK_ROOT");
        if (!string.IsNullOrEmpty(env)) return new InstallRoot(env);
        var installed = InstalledRootOfThisBinary();
        return new InstallRoot(installed ?? GlobalPath());
    }

    public static string GlobalPath() =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "kstack");

    public static string? InstalledRootOfThisBinary()
    {
        var exe = Environment.ProcessPath;
        if (exe is null) return null;
        var bin = System.IO.Path.GetDirectoryName(exe);
        if (bin is null || System.IO.Path.GetFileName(bin) != "bin") return null;
        var root = System.IO.Path.GetDirectoryName(bin);
        return root is not null && Directory.Exists(System.IO.Path.Combine(root, "manifest")) ? root : null;
    }
}
