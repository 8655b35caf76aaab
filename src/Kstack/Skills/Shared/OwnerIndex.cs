using System.Text.Json;

namespace Kstack.Skills.Shared;

internal sealed record OwnerRef(string Kind, string Name)
{
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>
/// Walks controller owner references to the top-level workload: Pod → ReplicaSet → Deployment, Pod → Job → CronJob,
/// StatefulSet, DaemonSet. ReplicaSet and Job owners come from metadata-only lists; without them the ReplicaSet's
/// Deployment is derived from the pod-template-hash suffix.
/// </summary>
internal sealed class OwnerIndex
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

    /// <summary>One object's controller owner and pod-template-hash, as a metadata list gives them.</summary>
    public sealed record Entry(string Namespace, string Kind, string Name, OwnerRef? Owner, string? PodTemplateHash);

    /// <summary>Collects the owner entries of a (usually metadata-only) list, while it streams or from its cached file.</summary>
    public static ListFacts<Entry> Facts(Kube.ListSpec spec) => new(spec, item => EntryOf(item, spec.ItemKind));

    private static Entry EntryOf(JsonElement item, string kind) => new(
        item.Str("metadata", "namespace") ?? "", kind, item.Str("metadata", "name") ?? "", ControllerOf(item),
        item.Str("metadata", "labels", "pod-template-hash") is { Length: > 0 } hash ? hash : null);

    public static OwnerIndex From(IEnumerable<Entry> entries)
    {
        var index = new OwnerIndex();
        foreach (var e in entries)
        {
            index.Add(e.Namespace, e.Kind, e.Name, e.Owner);
            if (e.PodTemplateHash is { } hash) index._hashes[(e.Namespace, e.Name)] = hash;
        }
        return index;
    }

    /// <summary>The index from these lists' facts (each as this run has it: streamed or from the cached file).</summary>
    public static async Task<OwnerIndex> FromAsync(IReadOnlyDictionary<string, Kube.Read<Kube.Snapshot>> results, CancellationToken ct,
        params ListFacts<Entry>[] lists)
    {
        var entries = new List<Entry>();
        foreach (var list in lists)
            if (await list.GetAsync(results, ct) is { } got) entries.AddRange(got);
        return From(entries);
    }
}
