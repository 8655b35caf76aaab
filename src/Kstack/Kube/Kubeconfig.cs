using k8s;
using k8s.KubeConfigModels;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>
/// kubectl's kubeconfig semantics: KUBECONFIG (several files, first occurrence of a name wins) else ~/.kube/config.
/// Read with the Kubernetes client library; kubectl is never spawned.
/// </summary>
internal sealed class Kubeconfig
{
    /// <summary>Larger than any real kubeconfig; reading stops there (KUBECONFIG=/dev/zero must not exhaust memory).</summary>
    public const int MaxFileBytes = 4 << 20;

    public K8SConfiguration Merged { get; }
    public IReadOnlyList<string> Files { get; }

    /// <summary>proxy-url per cluster name: the client library's model drops the field, so it is read here.</summary>
    private readonly IReadOnlyDictionary<string, string> _proxyUrls;

    /// <summary>Files named (by KUBECONFIG, or the default ~/.kube/config) that do not exist; kubectl skips them silently.</summary>
    public IReadOnlyList<string> MissingFiles { get; }

    private Kubeconfig(K8SConfiguration merged, IReadOnlyList<string> files, IReadOnlyDictionary<string, string> proxyUrls, IReadOnlyList<string> missing)
    {
        Merged = merged;
        Files = files;
        _proxyUrls = proxyUrls;
        MissingFiles = missing;
    }

    /// <summary>" KUBECONFIG names `a`, which does not exist." (or the default file), empty when every file exists.</summary>
    public string MissingFilesSentence()
    {
        if (MissingFiles.Count == 0) return "";
        var from = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KUBECONFIG")) ? "The default kubeconfig" : "KUBECONFIG";
        var names = string.Join(", ", MissingFiles.Take(5).Select(f => $"`{f}`"));
        return MissingFiles.Count == 1
            ? $" {from} names {names}, which does not exist."
            : $" {from} names files that do not exist: {names}.";
    }

    public string? CurrentContext => string.IsNullOrEmpty(Merged.CurrentContext) ? null : Merged.CurrentContext;

    public IEnumerable<string> ContextNames => (Merged.Contexts ?? []).Select(c => c.Name);

    public bool HasContext(string name) => (Merged.Contexts ?? []).Any(c => c.Name == name);

    public static IReadOnlyList<string> DefaultPaths()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return [Path.Combine(home, ".kube", "config")];
    }

    public static Kubeconfig Load() => Load(DefaultPaths());

    public static Kubeconfig Load(IReadOnlyList<string> paths)
    {
        var merged = new K8SConfiguration { Clusters = [], Users = [], Contexts = [] };
        var files = new List<string>();
        var proxyUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (!File.Exists(path)) { missing.Add(path); continue; }
            if (ReadOne(path, proxyUrls) is not { } one) continue;
            files.Add(path);
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (string.IsNullOrEmpty(merged.CurrentContext) && !string.IsNullOrEmpty(one.CurrentContext))
                merged.CurrentContext = one.CurrentContext;
            foreach (var c in one.Clusters ?? [])
            {
                if (merged.Clusters.Any(x => x.Name == c.Name)) continue;
                if (c.ClusterEndpoint is { CertificateAuthority: { Length: > 0 } ca } ep && !Path.IsPathRooted(ca))
                    ep.CertificateAuthority = Path.Combine(baseDir, ca);
                merged.Clusters.Add(c);
            }
            foreach (var u in one.Users ?? [])
            {
                if (merged.Users.Any(x => x.Name == u.Name)) continue;
                if (u.UserCredentials is { } cred)
                {
                    if (cred.ClientCertificate is { Length: > 0 } cc && !Path.IsPathRooted(cc)) cred.ClientCertificate = Path.Combine(baseDir, cc);
                    if (cred.ClientKey is { Length: > 0 } ck && !Path.IsPathRooted(ck)) cred.ClientKey = Path.Combine(baseDir, ck);
                }
                merged.Users.Add(u);
            }
            foreach (var x in one.Contexts ?? [])
                if (!merged.Contexts.Any(y => y.Name == x.Name)) merged.Contexts.Add(x);
        }
        return new Kubeconfig(merged, files, proxyUrls, missing);
    }

    /// <summary>
    /// One file, read with a size cap: empty or whitespace-only files contribute nothing (as for kubectl); NUL bytes,
    /// binary data, wrong types and oversized files are user errors naming the file.
    /// </summary>
    private static K8SConfiguration? ReadOne(string path, Dictionary<string, string> proxyUrls)
    {
        string Shown() => TerminalText.Clean(path);
        byte[] bytes;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var buffer = new byte[MaxFileBytes + 1];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = file.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            if (total > MaxFileBytes) throw KstackException.User($"Unable to read kubeconfig {Shown()}: it is larger than {MaxFileBytes >> 20} MiB, so it is not a kubeconfig.");
            bytes = buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw KstackException.User($"Unable to read kubeconfig {Shown()}: {TerminalText.Clean(FirstLine(e.Message))}");
        }
        if (bytes.AsSpan().IndexOf((byte)0) >= 0)
            throw KstackException.User($"Unable to read kubeconfig {Shown()}: it contains NUL bytes, so it is not a YAML kubeconfig.");
        string text;
        try { text = new System.Text.UTF8Encoding(false, true).GetString(bytes); }
        catch (System.Text.DecoderFallbackException)
        {
            throw KstackException.User($"Unable to read kubeconfig {Shown()}: it is not UTF-8 text.");
        }
        if (string.IsNullOrWhiteSpace(text)) return null;
        K8SConfiguration? one;
        try
        {
            one = KubernetesClientConfiguration.LoadKubeConfig(new MemoryStream(bytes));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw KstackException.User($"Unable to read kubeconfig {Shown()}: {TerminalText.Clean(FirstLine(e.Message))}");
        }
        if (one is null) return null;
        if (text.Contains("proxy-url", StringComparison.Ordinal))
        {
            try { ReadProxyUrls(text, proxyUrls); }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw KstackException.User($"Unable to read kubeconfig {Shown()}: {TerminalText.Clean(FirstLine(e.Message))}");
            }
        }
        return one;
    }

    /// <summary>clusters[].cluster.proxy-url, first file wins as for every other field.</summary>
    private static void ReadProxyUrls(string text, Dictionary<string, string> proxyUrls)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(text));
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlDotNet.RepresentationModel.YamlMappingNode root) return;
        if (!root.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("clusters"), out var clusters)
            || clusters is not YamlDotNet.RepresentationModel.YamlSequenceNode list) return;
        foreach (var entry in list.Children.OfType<YamlDotNet.RepresentationModel.YamlMappingNode>())
        {
            var name = Scalar(entry, "name");
            if (name is null || !entry.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("cluster"), out var c)
                || c is not YamlDotNet.RepresentationModel.YamlMappingNode cluster) continue;
            if (Scalar(cluster, "proxy-url") is { Length: > 0 } url) proxyUrls.TryAdd(name, url);
        }
    }

    private static string? Scalar(YamlDotNet.RepresentationModel.YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode(key), out var v) && v is YamlDotNet.RepresentationModel.YamlScalarNode s ? s.Value : null;

    private string? ClusterNameOf(string context) => (Merged.Contexts ?? []).FirstOrDefault(c => c.Name == context)?.ContextDetails?.Cluster;

    /// <summary>The server URL of the context's cluster, if the kubeconfig names one.</summary>
    public string? ServerOf(string context) =>
        ClusterNameOf(context) is { } name ? (Merged.Clusters ?? []).FirstOrDefault(c => c.Name == name)?.ClusterEndpoint?.Server : null;

    /// <summary>The proxy-url of the context's cluster, if any.</summary>
    public string? ProxyUrlOf(string context) => ClusterNameOf(context) is { } name ? _proxyUrls.GetValueOrDefault(name) : null;

    /// <summary>Namespace configured on a context, if any.</summary>
    public string? NamespaceOf(string context) =>
        (Merged.Contexts ?? []).FirstOrDefault(c => c.Name == context)?.ContextDetails?.Namespace is { Length: > 0 } ns ? ns : null;

    public string UnknownContextMessage(string context)
    {
        var names = ContextNames.ToList();
        if (names.Count == 0)
            return $"Context `{context}` not found: no kubeconfig contexts are defined (looked in {string.Join(", ", DefaultPaths())}).{MissingFilesSentence()}";
        var shown = string.Join(", ", names.Take(10).Select(n => $"`{n}`"));
        var more = names.Count > 10 ? $" and {names.Count - 10} more" : "";
        return $"Context `{context}` not found in kubeconfig. Available contexts: {shown}{more}.{MissingFilesSentence()}";
    }

    internal static string FirstLine(string text)
    {
        var i = text.IndexOfAny(['\r', '\n']);
        return i < 0 ? text : text[..i];
    }
}
