using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Metrics;

/// <summary>One table row (a pod, a container or a node) with CPU (cores) and memory (bytes) statistics.</summary>
internal sealed record UsageRow(string Namespace, string Name, string? Workload, UsageStats? Cpu, UsageStats? Memory)
{
    public UsageStats? Of(MetricKind kind) => kind == MetricKind.Cpu ? Cpu : Memory;
}

/// <summary>Requests and limits of one pod (containers summed); null parts are unset.</summary>
internal sealed record PodResources(double? RequestCpu, double? RequestMemory, double? LimitCpu, double? LimitMemory, bool Uniform);

/// <summary>
/// The report. For node rows, <paramref name="Nodes"/> holds every node of the cluster (allocatable and readiness), so
/// a node without usage data is listed as such, and <paramref name="Queries"/> the node-level PromQL that was run.
/// </summary>
internal sealed record MetricsReport(
    string Context, ResolvedTarget Target, string Source, string? Prometheus, TimeSpan? Window, TimeSpan? Step, MetricKind By, int Top,
    string RowKind, UsageRow? Total, IReadOnlyList<UsageRow> Rows, int RowCount, PodResources? Resources, IReadOnlyList<string> Notes,
    IReadOnlyList<NodeCapacity>? Nodes = null, IReadOnlyList<string>? Queries = null)
{
    public bool PointInTime => Source == "metrics-server";

    public NodeCapacity? NodeOf(string name) => Nodes?.FirstOrDefault(n => n.Name == name);

    /// <summary>Nodes of the cluster that have no row: listed after the table, never dropped.</summary>
    public IEnumerable<NodeCapacity> NodesWithoutData =>
        (Nodes ?? []).Where(n => !Rows.Any(r => r.Name == n.Name) && !HiddenRows.Contains(n.Name));

    /// <summary>Names of nodes that have data but fell outside --top.</summary>
    public IReadOnlySet<string> HiddenRows { get; init; } = new HashSet<string>();
}

/// <summary>A node's allocatable CPU (cores) and memory (bytes), and whether it is Ready.</summary>
internal sealed record NodeCapacity(string Name, double? AllocatableCpu, double? AllocatableMemory, string Ready)
{
    public static NodeCapacity From(JsonElement node)
    {
        var ready = node.Array("status", "conditions").FirstOrDefault(c => c.Str("type") == "Ready");
        // As kubectl prints it: Ready only when the Ready condition is True (Unknown, a node that stopped reporting, is NotReady).
        var state = ready.ValueKind == JsonValueKind.Object && ready.Str("status") == "True" ? "Ready" : "NotReady";
        return new NodeCapacity(node.Str("metadata", "name") ?? "", UsageFormat.Quantity(node.Str("status", "allocatable", "cpu")),
            UsageFormat.Quantity(node.Str("status", "allocatable", "memory")), state);
    }

    public double? Allocatable(MetricKind kind) => kind == MetricKind.Cpu ? AllocatableCpu : AllocatableMemory;
}

/// <summary>Pure steps between fetched data and the report.</summary>
internal static class MetricsAnalysis
{
    public const int MaxTop = 10;

    /// <summary>Rows ordered by the chosen metric's p95 (the value itself for point-in-time data), then max, then name; rows lacking it last.</summary>
    public static List<UsageRow> Top(IEnumerable<UsageRow> rows, MetricKind by, int n) =>
        rows.OrderBy(r => r.Of(by) is null)
            .ThenByDescending(r => r.Of(by)?.P95 ?? 0).ThenByDescending(r => r.Of(by)?.Max ?? 0)
            .ThenBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Take(Math.Clamp(n, 1, MaxTop)).ToList();

    public static UsageStats Point(double value) => new(value, value, value, 1, "");

    /// <summary>Node rows ranked and cut to --top; the report lists every other node of <paramref name="nodes"/> without data.</summary>
    public static (List<UsageRow> Shown, int Total, HashSet<string> Hidden) RankNodes(IReadOnlyList<UsageRow> rows, IReadOnlyList<NodeCapacity>? nodes, MetricKind by, int top)
    {
        var shown = Top(rows, by, top);
        var hidden = rows.Select(r => r.Name).Except(shown.Select(r => r.Name)).ToHashSet(StringComparer.Ordinal);
        var total = nodes is null ? rows.Count : nodes.Select(n => n.Name).Union(rows.Select(r => r.Name)).Count();
        return (shown, total, hidden);
    }

    /// <summary>Per-pod requests/limits: containers summed; Uniform is false when the pods disagree (then the largest is shown).</summary>
    public static PodResources? Resources(IReadOnlyList<MetricsPod> pods)
    {
        if (pods.Count == 0) return null;
        var each = pods.Select(p => new PodResources(Sum(p, c => c.RequestCpu), Sum(p, c => c.RequestMemory), Sum(p, c => c.LimitCpu), Sum(p, c => c.LimitMemory), true)).ToList();
        var uniform = each.Distinct().Count() == 1;
        return new PodResources(Max(each, r => r.RequestCpu), Max(each, r => r.RequestMemory), Max(each, r => r.LimitCpu), Max(each, r => r.LimitMemory), uniform);
    }

    private static double? Sum(MetricsPod p, Func<ContainerResources, double?> f) =>
        p.Containers.All(c => f(c) is null) ? null : p.Containers.Sum(c => f(c) ?? 0);

    private static double? Max(List<PodResources> rs, Func<PodResources, double?> f) =>
        rs.Select(f).Where(v => v is not null).DefaultIfEmpty(null).Max();

    /// <summary>Rows from Prometheus series (keyed by the grouping labels) with per-row stats over the window.</summary>
    public static List<UsageRow> FromSeries(IReadOnlyList<PromSeries> cpu, IReadOnlyList<PromSeries> memory, Func<PromSeries, (string Ns, string Name)> key,
        Func<string, string, string?> workloadOf)
    {
        var cpuBy = cpu.GroupBy(key).ToDictionary(g => g.Key, g => g.First().Values);
        var memBy = memory.GroupBy(key).ToDictionary(g => g.Key, g => g.First().Values);
        return cpuBy.Keys.Union(memBy.Keys).Select(k => new UsageRow(k.Ns, k.Name, workloadOf(k.Ns, k.Name),
            cpuBy.TryGetValue(k, out var c) ? UsageStats.Of(c) : null, memBy.TryGetValue(k, out var m) ? UsageStats.Of(m) : null)).ToList();
    }

    /// <summary>The target as a whole: the point-wise sum of its series.</summary>
    public static UsageRow WholeFromSeries(string ns, string name, IReadOnlyList<PromSeries> cpu, IReadOnlyList<PromSeries> memory, int length) =>
        new(ns, name, null,
            cpu.Count == 0 ? null : UsageStats.Of(PromResponse.Sum(cpu.Select(s => s.Values), length)),
            memory.Count == 0 ? null : UsageStats.Of(PromResponse.Sum(memory.Select(s => s.Values), length)));

    /// <summary>Container usage from a PodMetrics item.</summary>
    public static IEnumerable<(string Container, double Cpu, double Memory)> Containers(JsonElement podMetrics) =>
        podMetrics.Array("containers").Select(c => (c.Str("name") ?? "",
            UsageFormat.Quantity(c.Str("usage", "cpu")) ?? 0, UsageFormat.Quantity(c.Str("usage", "memory")) ?? 0));

    /// <summary>Point-in-time pod rows (containers summed) from PodMetrics items.</summary>
    public static UsageRow PodRow(JsonElement podMetrics, Func<string, string, string?> workloadOf)
    {
        var ns = podMetrics.Str("metadata", "namespace") ?? "";
        var name = podMetrics.Str("metadata", "name") ?? "";
        var cs = Containers(podMetrics).ToList();
        return new UsageRow(ns, name, workloadOf(ns, name), Point(cs.Sum(c => c.Cpu)), Point(cs.Sum(c => c.Memory)));
    }

    public static UsageRow NodeRow(JsonElement nodeMetrics) =>
        new("", nodeMetrics.Str("metadata", "name") ?? "", null,
            Point(UsageFormat.Quantity(nodeMetrics.Str("usage", "cpu")) ?? 0), Point(UsageFormat.Quantity(nodeMetrics.Str("usage", "memory")) ?? 0));

    public static UsageRow SumRows(string ns, string name, IReadOnlyCollection<UsageRow> rows) =>
        new(ns, name, null,
            rows.Any(r => r.Cpu is not null) ? Point(rows.Sum(r => r.Cpu?.Max ?? 0)) : null,
            rows.Any(r => r.Memory is not null) ? Point(rows.Sum(r => r.Memory?.Max ?? 0)) : null);
}
