using System.Globalization;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Checks;
using Kstack.Objects;
using Kstack.Skills.AuditNetwork;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>
/// The cost audit over lists already read: pods as compact facts, the other kinds as parsed objects. Each part adds
/// findings; lists that could not be read are null and their checks are skipped (the report names them). Figures are
/// cores, bytes and counts; money only from the user's price table.
/// </summary>
internal sealed partial class CostAnalysis(DateTimeOffset now)
{
    public List<CostPod> Pods { get; } = [];
    public bool PodsRead { get; set; } = true;
    public List<string>? Namespaces { get; set; }
    /// <summary>Namespaces being deleted (status.phase Terminating): never called idle.</summary>
    public HashSet<string> Terminating { get; } = new(StringComparer.Ordinal);
    public List<CostNode>? Nodes { get; set; }
    public List<JsonElement>? Deployments { get; set; }
    public List<JsonElement>? StatefulSets { get; set; }
    public List<JsonElement>? DaemonSets { get; set; }
    public List<JsonElement>? Jobs { get; set; }
    public List<JsonElement>? CronJobs { get; set; }
    public List<JsonElement>? Volumes { get; set; }
    public List<JsonElement>? Claims { get; set; }
    public List<JsonElement>? Services { get; set; }
    public Dictionary<(string Ns, string Name), EndpointCounts>? Endpoints { get; set; }
    /// <summary>Null for the whole cluster; a namespace when the run is scoped to one (cluster-wide checks are then skipped).</summary>
    public string? Scope { get; init; }
    /// <summary>Observed usage for right-sizing; null or source "none" leaves it unchecked.</summary>
    public CostUsage? Usage { get; init; }
    /// <summary>The user's price table; null = no money anywhere.</summary>
    public Prices? Prices { get; init; }
    public List<JsonElement>? Vpas { get; set; }
    /// <summary>--min-savings: the smallest saving over a whole workload worth a finding (cores, bytes).</summary>
    public decimal MinCpuSaving { get; init; } = 0.1m;
    public decimal MinMemorySaving { get; init; } = 100m * 1024 * 1024;
    /// <summary>Every recommendation with a saving, ranked (the right-sizing file).</summary>
    public List<RightsizingRow> Rightsizing { get; } = [];

    private readonly List<Finding> _findings = [];
    private ILookup<string, CostPod>? _podsByNs;
    private ILookup<string, CostPod> PodsByNs => _podsByNs ??= Pods.ToLookup(p => p.Namespace, StringComparer.Ordinal);

    /// <summary>The totals the report leads with (cores, GiB, counts; money when priced).</summary>
    public CostSummary Summary { get; } = new();

    public IReadOnlyList<Finding> Run()
    {
        if (Prices is not null) Summary.Priced = 1;
        AnalyseWorkloads();
        AnalyseStorage();
        AnalyseServices();
        AnalyseBatch();
        if (PodsRead) AnalyseRequests();
        AnalyseTemplates();
        if (PodsRead && Namespaces is not null) AnalyseNamespaces();
        if (PodsRead && Nodes is not null && Scope is null) AnalyseCapacity();
        if (PodsRead) AnalyseRightsizing();
        return AuditReport.Rank(_findings);
    }

    private void Add(CheckInfo check, ObjectRef subject, string field, string? observed, Scope scope, bool running = true, int pods = 0) =>
        _findings.Add(new Finding(check, subject, field, observed is null ? null : Cap(observed), scope, running, pods));

    private static string Cap(string s) => s.Length <= 300 ? s : s[..299] + "…";

    private static ObjectRef Ref(string kind, JsonElement o) => new(kind, o.Str("metadata", "namespace"), o.Str("metadata", "name") ?? "");

    private IEnumerable<CostPod> PodsIn(string ns) => PodsByNs[ns];

    private bool InScope(JsonElement o) => Scope is null || o.Str("metadata", "namespace") == Scope;

    internal static string Cores(decimal cores) => cores >= 10 ? cores.ToString("0", CultureInfo.InvariantCulture)
        : cores >= 1 ? cores.ToString("0.##", CultureInfo.InvariantCulture) : $"{cores * 1000:0}m";

    internal static string Gib(decimal bytes) => (bytes / Gi) is var g && g >= 10 ? g.ToString("0", CultureInfo.InvariantCulture) + "Gi"
        : g >= 1 ? g.ToString("0.##", CultureInfo.InvariantCulture) + "Gi" : $"{bytes / (1024m * 1024):0}Mi";

    internal const decimal Gi = 1024m * 1024 * 1024;

    internal static string Ago(TimeSpan t) => t.TotalDays >= 2 ? $"{(int)t.TotalDays}d" : t.TotalHours >= 2 ? $"{(int)t.TotalHours}h" : $"{Math.Max(0, (int)t.TotalMinutes)}m";

    /// <summary>" · ≈ 12.40 USD/month" when the user gave the prices this needs, else nothing: no invented money.</summary>
    private string Money(decimal? perMonth) => perMonth is { } m && Prices is not null ? " · ≈ " + Prices.Format(m) + "/month" : "";

    private static string Percent(decimal part, decimal whole) => whole <= 0 ? "–" : $"{Math.Round(part / whole * 100, MidpointRounding.AwayFromZero):0} %";
}

/// <summary>The totals of one run, all in cores, bytes and counts; money only when priced.</summary>
internal sealed class CostSummary
{
    public decimal AllocatableCpu, AllocatableMemory, RequestedCpu, RequestedMemory;
    public int Nodes;
    /// <summary>Allocatable minus requests on nodes flagged idle (what consolidation could release).</summary>
    public decimal IdleCpu, IdleMemory;
    public int IdleNodes;
    public decimal UnusedStorageBytes;
    public int UnusedVolumes, UnusedClaims, IdleLoadBalancers;
    /// <summary>Right-sizing savings behind findings (at or above --min-savings), cores and bytes.</summary>
    public decimal RightsizingCpu, RightsizingMemory;
    /// <summary>Monthly money from the user's prices (Priced = 1), else all 0 and never shown.</summary>
    public int Priced;
    public decimal RightsizingMoney, IdleNodesMoney, StorageMoney, LoadBalancerMoney;

    private (string Name, Func<decimal> Get, Action<decimal> Set)[] Fields =>
    [
        ("allocatableCpu", () => AllocatableCpu, x => AllocatableCpu = x), ("allocatableMemory", () => AllocatableMemory, x => AllocatableMemory = x),
        ("requestedCpu", () => RequestedCpu, x => RequestedCpu = x), ("requestedMemory", () => RequestedMemory, x => RequestedMemory = x),
        ("nodes", () => Nodes, x => Nodes = (int)x), ("idleCpu", () => IdleCpu, x => IdleCpu = x), ("idleMemory", () => IdleMemory, x => IdleMemory = x),
        ("idleNodes", () => IdleNodes, x => IdleNodes = (int)x), ("unusedStorageBytes", () => UnusedStorageBytes, x => UnusedStorageBytes = x),
        ("unusedVolumes", () => UnusedVolumes, x => UnusedVolumes = (int)x), ("unusedClaims", () => UnusedClaims, x => UnusedClaims = (int)x),
        ("idleLoadBalancers", () => IdleLoadBalancers, x => IdleLoadBalancers = (int)x),
        ("rightsizingCpu", () => RightsizingCpu, x => RightsizingCpu = x), ("rightsizingMemory", () => RightsizingMemory, x => RightsizingMemory = x),
        ("priced", () => Priced, x => Priced = (int)x), ("rightsizingMoney", () => RightsizingMoney, x => RightsizingMoney = x),
        ("idleNodesMoney", () => IdleNodesMoney, x => IdleNodesMoney = x), ("storageMoney", () => StorageMoney, x => StorageMoney = x),
        ("loadBalancerMoney", () => LoadBalancerMoney, x => LoadBalancerMoney = x),
    ];

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (var (name, get, _) in Fields) w.WriteNumber(name, get());
        w.WriteEndObject();
    }

    public static CostSummary Read(JsonElement e)
    {
        var s = new CostSummary();
        foreach (var (name, _, set) in s.Fields)
            if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number) set(v.GetDecimal());
        return s;
    }
}
