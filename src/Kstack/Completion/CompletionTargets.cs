using System.Text.Json;
using Kstack.Cache;
using Kstack.Kube;

namespace Kstack.Completion;

/// <summary>
/// Target names for the shell: pod names and `node/NAME` from the context's cached pods.json and nodes.json, only
/// while the snapshot is fresh (younger than the default snapshot TTL). Never asks the API server: completion must
/// answer at once, and an old snapshot would offer names that are gone.
/// </summary>
internal static class CompletionTargets
{
    /// <summary>The default TTL of the snapshot skills (/cluster-status) that write pods.json and nodes.json.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(15);

    private const int MaxNames = 5000;
    private const long MaxFileBytes = 512L << 20;

    public static IReadOnlyList<string> Names(string cacheDir, string? ns, DateTime utcNow)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Read(Path.Combine(cacheDir, ListSpec.Pods.File), ns, utcNow)) names.Add(name);
        if (ns is null)
            foreach (var name in Read(Path.Combine(cacheDir, ListSpec.Nodes.File), null, utcNow)) names.Add("node/" + name);
        return names.Take(MaxNames).ToList();
    }

    /// <summary>metadata.name of every item (in namespace <paramref name="ns"/> when given) of a fresh list file.</summary>
    private static List<string> Read(string file, string? ns, DateTime utcNow)
    {
        var names = new List<string>();
        var info = new FileInfo(file);
        if (!info.Exists || info.Length > MaxFileBytes || utcNow - info.LastWriteTimeUtc >= FreshFor || info.LastWriteTimeUtc > utcNow) return names;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!doc.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array) return names;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("metadata", out var meta) || meta.ValueKind != JsonValueKind.Object) continue;
                if (ns is not null && (!meta.TryGetProperty("namespace", out var n) || n.ValueKind != JsonValueKind.String || n.GetString() != ns)) continue;
                // Names go into a shell's word list: only what Kubernetes allows in a name (DNS subdomain characters).
                if (meta.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 and <= 253 } text
                    && text.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.'))
                    names.Add(text);
            }
        }
        catch (JsonException) { }
        catch (IOException) { }
        return names;
    }

    /// <summary>The context a completion is for: --context, else KSTACK_KUBE_CONTEXT, else the kubeconfig's current-context.</summary>
    /// <summary>The snapshot directory of the cluster identity the context reaches (the context's directory when the kubeconfig does not define it).</summary>
    public static string CacheDir(Cache.InstallRoot root, string context)
    {
        Cache.ClusterIdentity? identity = null;
        try { identity = Cache.ClusterIdentity.Of(Kubeconfig.Load(), context); }
        catch (Envelope.KstackException) { }
        return identity is null ? root.CacheDirFor(context) : Path.Combine(root.CacheDirFor(context), identity.Key);
    }

    public static string? Context(string? flag)
    {
        if (flag is { Length: > 0 }) return flag;
        if (Environment.GetEnvironmentVariable("KSTACK_KUBE_CONTEXT") is { Length: > 0 } env) return env;
        try
        {
            return Kubeconfig.Load().CurrentContext;
        }
        catch (Envelope.KstackException)
        {
            return null;
        }
    }
}
