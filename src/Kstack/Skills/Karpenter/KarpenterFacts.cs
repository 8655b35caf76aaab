using System.Globalization;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

/// <summary>Go durations as Karpenter writes them (720h, 1h30m, 30s, 0s) and "Never".</summary>
internal static class GoDuration
{
    /// <summary>The span, TimeSpan.MaxValue for "Never", null when absent or malformed.</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (text == "Never") return TimeSpan.MaxValue;
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return null;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            var unit = text[unitStart..i];
            total += unit switch
            {
                "h" => TimeSpan.FromHours(n), "m" => TimeSpan.FromMinutes(n), "s" => TimeSpan.FromSeconds(n), "ms" => TimeSpan.FromMilliseconds(n),
                _ => TimeSpan.MinValue,
            };
            if (unit is not ("h" or "m" or "s" or "ms")) return null;
        }
        return total;
    }
}

/// <summary>One node selector requirement (NodePool requirements, pod node affinity): key, operator, values.</summary>
internal sealed record Requirement(string Key, string Op, IReadOnlyList<string> Values)
{
    public static IEnumerable<Requirement> From(IEnumerable<JsonElement> items) =>
        items.Select(r => new Requirement(r.Str("key") ?? "", r.Str("operator") ?? "", r.Array("values").Select(v => v.GetString() ?? "").ToList()));
}

internal sealed record Taint(string Key, string? Value, string Effect)
{
    public override string ToString() => Value is { Length: > 0 } ? $"{Key}={Value}:{Effect}" : $"{Key}:{Effect}";
}

internal sealed record Toleration(string? Key, string Op, string? Value, string? Effect)
{
    public bool Tolerates(Taint t) =>
        (Effect is null or "" || Effect == t.Effect)
        && (string.IsNullOrEmpty(Key) ? Op == "Exists" : Key == t.Key && (Op == "Exists" || (Value ?? "") == (t.Value ?? "")));
}

/// <summary>What the audit keeps of a pod: placement constraints, requests, disruption marks, its workload.</summary>
internal sealed record KarpenterPod(
    string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, string? Node, string Phase, bool Ready, int Restarts,
    bool Unschedulable, DateTimeOffset? UnschedulableSince, IReadOnlyDictionary<string, string> NodeSelector,
    IReadOnlyList<IReadOnlyList<Requirement>> AffinityTerms, IReadOnlyList<Toleration> Tolerations,
    decimal Cpu, decimal Memory, bool DoNotDisrupt, ObjectRef Workload, bool DaemonSet)
{
    public bool Finished => Phase is "Succeeded" or "Failed";

    public static KarpenterPod From(JsonElement pod, OwnerIndex owners)
    {
        var ns = pod.Str("metadata", "namespace") ?? "";
        var name = pod.Str("metadata", "name") ?? "";
        var labels = Strings(pod, "metadata", "labels");
        bool unschedulable = false;
        DateTimeOffset? since = null;
        var ready = false;
        foreach (var c in pod.Array("status", "conditions"))
        {
            if (c.Str("type") == "PodScheduled" && c.Str("status") == "False" && c.Str("reason") == "Unschedulable")
            {
                unschedulable = true;
                since = c.Time("lastTransitionTime");
            }
            if (c.Str("type") == "Ready" && c.Str("status") == "True") ready = true;
        }
        var terms = pod.Array("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            .Select(t => (IReadOnlyList<Requirement>)Requirement.From(t.Array("matchExpressions")).ToList()).ToList();
        var tolerations = pod.Array("spec", "tolerations")
            .Select(t => new Toleration(t.Str("key"), t.Str("operator") ?? "Equal", t.Str("value"), t.Str("effect"))).ToList();
        decimal cpu = 0, memory = 0;
        foreach (var c in pod.Array("spec", "containers"))
        {
            if (c.Str("resources", "requests", "cpu") is { } q && Quantity.TryParse(q, out var v)) cpu += v;
            if (c.Str("resources", "requests", "memory") is { } m && Quantity.TryParse(m, out var w)) memory += w;
        }
        var restarts = pod.Array("status", "containerStatuses").Sum(s => (int)(s.Long("restartCount") ?? 0));
        var owner = OwnerIndex.ControllerOf(pod);
        var chain = owners.Chain(ns, "Pod", name, owner, labels.GetValueOrDefault("pod-template-hash"));
        var workload = chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name);
        return new KarpenterPod(ns, name, labels, pod.Str("spec", "nodeName"), pod.Str("status", "phase") ?? "Unknown", ready, restarts,
            unschedulable, since, Strings(pod, "spec", "nodeSelector"), terms, tolerations, cpu, memory,
            pod.Str("metadata", "annotations", "karpenter.sh/do-not-disrupt") == "true", workload, owner?.Kind == "DaemonSet");
    }

    public static IReadOnlyDictionary<string, string> Strings(JsonElement e, params string[] path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.Props(path))
            if (p.Value.ValueKind == JsonValueKind.String) map[p.Name] = p.Value.GetString() ?? "";
        return map;
    }
}

/// <summary>A node as the audit sees it: its pool (karpenter.sh/nodepool label), allocatable, age, do-not-disrupt.</summary>
internal sealed record KarpenterNode(string Name, string? Pool, decimal Cpu, decimal Memory, DateTimeOffset? Created, bool DoNotDisrupt)
{
    public static KarpenterNode From(JsonElement node)
    {
        decimal cpu = 0, memory = 0;
        if (node.Str("status", "allocatable", "cpu") is { } c && Quantity.TryParse(c, out var v)) cpu = v;
        if (node.Str("status", "allocatable", "memory") is { } m && Quantity.TryParse(m, out var w)) memory = w;
        return new KarpenterNode(node.Str("metadata", "name") ?? "", node.Str("metadata", "labels", "karpenter.sh/nodepool"), cpu, memory,
            node.Time("metadata", "creationTimestamp"), node.Str("metadata", "annotations", "karpenter.sh/do-not-disrupt") == "true");
    }
}

/// <summary>A condition of a Karpenter object (status.conditions[]).</summary>
internal sealed record Condition(string Type, string Status, string? Reason, string? Message, DateTimeOffset? Since)
{
    public bool True => Status == "True";

    public static IReadOnlyList<Condition> Of(JsonElement o) =>
        o.Array("status", "conditions").Select(c => new Condition(c.Str("type") ?? "", c.Str("status") ?? "Unknown", c.Str("reason"), c.Str("message"),
            c.Time("lastTransitionTime"))).ToList();

    public string Describe() => $"{Type}={Status}" + (Reason is { Length: > 0 } r ? $" ({r}" + (Message is { Length: > 0 } m ? $": {m})" : ")") : "");
}
