namespace Kstack.Tests.Support;

/// <summary>
/// A kstack root filled from a healthy simulator, handed over to another simulator serving the same scenario (another
/// URL and CA, so another cluster identity): the tests can then refresh one cluster's cache against a sick server.
/// </summary>
public static class CacheHandOver
{
    /// <summary>Runs kstack once on a healthy simulator and copies its root; returns the copy and its cache directory.</summary>
    public static async Task<(string Root, string CacheDir)> WarmAsync(string scenario, params string[] args)
    {
        await using var healthy = await SimCluster.StartAsync(scenario);
        var first = healthy.Kstack(args).AssertOk();
        var root = Path.Combine(Directory.CreateTempSubdirectory("kstack-faults-").FullName, "root");
        CopyDir(healthy.Root, root);
        // A skill whose answer names no cache_dir (e.g. /metrics without a source) still caches under the cluster's directory.
        var cacheDir = first.AgentContext["cache_dir"] is { } named ? (string)named!
            : Directory.EnumerateDirectories(new Kstack.Cache.InstallRoot(healthy.Root).KubeCacheDir).Single();
        return (root, cacheDir.Replace(healthy.Root, root, StringComparison.Ordinal));
    }

    /// <summary>Moves the cache directory to the cluster identity of <paramref name="to"/> and records it; returns its new path.</summary>
    public static string MoveTo(string root, string cacheDir, SimCluster to)
    {
        var identity = Kstack.Cache.ClusterIdentity.Of(Kstack.Kube.Kubeconfig.Load([to.Server.KubeconfigPath]), "sim-admin")!;
        var newDir = Path.Combine(Path.GetDirectoryName(cacheDir)!, identity.Key);
        Directory.Move(cacheDir, newDir);
        identity.Record(new Kstack.Cache.InstallRoot(root), "sim-admin");
        return newDir;
    }

    /// <summary>Every file below the directory (relative path → bytes).</summary>
    public static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static void CopyDir(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
