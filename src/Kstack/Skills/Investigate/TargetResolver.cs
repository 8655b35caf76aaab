using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

public sealed record Resolved(KindInfo Kind, string Namespace, string Name, JsonElement Object);

public sealed record Candidate(KindInfo Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind.Kind.ToLowerInvariant()}/{Namespace}/{Name}";
}

/// <summary>
/// Turns a <see cref="TargetSpec"/> into one object. An exact kind and namespace is one GET; otherwise names are searched
/// with metadata-only lists (cluster-wide, or the given namespace), pods first, then workloads.
/// </summary>
public sealed class TargetResolver(ClusterReader reader, string? contextNamespace)
{
    public const int MaxListed = 10;
    private readonly List<string> _notes = [];
    private readonly HashSet<string> _clusterDenied = [];
    private readonly HashSet<string> _namespaceDenied = [];

    public async Task<Resolved> ResolveAsync(TargetSpec spec, CancellationToken ct)
    {
        if (spec is { Kind: { } kind, Namespace: { } ns })
        {
            var got = await reader.GetAsync(kind.ItemPath(ns, spec.Name), kind.Plural, ct);
            if (got.Ok) return new Resolved(kind, ns, spec.Name, got.Value);
            if (got.Outcome == ReadOutcome.Forbidden)
                throw KstackException.User($"RBAC denies get {kind.Plural} in namespace {ns}: {kind.Kind}/{spec.Name} cannot be investigated with this account.");
            if (got.Outcome != ReadOutcome.NotFound)
                throw KstackException.Infra($"Unable to read {kind.Kind} {ns}/{spec.Name} for context `{reader.ContextName}` ({got.Error}).");
            var names = await NamesAsync(kind, ns, ct);
            throw KstackException.User($"{kind.Kind} {ns}/{spec.Name} not found.{Closest(spec.Name, names)}{Notes()}");
        }

        var kinds = spec.Kind is { } only ? [only] : KindInfo.All;
        var all = new List<Candidate>();
        var matches = new List<Candidate>();
        if (kinds.Contains(KindInfo.Pod))
        {
            var pods = await NamesAsync(KindInfo.Pod, spec.Namespace, ct);
            all.AddRange(pods);
            matches.AddRange(pods.Where(c => c.Name == spec.Name));
        }
        if (matches.Count == 0)
        {
            var lists = await Task.WhenAll(kinds.Where(k => k != KindInfo.Pod).Select(k => NamesAsync(k, spec.Namespace, ct)));
            foreach (var l in lists) all.AddRange(l);
            matches.AddRange(lists.SelectMany(l => l).Where(c => c.Name == spec.Name));
        }
        if (matches.Count > 1)
        {
            var listed = string.Join(", ", matches.Take(MaxListed).Select(m => Token(m.ToString())));
            var more = matches.Count > MaxListed ? $", +{matches.Count - MaxListed} more" : "";
            throw KstackException.User($"{DataText.Quote(spec.Name)} matches {matches.Count} objects; name one as <kind>/<namespace>/<name>: {listed}{more}.");
        }
        if (matches.Count == 0)
        {
            var what = spec.Kind is { } k1 ? k1.Kind : "pod or workload";
            var where = spec.Namespace is { } n1 ? $"namespace {n1}" : "the namespaces this account may list";
            throw KstackException.User($"No {what} named {DataText.Quote(spec.Name)} in {where}.{Closest(spec.Name, all)}{Notes()}");
        }
        var m = matches[0];
        var full = await reader.GetAsync(m.Kind.ItemPath(m.Namespace, m.Name), m.Kind.Plural, ct);
        if (!full.Ok)
            throw full.Outcome == ReadOutcome.Forbidden
                ? KstackException.User($"RBAC denies get {m.Kind.Plural} in namespace {m.Namespace}: {m.Kind.Kind}/{m.Name} cannot be investigated with this account.")
                : KstackException.Infra($"Unable to read {m.Kind.Kind} {m.Namespace}/{m.Name} for context `{reader.ContextName}` ({full.Error}).");
        return new Resolved(m.Kind, m.Namespace, m.Name, full.Value);
    }

    /// <summary>Names of one kind, cluster-wide or in a namespace; a denied cluster-wide list falls back to the context's namespace.</summary>
    private async Task<List<Candidate>> NamesAsync(KindInfo kind, string? ns, CancellationToken ct)
    {
        var list = await reader.ListAsync(kind.ListPath(ns), kind.Plural, ct, accept: KubeApi.MetadataListAccept);
        if (!list.Ok && ns is null && list.Outcome == ReadOutcome.Forbidden)
        {
            lock (_notes) _clusterDenied.Add(kind.Plural);
            return await NamesAsync(kind, FallbackNamespace, ct);
        }
        if (!list.Ok)
        {
            if (list.Outcome == ReadOutcome.Forbidden) lock (_notes) _namespaceDenied.Add(kind.Plural);
            else if (list.Outcome != ReadOutcome.NotFound) lock (_notes) _notes.Add($"{kind.Plural} could not be listed ({Kubeconfig.FirstLine(list.Error ?? "")})");
            return [];
        }
        return list.Value!.Select(i => new Candidate(kind, i.Str("metadata", "namespace") ?? ns ?? "", i.Str("metadata", "name") ?? ""))
            .Where(c => c.Name.Length > 0).ToList();
    }

    private string FallbackNamespace => contextNamespace ?? "default";

    private string Notes()
    {
        lock (_notes)
        {
            var parts = new List<string>(_notes.Distinct().Take(3));
            if (_clusterDenied.Count > 0)
                parts.Add($"RBAC denies listing {string.Join(", ", _clusterDenied.Order(StringComparer.Ordinal))} at the cluster scope, so only namespace {FallbackNamespace} was searched; pass -n <namespace>");
            else if (_namespaceDenied.Count > 0)
                parts.Add($"RBAC denies listing {string.Join(", ", _namespaceDenied.Order(StringComparer.Ordinal))} there");
            if (_clusterDenied.Count > 0 && _namespaceDenied.Count > 0)
                parts.Add($"in {FallbackNamespace} RBAC also denies listing {string.Join(", ", _namespaceDenied.Order(StringComparer.Ordinal))}");
            return parts.Count == 0 ? "" : " Note: " + string.Join("; ", parts) + ".";
        }
    }

    private static string Closest(string name, IEnumerable<Candidate> all)
    {
        var best = NameSuggestions.Closest(name, all, c => c.Name, 5);
        return best.Count == 0 ? "" : " Closest: " + string.Join(", ", best.Select(c => Token(c.ToString()))) + ".";
    }

    private static string Token(string s) => DataText.Token(s, 120);
}
