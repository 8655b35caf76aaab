using System.Security.Cryptography;
using System.Text;
using Kstack.Kube;

namespace Kstack.Cache;

/// <summary>
/// Who a context reaches: the API server URL, its certificate authority (and TLS server name) and the kubeconfig
/// user. Two kubeconfigs may give one context name to different clusters (recreated kind/minikube clusters, k3s's
/// `default`), so cache and state live under &lt;sha12(context)&gt;/&lt;Key&gt;/ and a change of identity discards the
/// previous one's files.
/// </summary>
internal sealed record ClusterIdentity(string Server, string User, string Key)
{
    public const string RecordFile = "identity";

    /// <summary>The identity behind a kubeconfig context; null when the kubeconfig does not define it.</summary>
    public static ClusterIdentity? Of(Kubeconfig kubeconfig, string context)
    {
        var details = (kubeconfig.Merged.Contexts ?? []).FirstOrDefault(c => c.Name == context)?.ContextDetails;
        if (details is null) return null;
        var endpoint = (kubeconfig.Merged.Clusters ?? []).FirstOrDefault(c => c.Name == details.Cluster)?.ClusterEndpoint;
        var server = endpoint?.Server ?? "";
        var user = details.User ?? "";
        var material = new StringBuilder()
            .Append(server).Append('\n')
            .Append(CaFingerprint(endpoint?.CertificateAuthorityData, endpoint?.CertificateAuthority, endpoint?.SkipTlsVerify ?? false)).Append('\n')
            .Append(endpoint?.TlsServerName ?? "").Append('\n')
            .Append(user);
        return new ClusterIdentity(server, user, InstallRoot.ShortSha(material.ToString()));
    }

    /// <summary>Hash of the CA bytes (inline data, else the file's content); "insecure" or "none" without one.</summary>
    private static string CaFingerprint(string? data, string? file, bool insecure)
    {
        if (insecure) return "insecure";
        if (!string.IsNullOrEmpty(data)) return Sha(Encoding.UTF8.GetBytes(data.Trim()));
        if (string.IsNullOrEmpty(file)) return "none";
        try { return Sha(File.ReadAllBytes(file)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "file:" + file; }
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private string RecordText => Key + "\t" + Server + "\t" + User;

    /// <summary>Writes this identity as the one the context reached last (no discarding).</summary>
    public void Record(InstallRoot root, string context) =>
        AtomicFile.WriteAllText(Path.Combine(root.StateDirFor(context), RecordFile), RecordText);

    /// <summary>
    /// Makes this identity the one the context's cache and state belong to. When the context last reached another
    /// identity (or files from before identities were recorded are present), everything else under the context's cache
    /// and state directories is deleted, under the context's lock; the returned notice says so (null when nothing changed).
    /// </summary>
    public async Task<string?> BindAsync(InstallRoot root, string context, CancellationToken ct)
    {
        var contextCache = root.CacheDirFor(context);
        var contextState = root.StateDirFor(context);
        var recordPath = Path.Combine(contextState, RecordFile);
        var previous = ReadRecord(recordPath);
        if (previous == RecordText) return null;
        try
        {
            bool discarded;
            using (await DirectoryLock.AcquireAsync(contextCache, TimeSpan.FromSeconds(30), ct))
            {
                discarded = DiscardAllBut(contextCache, Key) | DiscardAllBut(contextState, Key);
                Record(root, context);
            }
            if (previous is null || !discarded) return null;
            return ChangeNotice(context, previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only root cannot hold a cache either; the skill reports that itself.
            return null;
        }
    }

    private string ChangeNotice(string context, string previous)
    {
        var parts = previous.Split('\t');
        var (oldServer, oldUser) = parts.Length >= 3 ? (parts[1], parts[2]) : ("?", "?");
        var what = oldServer == Server && oldUser == User
            ? $"the same server {Server} and user `{User}`, but a different certificate authority or TLS server name"
            : $"server {Server} as user `{User}` (before: {oldServer} as user `{oldUser}`)";
        return $"Context `{context}` now reaches a different cluster identity: {what}. "
             + "The cached snapshots and learned state of the previous one were discarded; this answer comes from a fresh read.";
    }

    private static string? ReadRecord(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Deletes every entry of <paramref name="dir"/> except the identity's subdirectory, the lock and the record.</summary>
    private static bool DiscardAllBut(string dir, string key)
    {
        if (!Directory.Exists(dir)) return false;
        var any = false;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            var name = Path.GetFileName(entry);
            if (name is ".lock" or RecordFile || name == key) continue;
            any = true;
            try
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            catch (DirectoryNotFoundException) { }
        }
        return any;
    }
}
