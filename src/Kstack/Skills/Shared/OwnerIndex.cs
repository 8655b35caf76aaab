using System.Text.Json;

namespace Kstack.Skills.Shared;

public sealed record OwnerRef(string Kind, string Name)
{
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>
/// Walks controller owner references to the top-level workload: Pod → ReplicaSet → Deployment, Pod → Job → CronJob,
/// StatefulSet, DaemonSet. ReplicaSet and Job owners come from metadata-only lists; without them the ReplicaSet's
/// Deployment is derived from the pod-template-hash suffix.
/// </summary>
public sealed class OwnerIndex
{
    private readonly Dictionary<(string Ns, string Kind, string Name), OwnerRef> _parents = new();
    private readonly Dictionary<(string Ns, string Name), string> _hashes = new();

    public void Add(string ns, string kind, string name, OwnerRef? owner)
    {
        if (owner is not null) _parents[(ns, kind, name)] = owner;
    }

    public static OwnerRef? ControllerOf(JsonElement obj)
    {
        OwnerRef? first = null;
        foreach (var o in obj.Array("metadata", "ownerReferences"))
        {
            var r = new OwnerRef(o.Str("kind") ?? "", o.Str("name") ?? "");
            if (o.Bool("controller")) return r;
            first ??= r;
        }
        return first;
    }

    /// <summary>The chain above an object, nearest first (e.g. ReplicaSet/x, Deployment/y).</summary>
    public IReadOnlyList<OwnerRef> Chain(string ns, string kind, string name, OwnerRef? directOwner, string? podTemplateHash = null)
    {
        var chain = new List<OwnerRef>();
        if (podTemplateHash is null && kind == "Pod") _hashes.TryGetValue((ns, name), out podTemplateHash);
        var current = directOwner ?? (_parents.TryGetValue((ns, kind, name), out var p) ? p : null);
        while (current is not null && chain.Count < 5)
        {
            chain.Add(current);
            if (_parents.TryGetValue((ns, current.Kind, current.Name), out var next)) current = next;
            else if (current.Kind == "ReplicaSet" && podTemplateHash is { Length: > 0 } hash
                     && current.Name.EndsWith("-" + hash, StringComparison.Ordinal) && chain.Count == 1)
                current = new OwnerRef("Deployment", current.Name[..^(hash.Length + 1)]);
            else current = null;
        }
        return chain;
    }

    /// <summary>Loads controller owners from cached (usually metadata-only) lists of the given kinds.</summary>
    public static async Task<OwnerIndex> LoadAsync(IEnumerable<(string Path, string Kind)> lists, CancellationToken ct)
    {
        var index = new OwnerIndex();
        foreach (var (path, kind) in lists)
        {
            if (!File.Exists(path)) continue;
            await CachedList.MapAsync<object>(path, item =>
            {
                var ns = item.Str("metadata", "namespace") ?? "";
                var name = item.Str("metadata", "name") ?? "";
                index.Add(ns, kind, name, ControllerOf(item));
                if (item.Str("metadata", "labels", "pod-template-hash") is { Length: > 0 } hash) index._hashes[(ns, name)] = hash;
                return null;
            }, ct);
        }
        return index;
    }
}
