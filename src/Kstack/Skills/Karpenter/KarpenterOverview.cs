using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

/// <summary>
/// The status lines above the findings: pools with usage against limits and disruption settings, NodeClaims by phase
/// with the oldest time in each, NodeClasses with what they resolved. Names are framed; at most 12 lines.
/// </summary>
internal static class KarpenterOverview
{
    public const int MaxPools = 6;
    public const int MaxClasses = 3;

    public static IReadOnlyList<string> NotInstalled(bool v1beta1) =>
    [
        v1beta1
            ? "Karpenter is installed but serves only karpenter.sh/v1beta1 (before v1.0): this audit reads the v1 API; upgrade Karpenter to v1. No check ran."
            : "Karpenter is not installed: the API server does not serve karpenter.sh/v1 NodePools. No check ran; nothing else was read.",
    ];

    public static IReadOnlyList<string> Lines(KarpenterAnalysis a, DateTimeOffset now)
    {
        var lines = new List<string>();
        var pools = a.Pools ?? [];
        var claims = a.Claims ?? [];
        var phases = claims.Select(KarpenterAnalysis.Phase).ToList();
        var head = new List<string>
        {
            a.Pools is null ? "NodePools unreadable" : $"NodePools {pools.Count} ({pools.Count(p => Ready(p) == true)} ready)",
        };
        if (a.NodeClasses is { } classes) head.Add($"EC2NodeClasses {classes.Count} ({classes.Count(c => Ready(c) == true)} ready)");
        if (a.Nodes is { } nodes) head.Add($"Karpenter nodes {nodes.Count(n => n.Pool is not null)} of {nodes.Count}");
        lines.Add(string.Join(" · ", head));
        if (a.Claims is not null)
        {
            var byPhase = phases.GroupBy(p => p.Phase).OrderBy(g => Order(g.Key))
                .Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}" + (g.Key == "Ready" ? "" : $" (oldest {Duration.Format(now - (g.Min(p => p.Since) ?? now))})"));
            lines.Add($"NodeClaims {claims.Count}" + (claims.Count > 0 ? ": " + string.Join(", ", byPhase) : ""));
        }

        var nodesByPool = (a.Nodes ?? []).Where(n => n.Pool is not null).GroupBy(n => n.Pool!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var pool in pools.Take(MaxPools))
        {
            var name = pool.Str("metadata", "name") ?? "";
            var parts = new List<string> { $"  pool {DataText.Token(name, 63)}: {State(pool)}", $"{pool.Long("status", "nodes") ?? nodesByPool.GetValueOrDefault(name)} nodes" };
            var usage = KarpenterAnalysis.Usage(pool).Where(u => u.Resource is "cpu" or "memory").ToList();
            parts.AddRange(usage.Select(u => $"{u.Resource} {Quantity.Format(u.Resource, u.Used)} of {Quantity.Format(u.Resource, u.Limit)} ({KarpenterAnalysis.Percent(u.Used, u.Limit)})"));
            if (usage.Count == 0) parts.Add("no limits");
            var policy = pool.Str("spec", "disruption", "consolidationPolicy") ?? "WhenEmptyOrUnderutilized";
            parts.Add($"{DataText.Token(policy, 30)} after {DataText.Token(pool.Str("spec", "disruption", "consolidateAfter") ?? "0s", 20)}");
            var budgets = pool.Array("spec", "disruption", "budgets").Select(b => Budget(b.Get("nodes")) + (b.Str("schedule") is null ? "" : " (scheduled)")).ToList();
            parts.Add("budgets " + (budgets.Count == 0 ? "10% (default)" : string.Join(", ", budgets.Take(3))));
            lines.Add(string.Join(" · ", parts));
        }
        if (pools.Count > MaxPools) lines.Add($"  +{pools.Count - MaxPools} more pools in nodepools.json");

        foreach (var nodeClass in (a.NodeClasses ?? []).Take(MaxClasses))
        {
            var name = nodeClass.Str("metadata", "name") ?? "";
            lines.Add($"  nodeclass {DataText.Token(name, 63)}: {State(nodeClass)} · {Count(nodeClass, "subnets", "subnet")} · "
                      + $"{Count(nodeClass, "securityGroups", "security group")} · {Count(nodeClass, "amis", "AMI")} · "
                      + (nodeClass.Str("status", "instanceProfile") is { Length: > 0 } ? "instance profile set" : "no instance profile"));
        }
        if ((a.NodeClasses?.Count ?? 0) > MaxClasses) lines.Add($"  +{a.NodeClasses!.Count - MaxClasses} more nodeclasses in ec2nodeclasses.json");
        return lines;
    }

    private static string Count(JsonElement nodeClass, string list, string noun)
    {
        var n = nodeClass.Array("status", list).Count();
        return n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }

    /// <summary>A budget's nodes value: a count or a percentage, anything else framed.</summary>
    private static string Budget(JsonElement? nodes)
    {
        var text = nodes is { } n ? n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : n.ToString() : "?";
        return text.Length is > 0 and <= 4 && text.TrimEnd('%').All(char.IsAsciiDigit) && text.TrimEnd('%').Length > 0 ? text : DataText.Quote(text, 20);
    }

    private static int Order(string phase) => phase switch { "Ready" => 0, "Initializing" => 1, "Registering" => 2, _ => 3 };

    private static bool? Ready(JsonElement o) =>
        o.Array("status", "conditions").FirstOrDefault(c => c.Str("type") == "Ready") is { ValueKind: JsonValueKind.Object } c ? c.Str("status") == "True" : null;

    private static string State(JsonElement o) => Ready(o) switch
    {
        true => "Ready",
        false => "not Ready (" + string.Join(", ", o.Array("status", "conditions").Where(c => c.Str("type") != "Ready" && c.Str("status") == "False")
            .Select(c => DataText.Token(c.Str("type"), 40)).DefaultIfEmpty("Ready=False")) + ")",
        null => "no status yet",
    };
}
