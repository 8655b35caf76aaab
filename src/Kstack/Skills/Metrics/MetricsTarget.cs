using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Metrics;

internal enum TargetKind { Cluster, Namespace, Pod, Workload, Node, Nodes }

/// <summary>What the user asked about, before it is checked against the cluster.</summary>
internal sealed record TargetRequest(string? Kind, string? Namespace, IReadOnlyList<string> Names, bool AllNodes)
{
    /// <summary>The kinds a metrics target may name; pods and workloads resolve to pods, nodes and namespaces to the pods on or in them.</summary>
    public static readonly TargetRules Rules = new("metrics", [.. KindInfo.PodsAndWorkloads, KindInfo.Node, KindInfo.Namespace], Selectors: false,
        "Name a pod, <kind>/<name>, <kind>/<namespace>/<name>, <namespace>/<name>, node <name>, namespace <name> or nodes.");

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "top", "pods", "pod", "by", "on", "of", "for", "the", "last", "usage", "metrics", "metric", "show", "me", "what", "whats", "is", "are",
        "and", "over", "past", "a", "an", "workload", "workloads", "container", "containers", "cpu", "memory", "mem", "ram", "used", "using",
        "how", "much", "use", "uses", "in", "at", "during", "window", "from", "to", "with", "hour", "hours", "minutes", "day", "days",
        "cluster", "all", "everything", "now", "current", "currently", "p95", "p50", "max", "peak",
    };

    /// <summary>Reads free text: kind/name, kind/ns/name, ns/name, "node X", "nodes", "namespace X", "in NS"; the rest are name candidates.</summary>
    public static TargetRequest Parse(IReadOnlyList<string> words, string? flagNamespace, out string? byWord, out string? sinceWord, out int? topWord)
    {
        byWord = null;
        sinceWord = null;
        topWord = null;
        string? kind = null, ns = flagNamespace;
        var names = new List<string>();
        var allNodes = false;
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i].Trim().TrimEnd('?', '.', ',', '!');
            if (w.Length == 0) continue;
            var lower = w.ToLowerInvariant();
            var next = i + 1 < words.Count ? words[i + 1].Trim().TrimEnd('?', '.', ',', '!') : null;
            if (lower is "cpu") { byWord ??= "cpu"; continue; }
            if (lower is "memory" or "mem" or "ram") { byWord ??= "memory"; continue; }
            if (Regex.IsMatch(lower, @"^\d+[smhd]$")) { sinceWord ??= lower; continue; }
            if (lower == "top" && next is not null && int.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) { topWord = n; i++; continue; }
            if (lower == "in" && next is not null && IsName(next)) { ns ??= next; i++; continue; }
            if (lower is "node" && next is not null && IsName(next)) { kind = "Node"; names.Insert(0, next); i++; continue; }
            if (lower is "namespace" or "ns" && next is not null && IsName(next)) { kind = "Namespace"; names.Insert(0, next); i++; continue; }
            if (lower is "nodes") { allNodes = true; continue; }
            if (w.Contains('/'))
            {
                // The shared target grammar; metrics resolves the result against the cached pods.
                var t = Target.Parse([w], ns, Rules);
                if (t.KindWord is not null) throw KstackException.User($"Unknown kind {DataText.Quote(t.KindWord)} in {DataText.Quote(w)}: use {Rules.KindList}.");
                kind = t.Kind?.Kind;
                if (t.Kind != KindInfo.Node) ns = t.Kind == KindInfo.Namespace ? t.Name : t.Namespace;
                names.Insert(0, t.Name);
                continue;
            }
            if (StopWords.Contains(lower) || !IsName(lower) || Regex.IsMatch(lower, @"^\d+$")) continue;
            names.Add(lower);
        }
        if (kind == "Namespace" && names.Count > 0) ns = names[0];
        return new TargetRequest(kind, ns, names, allNodes && kind is null && names.Count == 0);
    }

    public static bool IsName(string s) =>
        s.Length is > 0 and <= 253 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_') && char.IsAsciiLetterOrDigit(s[0]);
}

/// <summary>A pod as the metrics skill needs it: placement, owner and the per-container requests and limits.</summary>
internal sealed record MetricsPod(string Namespace, string Name, string Node, string Phase, OwnerRef? Owner, string? PodTemplateHash,
    IReadOnlyList<ContainerResources> Containers)
{
    public string Key => Namespace + "/" + Name;

    public static MetricsPod From(JsonElement pod) => new(
        pod.Str("metadata", "namespace") ?? "", pod.Str("metadata", "name") ?? "", pod.Str("spec", "nodeName") ?? "", pod.Str("status", "phase") ?? "",
        OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"),
        pod.Array("spec", "containers").Select(c => new ContainerResources(c.Str("name") ?? "",
            UsageFormat.Quantity(c.Str("resources", "requests", "cpu")), UsageFormat.Quantity(c.Str("resources", "requests", "memory")),
            UsageFormat.Quantity(c.Str("resources", "limits", "cpu")), UsageFormat.Quantity(c.Str("resources", "limits", "memory")))).ToList());
}

internal sealed record ContainerResources(string Name, double? RequestCpu, double? RequestMemory, double? LimitCpu, double? LimitMemory);

/// <summary>The resolved target: its kind and identity, and the pods whose usage it is made of.</summary>
internal sealed record ResolvedTarget(TargetKind Kind, string? Namespace, string? Name, string? WorkloadKind, IReadOnlyList<MetricsPod> Pods)
{
    public string Label => Kind switch
    {
        TargetKind.Cluster => Namespace is null ? "all namespaces" : $"namespace {Namespace}",
        TargetKind.Namespace => $"namespace {Namespace}",
        TargetKind.Pod => $"pod {Namespace}/{Name}",
        TargetKind.Workload => $"{WorkloadKind!.ToLowerInvariant()} {Namespace}/{Name}",
        TargetKind.Node => $"node {Name}",
        _ => "nodes",
    };
}

/// <summary>Resolves a <see cref="TargetRequest"/> against the pods the user may list (pure), with the shared matching rules.</summary>
internal static class MetricsTargets
{
    private static readonly string[] WorkloadKinds = KindInfo.Workloads.Select(k => k.Kind).ToArray();

    /// <param name="chainOf">The owner chain of a pod, nearest first.</param>
    /// <param name="nodes">Node names known from node metrics or pod placement.</param>
    public static ResolvedTarget Resolve(TargetRequest req, IReadOnlyList<MetricsPod> pods, Func<MetricsPod, IReadOnlyList<OwnerRef>> chainOf,
        IReadOnlyCollection<string> nodes)
    {
        if (req.AllNodes) return new ResolvedTarget(TargetKind.Nodes, null, null, null, []);
        if (req.Kind == "Namespace") return new ResolvedTarget(TargetKind.Namespace, req.Namespace, req.Namespace, null, InNs(pods, req.Namespace));
        if (req.Names.Count == 0) return new ResolvedTarget(req.Namespace is null ? TargetKind.Cluster : TargetKind.Namespace, req.Namespace, req.Namespace, null, InNs(pods, req.Namespace));
        var scoped = InNs(pods, req.Namespace);
        var tiers = Tiers(req.Kind, req.Namespace, scoped, pods, chainOf, nodes);
        foreach (var name in req.Names)
        {
            if (Objects.TargetResolver.Match(name, tiers) is { } found) return Pods(found, req.Namespace, scoped, pods, chainOf);
            if (req.Kind is not null) break;
        }
        var what = req.Kind is null ? "pod, workload, node or namespace" : req.Kind.ToLowerInvariant();
        var where = req.Namespace is null ? "any namespace" : $"namespace {req.Namespace}";
        throw Objects.TargetResolver.NotFound(req.Names[0], tiers, what, where);
    }

    /// <summary>Candidates in match order: pods, workloads (a pod's top-level owner, or any owner of the named kind), nodes, namespaces.</summary>
    private static List<IReadOnlyList<ObjectRef>> Tiers(string? kind, string? ns, List<MetricsPod> scoped, IReadOnlyList<MetricsPod> pods,
        Func<MetricsPod, IReadOnlyList<OwnerRef>> chainOf, IReadOnlyCollection<string> nodes)
    {
        var tiers = new List<IReadOnlyList<ObjectRef>>();
        if (kind is null or "Pod") tiers.Add(scoped.Select(p => new ObjectRef("Pod", p.Namespace, p.Name)).ToList());
        if (kind is null || WorkloadKinds.Contains(kind))
            tiers.Add(scoped.SelectMany(p => chainOf(p) is { Count: > 0 } chain
                    ? (kind is null ? [chain[^1]] : chain.Where(o => o.Kind == kind)).Select(o => new ObjectRef(o.Kind, p.Namespace, o.Name))
                    : []).Distinct().ToList());
        if (kind is null or "Node") tiers.Add(nodes.Select(n => new ObjectRef("Node", null, n)).ToList());
        if (kind is null && ns is null) tiers.Add(pods.Select(p => p.Namespace).Distinct().Select(n => new ObjectRef("Namespace", null, n)).ToList());
        return tiers;
    }

    private static ResolvedTarget Pods(ObjectRef r, string? ns, List<MetricsPod> scoped, IReadOnlyList<MetricsPod> pods, Func<MetricsPod, IReadOnlyList<OwnerRef>> chainOf) =>
        r.Kind switch
        {
            "Pod" => new ResolvedTarget(TargetKind.Pod, r.Namespace, r.Name, null, scoped.Where(p => p.Namespace == r.Namespace && p.Name == r.Name).ToList()),
            "Node" => new ResolvedTarget(TargetKind.Node, ns, r.Name, null, scoped.Where(p => p.Node == r.Name).ToList()),
            "Namespace" => new ResolvedTarget(TargetKind.Namespace, r.Name, r.Name, null, InNs(pods, r.Name)),
            _ => new ResolvedTarget(TargetKind.Workload, r.Namespace, r.Name, r.Kind,
                scoped.Where(p => p.Namespace == r.Namespace && chainOf(p).Any(o => o.Kind == r.Kind && o.Name == r.Name)).ToList()),
        };

    private static List<MetricsPod> InNs(IReadOnlyList<MetricsPod> pods, string? ns) =>
        ns is null ? pods.ToList() : pods.Where(p => p.Namespace == ns).ToList();
}
