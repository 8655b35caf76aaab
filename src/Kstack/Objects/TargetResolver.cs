using System.Net;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Objects;

/// <summary>The object a target named, as read from the API server.</summary>
internal sealed record Resolved(KindInfo Kind, ObjectRef Ref, JsonElement Object)
{
    public string Name => Ref.Name;

    /// <summary>The namespace, "" for a cluster-scoped object.</summary>
    public string Namespace => Ref.Namespace ?? "";
}

/// <summary>
/// The one target resolver. An exact kind and namespace (or a cluster-scoped kind) is one GET; otherwise the name is
/// searched with metadata-only lists in the namespaces the account may list (cluster-wide, else the context's
/// namespace), the skill's kinds in order, pods first. Several matches are a user error listing
/// <c>kind/namespace/name</c>; none is a user error with the closest names. Kinds the built-in table does not know are
/// looked up in the API server's discovery (custom resources), so the answer can say what was meant.
/// </summary>
internal sealed class TargetResolver(KubeApi api, string? contextNamespace)
{
    public const int MaxListed = 10;
    private readonly List<string> _notes = [];
    private readonly HashSet<string> _clusterDenied = [];
    private readonly HashSet<string> _namespaceDenied = [];
    private int _listsRead;
    private string? _unreachable;
    private KindTable? _discovered;

    /// <summary>The namespace searched when the account may not list cluster-wide, and the one selectors apply to.</summary>
    public string FallbackNamespace => contextNamespace ?? "default";

    public async Task<Resolved> ResolveAsync(Target target, TargetRules rules, CancellationToken ct)
    {
        if (target.Selector is not null) throw new InvalidOperationException("a selector names pods, not one object");
        var kind = target.Kind;
        if (kind is null && target.KindWord is { } word) kind = await KindOfAsync(word, rules, ct);
        if (kind is not null && (target.Namespace is not null || !kind.Namespaced))
            return await GetAsync(kind, target.Namespace, target.Name, rules, ct);

        // Pods first, then namespaced workloads, then cluster-scoped kinds (only when no namespace was given).
        var kinds = (kind is not null ? [kind] : rules.Kinds).Where(k => k.Namespaced || target.Namespace is null).ToList();
        var tiers = new List<IReadOnlyList<ObjectRef>>();
        foreach (var tier in new[] { kinds.Where(k => k == KindInfo.Pod), kinds.Where(k => k != KindInfo.Pod && k.Namespaced), kinds.Where(k => !k.Namespaced) })
        {
            var lists = await Task.WhenAll(tier.Select(k => NamesAsync(k, target.Namespace, ct)));
            var names = lists.SelectMany(l => l).ToList();
            tiers.Add(names);
            if (names.Any(n => n.Name == target.Name)) break;
        }
        if (target.NamespaceTyped && tiers.All(t => t.All(n => n.Name != target.Name))
            && (await DiscoveredAsync(ct)).Find(target.Namespace!) is { } meant)
            Target.Accept(meant, target.Namespace!, rules);
        // Nothing could be listed because the server did not answer: that is not the user's name being wrong.
        if (Volatile.Read(ref _listsRead) == 0 && _unreachable is { } why)
            throw KstackException.Infra($"Unable to look up {DataText.Quote(target.Name)} for context `{api.ContextName}`: no list could be read ({DataText.Quote(why, 200)}).");
        var what = kinds.SequenceEqual(KindInfo.PodsAndWorkloads) ? "pod or workload" : Or(kinds);
        var where = target.Namespace is { } ns ? $"namespace {ns}" : "the namespaces this account may list";
        var m = Choose(target.Name, tiers, what, where, Notes());
        var k1 = kinds.First(k => k.Kind == m.Kind);
        return await GetAsync(k1, m.Namespace, m.Name, rules, ct);
    }

    /// <summary>
    /// The single candidate named <paramref name="name"/> in the first tier that has one (pods before workloads, …):
    /// several → a user error listing them; none → a user error with the closest names from every tier.
    /// </summary>
    public static ObjectRef Choose(string name, IReadOnlyList<IReadOnlyList<ObjectRef>> tiers, string what, string where, string notes = "") =>
        Match(name, tiers) ?? throw NotFound(name, tiers, what, where, notes);

    /// <summary>As <see cref="Choose"/>, but null when nothing has that name.</summary>
    public static ObjectRef? Match(string name, IReadOnlyList<IReadOnlyList<ObjectRef>> tiers)
    {
        foreach (var tier in tiers)
        {
            var matches = tier.Where(c => c.Name == name).Distinct().OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList();
            if (matches.Count == 1) return matches[0];
            if (matches.Count > 1)
            {
                var listed = string.Join(", ", matches.Take(MaxListed).Select(c => Token(c.ToString())));
                var more = matches.Count > MaxListed ? $", +{matches.Count - MaxListed} more" : "";
                throw KstackException.User($"{DataText.Quote(name)} matches {matches.Count} objects; name one as <kind>/<namespace>/<name>: {listed}{more}.");
            }
        }
        return null;
    }

    public static KstackException NotFound(string name, IReadOnlyList<IReadOnlyList<ObjectRef>> tiers, string what, string where, string notes = "") =>
        KstackException.User($"No {what} named {DataText.Quote(name)} in {where}.{Closest(name, tiers.SelectMany(t => t))}{notes}");

    /// <summary>"pod, deployment or job".</summary>
    public static string Or(IReadOnlyList<KindInfo> kinds)
    {
        var names = kinds.Select(k => k.Kind.ToLowerInvariant()).ToList();
        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    /// <summary>Pods matching a label selector in one namespace; a selector the server rejects is a user error naming it.</summary>
    public async Task<List<JsonElement>> PodsAsync(string selector, string ns, CancellationToken ct)
    {
        LabelSelector.Validate(selector);
        var list = await api.ListAsync(KindInfo.Pod.ListPath(ns), ApiAction.List("pods", ns), ct, selector.Length == 0 ? null : selector);
        if (list.Ok) return list.Value!;
        throw list.Outcome switch
        {
            ReadOutcome.Rejected => KstackException.User($"The API server rejected the label selector {DataText.Quote(selector, 120)}: {DataText.Quote(Kubeconfig.FirstLine(list.Problem!.Detail ?? ""), 200)}."),
            ReadOutcome.Forbidden => KstackException.User($"RBAC denies list pods in namespace {ns} for context `{api.ContextName}`."),
            _ => KstackException.Infra($"Unable to list pods in namespace {ns} for context `{api.ContextName}` ({DataText.Quote(list.Problem!.Reason, 300)})."),
        };
    }

    private async Task<Resolved> GetAsync(KindInfo kind, string? ns, string name, TargetRules rules, CancellationToken ct)
    {
        Target.Accept(kind, kind.Kind.ToLowerInvariant(), rules);
        var scope = kind.Namespaced ? $" in namespace {ns}" : "";
        var label = kind.Namespaced ? $"{kind.Kind} {ns}/{name}" : $"{kind.Kind} {name}";
        var got = await api.GetAsync(kind.ItemPath(ns, name), ApiAction.Get(kind.Plural, ns), ct);
        if (got.Ok) return new Resolved(kind, kind.Ref(ns, name), got.Value);
        if (got.Outcome == ReadOutcome.Forbidden)
            throw KstackException.User($"RBAC denies get {kind.Plural}{scope}: {label} cannot be read with this account (context `{api.ContextName}`).");
        if (got.Outcome != ReadOutcome.NotFound)
            throw KstackException.Infra($"Unable to read {label} for context `{api.ContextName}` ({DataText.Quote(got.Problem!.Reason, 300)}).");
        var names = await NamesAsync(kind, ns, ct);
        throw KstackException.User($"{label} not found.{Closest(name, names)}{Notes()}");
    }

    /// <summary>Names of one kind, cluster-wide or in a namespace; a denied cluster-wide list falls back to the context's namespace.</summary>
    private async Task<List<ObjectRef>> NamesAsync(KindInfo kind, string? ns, CancellationToken ct)
    {
        var list = await api.ListAsync(kind.ListPath(ns), ApiAction.List(kind.Plural, ns), ct, accept: KubeApi.MetadataListAccept);
        if (!list.Ok && ns is null && kind.Namespaced && list.Outcome == ReadOutcome.Forbidden)
        {
            lock (_notes) _clusterDenied.Add(kind.Plural);
            return await NamesAsync(kind, FallbackNamespace, ct);
        }
        if (!list.Ok)
        {
            if (list.Outcome == ReadOutcome.Forbidden) lock (_notes) _namespaceDenied.Add(kind.Plural);
            else if (list.Outcome != ReadOutcome.NotFound)
                lock (_notes)
                {
                    _notes.Add($"{kind.Plural} could not be listed ({DataText.Quote(list.Problem!.Reason, 200)})");
                    _unreachable ??= list.Problem.Reason;
                }
            return [];
        }
        Interlocked.Increment(ref _listsRead);
        return list.Value!.Select(i => kind.Ref(i.Str("metadata", "namespace") ?? ns, i.Str("metadata", "name") ?? ""))
            .Where(c => c.Name.Length > 0).ToList();
    }

    /// <summary>A kind named by a word the built-in table does not know: from discovery, else a user error with the closest kinds.</summary>
    private async Task<KindInfo> KindOfAsync(string word, TargetRules rules, CancellationToken ct)
    {
        var table = await DiscoveredAsync(ct);
        if (table.Find(word) is { } found)
        {
            Target.Accept(found, word, rules);
            return found;
        }
        var close = NameSuggestions.Closest(word.ToLowerInvariant(), table.All.SelectMany(k => k.Names.Take(2)), n => n, 3);
        throw KstackException.User($"Unknown kind {DataText.Quote(word, 60)}.{(close.Count > 0 ? " Closest: " + string.Join(", ", close) + "." : "")} {rules.Usage}");
    }

    private async Task<KindTable> DiscoveredAsync(CancellationToken ct) => _discovered ??= await KindTable.DiscoverAsync(api, ct);

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

    private static string Closest(string name, IEnumerable<ObjectRef> all)
    {
        var best = NameSuggestions.Closest(name, all, c => c.Name, 5);
        return best.Count == 0 ? "" : " Closest: " + string.Join(", ", best.Select(c => Token(c.ToString()))) + ".";
    }

    private static string Token(string s) => DataText.Token(s, 120);
}
