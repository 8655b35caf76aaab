using k8s;
using k8s.KubeConfigModels;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>
/// kubectl's kubeconfig semantics: KUBECONFIG (several files, first occurrence of a name wins) else ~/.kube/config.
/// Read with the Kubernetes client library; kubectl is never spawned.
/// </summary>
public sealed class Kubeconfig
{
    public K8SConfiguration Merged { get; }
    public IReadOnlyList<string> Files { get; }

    private Kubeconfig(K8SConfiguration merged, IReadOnlyList<string> files)
    {
        Merged = merged;
        Files = files;
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
        foreach (var path in paths)
        {
            if (!File.Exists(path)) continue;
            K8SConfiguration one;
            try
            {
                one = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw KstackException.User($"Unable to read kubeconfig {path}: {FirstLine(e.Message)}");
            }
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
        return new Kubeconfig(merged, files);
    }

    /// <summary>Namespace configured on a context, if any.</summary>
    public string? NamespaceOf(string context) =>
        (Merged.Contexts ?? []).FirstOrDefault(c => c.Name == context)?.ContextDetails?.Namespace is { Length: > 0 } ns ? ns : null;

    public string UnknownContextMessage(string context)
    {
        var names = ContextNames.ToList();
        if (names.Count == 0)
            return $"Context `{context}` not found: no kubeconfig contexts are defined (looked in {string.Join(", ", DefaultPaths())}).";
        var shown = string.Join(", ", names.Take(10).Select(n => $"`{n}`"));
        var more = names.Count > 10 ? $" and {names.Count - 10} more" : "";
        return $"Context `{context}` not found in kubeconfig. Available contexts: {shown}{more}.";
    }

    internal static string FirstLine(string text)
    {
        var i = text.IndexOfAny(['\r', '\n']);
        return i < 0 ? text : text[..i];
    }
}
