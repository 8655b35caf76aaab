using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Metrics;

public enum TargetKind { Cluster, Namespace, Pod, Workload, Node, Nodes }

/// <summary>What the user asked about, before it is checked against the cluster.</summary>
public sealed record TargetRequest(string? Kind, string? Namespace, IReadOnlyList<string> Names, bool AllNodes)
{
    public static readonly IReadOnlyDictionary<string, string> KindAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["pod"] = "Pod", ["pods"] = "Pod", ["po"] = "Pod",
        ["deployment"] = "Deployment", ["deployments"] = "Deployment", ["deploy"] = "Deployment",
        ["statefulset"] = "StatefulSet", ["statefulsets"] = "StatefulSet", ["sts"] = "StatefulSet",
        ["daemonset"] = "DaemonSet", ["daemonsets"] = "DaemonSet", ["ds"] = "DaemonSet",
        ["replicaset"] = "ReplicaSet", ["replicasets"] = "ReplicaSet", ["rs"] = "ReplicaSet",
        ["job"] = "Job", ["jobs"] = "Job", ["cronjob"] = "CronJob", ["cronjobs"] = "CronJob", ["cj"] = "CronJob",
        ["node"] = "Node", ["nodes"] = "Node", ["no"] = "Node",
        ["namespace"] = "Namespace", ["namespaces"] = "Namespace", ["ns"] = "Namespace",
    };

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
                var parts = w.Split('/');
                if (parts.Any(p => !IsName(p)) || parts.Length > 3) throw KstackException.User($"Target {DataText.Quote(w)} is not <kind>/<name>, <kind>/<namespace>/<name> or <namespace>/<name>.");
                if (KindAliases.TryGetValue(parts[0], out var k))
                {
                    kind = k;
                    if (parts.Length == 3) { ns = parts[1]; names.Insert(0, parts[2]); }
                    else names.Insert(0, parts[1]);
                }
                else if (parts.Length == 2) { ns = parts[0]; names.Insert(0, parts[1]); }
                else throw KstackException.User($"Unknown kind {DataText.Quote(parts[0])} in {DataText.Quote(w)}: use pod, deployment, statefulset, daemonset, job, cronjob, replicaset, node or namespace.");
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
public sealed record MetricsPod(string Namespace, string Name, string Node, string Phase, OwnerRef? Owner, string? PodTemplateHash,
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

public sealed record ContainerResources(string Name, double? RequestCpu, double? RequestMemory, double? LimitCpu, double? LimitMemory);

/// <summary>The resolved target: its kind and identity, and the pods whose usage it is made of.</summary>
public sealed record ResolvedTarget(TargetKind Kind, string? Namespace, string? Name, string? WorkloadKind, IReadOnlyList<MetricsPod> Pods)
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

/// <summary>Resolves a <see cref="TargetRequest"/> against the pods the user may list (pure).</summary>
public static class TargetResolver
{
    public const int MaxCandidates = 10;

    /// <param name="chainOf">The owner chain of a pod, nearest first.</param>
    /// <param name="nodes">Node names known from node metrics or pod placement.</param>
    public static ResolvedTarget Resolve(TargetRequest req, IReadOnlyList<MetricsPod> pods, Func<MetricsPod, IReadOnlyList<OwnerRef>> chainOf,
        IReadOnlyCollection<string> nodes)
    {
        if (req.AllNodes) return new ResolvedTarget(TargetKind.Nodes, null, null, null, []);
        if (req.Kind == "Namespace") return new ResolvedTarget(TargetKind.Namespace, req.Namespace, req.Namespace, null, InNs(pods, req.Namespace));
        if (req.Names.Count == 0) return new ResolvedTarget(req.Namespace is null ? TargetKind.Cluster : TargetKind.Namespace, req.Namespace, req.Namespace, null, InNs(pods, req.Namespace));
        foreach (var name in req.Names)
        {
            var found = Match(req.Kind, req.Namespace, name, pods, chainOf, nodes);
            if (found is not null) return found;
            if (req.Kind is not null) break;
        }
        var first = req.Names[0];
        var what = req.Kind is null ? "pod, workload, node or namespace" : req.Kind.ToLowerInvariant();
        var scope = req.Namespace is null ? "" : $" in namespace {req.Namespace}";
        var closest = Closest(first, pods.Select(p => p.Name).Concat(pods.Select(p => chainOf(p).LastOrDefault()?.Name).OfType<string>()).Concat(nodes));
        throw KstackException.User($"No {what} named {DataText.Quote(first)}{scope}." + (closest.Count > 0 ? " Closest: " + string.Join(", ", closest.Select(c => DataText.Token(c))) + "." : ""));
    }

    private static ResolvedTarget? Match(string? kind, string? ns, string name, IReadOnlyList<MetricsPod> pods,
        Func<MetricsPod, IReadOnlyList<OwnerRef>> chainOf, IReadOnlyCollection<string> nodes)
    {
        var scoped = InNs(pods, ns);
        if (kind is null or "Pod")
        {
            var exact = scoped.Where(p => p.Name == name).ToList();
            if (exact.Count == 1) return new ResolvedTarget(TargetKind.Pod, exact[0].Namespace, name, null, exact);
            if (exact.Count > 1) throw Ambiguous(name, exact.Select(p => $"pod/{p.Namespace}/{p.Name}"));
            if (kind == "Pod") return null;
        }
        if (kind is null or "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" or "CronJob")
        {
            var owned = scoped.Select(p => (Pod: p, Owner: chainOf(p).FirstOrDefault(o => o.Name == name && (kind is null ? o == chainOf(p)[^1] : o.Kind == kind))))
                .Where(x => x.Owner is not null).ToList();
            var workloads = owned.Select(x => (x.Owner!.Kind, x.Pod.Namespace)).Distinct().ToList();
            if (workloads.Count > 1) throw Ambiguous(name, workloads.Select(w => $"{w.Kind.ToLowerInvariant()}/{w.Namespace}/{name}"));
            if (workloads.Count == 1)
                return new ResolvedTarget(TargetKind.Workload, workloads[0].Namespace, name, workloads[0].Kind, owned.Select(x => x.Pod).ToList());
            if (kind is not null) return null;
        }
        if (kind is null or "Node" && nodes.Contains(name))
            return new ResolvedTarget(TargetKind.Node, ns, name, null, scoped.Where(p => p.Node == name).ToList());
        if (kind is null && ns is null && pods.Any(p => p.Namespace == name))
            return new ResolvedTarget(TargetKind.Namespace, name, name, null, InNs(pods, name));
        return null;
    }

    private static List<MetricsPod> InNs(IReadOnlyList<MetricsPod> pods, string? ns) =>
        ns is null ? pods.ToList() : pods.Where(p => p.Namespace == ns).ToList();

    private static KstackException Ambiguous(string name, IEnumerable<string> candidates)
    {
        var list = candidates.Distinct().Order(StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", list.Take(MaxCandidates).Select(c => DataText.Token(c)));
        return KstackException.User($"{DataText.Quote(name)} matches {list.Count} objects: {shown}{(list.Count > MaxCandidates ? ", …" : "")}. Name one as <kind>/<namespace>/<name>.");
    }

    private static IReadOnlyList<string> Closest(string name, IEnumerable<string> names) =>
        NameSuggestions.Closest(name, names.Distinct(), n => n, 5);
}
