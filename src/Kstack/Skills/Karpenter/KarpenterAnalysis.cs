using System.Text.Json;
using Kstack.Audit;
using Kstack.Checks;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

/// <summary>
/// The Karpenter audit over lists already read. NodePools, NodeClaims and EC2NodeClasses are kept parsed (a cluster
/// has tens of them), pods and nodes as compact facts. A list that could not be read is null and its checks are skipped.
/// </summary>
internal sealed partial class KarpenterAnalysis(DateTimeOffset now)
{
    public List<JsonElement>? Pools { get; set; }
    public List<JsonElement>? Claims { get; set; }
    /// <summary>Null when unreadable or not served (another cloud provider): NodeClass checks are then skipped.</summary>
    public List<JsonElement>? NodeClasses { get; set; }
    public List<KarpenterNode>? Nodes { get; set; }
    public List<KarpenterPod>? Pods { get; set; }
    public List<JsonElement>? Pdbs { get; set; }
    public List<EventFacts>? Events { get; set; }
    /// <summary>Null for the whole cluster; a namespace when the run is scoped (sums over all pods are then skipped).</summary>
    public string? Scope { get; init; }

    private readonly List<Finding> _findings = [];
    /// <summary>Nodes hosting pods no eviction may move (PDB at zero, do-not-disrupt), by pool.</summary>
    private readonly HashSet<string> _blockedPools = new(StringComparer.Ordinal);

    public IReadOnlyList<Finding> Run()
    {
        if (Pools is not null) AnalysePools();
        if (Claims is not null) AnalyseClaims();
        if (NodeClasses is not null) AnalyseNodeClasses();
        if (Pods is not null) AnalysePendingPods();
        if (Pods is not null && Nodes is not null) AnalyseDisruption();
        if (Pools is not null && Pods is not null && Nodes is not null) AnalyseTerminationGrace();
        if (Pods is not null && Nodes is not null && Scope is null) AnalyseUtilisation();
        if (Events is not null) AnalyseEvents();
        if (Pods is not null && Scope is null) AnalyseController();
        return _findings.OrderBy(f => f.Rank).ThenBy(f => f.Check.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Namespace, StringComparer.Ordinal).ThenBy(f => f.Subject.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Field, StringComparer.Ordinal).ToList();
    }

    private void Add(CheckInfo check, ObjectRef subject, string field, string? observed, Audit.Scope scope, bool running = true, int pods = 0) =>
        _findings.Add(new Finding(check, subject, field, observed is null ? null : Cap(observed), scope, running, pods));

    private static string Cap(string s) => s.Length <= 300 ? s : s[..299] + "…";

    private static string Name(JsonElement o) => o.Str("metadata", "name") ?? "";

    private static ObjectRef Pool(JsonElement p) => new("NodePool", null, Name(p));

    private static Condition? Find(IReadOnlyList<Condition> conditions, string type) => conditions.FirstOrDefault(c => c.Type == type);

    private Dictionary<string, JsonElement>? _classesByName;
    private Dictionary<string, JsonElement>? ClassesByName => NodeClasses is null ? null
        : _classesByName ??= NodeClasses.GroupBy(Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    // ---- NodePools ------------------------------------------------------------------------------------------------

    private void AnalysePools()
    {
        foreach (var pool in Pools!)
        {
            var subject = Pool(pool);
            var conditions = Condition.Of(pool);
            if (Find(conditions, "Ready") is { True: false } ready)
            {
                var failing = conditions.Where(c => c.Type is "ValidationSucceeded" or "NodeClassReady" && !c.True).Select(c => c.Describe()).ToList();
                Add(KarpenterChecks.PoolNotReady, subject, "status.conditions[Ready]", failing.Count > 0 ? string.Join("; ", failing) : ready.Describe(), Audit.Scope.Cluster);
            }
            if (Find(conditions, "NodeRegistrationHealthy") is { Status: "False" } registration)
                Add(KarpenterChecks.PoolRegistrationUnhealthy, subject, "status.conditions[NodeRegistrationHealthy]", registration.Describe(), Audit.Scope.Cluster);

            if (ClassesByName is { } classes && pool.Get("spec", "template", "spec", "nodeClassRef") is { } classRef
                && classRef.Str("group") == "karpenter.k8s.aws" && classRef.Str("kind") == "EC2NodeClass"
                && classRef.Str("name") is { } className && !classes.ContainsKey(className))
                Add(KarpenterChecks.PoolNodeClassMissing, subject, "spec.template.spec.nodeClassRef.name", className, Audit.Scope.Cluster);

            CheckLimits(pool, subject);
            CheckBudgets(pool, subject);
            if (pool.Str("spec", "template", "spec", "expireAfter") == "Never")
                Add(KarpenterChecks.PoolExpiryNever, subject, "spec.template.spec.expireAfter", "Never", Audit.Scope.Cluster);
            CheckCostPosture(pool, subject);
        }
    }

    /// <summary>Each limit against status.resources (nodes also from status.nodes).</summary>
    public static IEnumerable<(string Resource, decimal Used, decimal Limit)> Usage(JsonElement pool)
    {
        foreach (var limit in pool.Props("spec", "limits"))
        {
            var text = limit.Value.ValueKind == JsonValueKind.String ? limit.Value.GetString() : limit.Value.ToString();
            if (text is null || !Quantity.TryParse(text, out var max)) continue;
            decimal used = 0;
            if (pool.Str("status", "resources", limit.Name) is { } u && Quantity.TryParse(u, out var v)) used = v;
            else if (limit.Name == "nodes" && pool.Long("status", "nodes") is { } n) used = n;
            yield return (limit.Name, used, max);
        }
    }

    private void CheckLimits(JsonElement pool, ObjectRef subject)
    {
        var usage = Usage(pool).ToList();
        if (!usage.Any(u => u.Resource is "cpu" or "memory" or "nodes"))
            Add(KarpenterChecks.PoolUnbounded, subject, "spec.limits", pool.Get("spec", "limits") is null ? "no limits" : "no cpu, memory or nodes limit", Audit.Scope.Cluster);
        foreach (var (resource, used, limit) in usage)
        {
            var observed = $"{Quantity.Format(resource, used)} of {Quantity.Format(resource, limit)} {resource}";
            if (limit <= 0 || used >= limit) Add(KarpenterChecks.PoolAtLimit, subject, $"spec.limits.{resource}", observed, Audit.Scope.Cluster);
            else if (used >= limit * 0.9m) Add(KarpenterChecks.PoolNearLimit, subject, $"spec.limits.{resource}", observed, Audit.Scope.Cluster);
        }
    }

    /// <summary>The limit a pool has reached, if any (it launches nothing more).</summary>
    private static string? LimitReached(JsonElement pool) =>
        Usage(pool).Where(u => u.Limit <= 0 || u.Used >= u.Limit).Select(u => u.Resource).FirstOrDefault();

    private void CheckBudgets(JsonElement pool, ObjectRef subject)
    {
        var i = 0;
        foreach (var budget in pool.Array("spec", "disruption", "budgets"))
        {
            var nodes = budget.Get("nodes") is { } n ? (n.ValueKind == JsonValueKind.String ? n.GetString() : n.ToString()) : null;
            if (nodes is "0" or "0%" && budget.Str("schedule") is null && !budget.Array("reasons").Any())
                Add(KarpenterChecks.PoolBudgetBlocksAll, subject, $"spec.disruption.budgets[{i}].nodes", nodes, Audit.Scope.Cluster);
            i++;
        }
    }

    private void CheckCostPosture(JsonElement pool, ObjectRef subject)
    {
        var after = pool.Str("spec", "disruption", "consolidateAfter");
        if (GoDuration.Parse(after) is { } wait && wait >= TimeSpan.FromHours(24))
            Add(KarpenterChecks.ConsolidationOff, subject, "spec.disruption.consolidateAfter", after, Audit.Scope.Cluster);
        if (pool.Str("spec", "disruption", "consolidationPolicy") == "WhenEmpty")
            Add(KarpenterChecks.WhenEmptyOnly, subject, "spec.disruption.consolidationPolicy", "WhenEmpty", Audit.Scope.Cluster);

        var requirements = Requirements(pool);
        var capacity = requirements.Where(r => r.Key == "karpenter.sh/capacity-type").ToList();
        if (capacity.Count == 0)
            Add(KarpenterChecks.OnDemandOnly, subject, "spec.template.spec.requirements", "karpenter.sh/capacity-type not set (Karpenter defaults to on-demand)", Audit.Scope.Cluster);
        else if (!PossibleValues(capacity, ["spot", "on-demand", "reserved"]).Contains("spot"))
            Add(KarpenterChecks.OnDemandOnly, subject, "spec.template.spec.requirements[karpenter.sh/capacity-type]",
                string.Join(", ", capacity.Select(r => $"{r.Op} [{string.Join(", ", r.Values)}]")), Audit.Scope.Cluster);

        var types = requirements.Where(r => r.Key == "node.kubernetes.io/instance-type" && r.Op == "In").ToList();
        var families = requirements.Where(r => r.Key == "karpenter.k8s.aws/instance-family" && r.Op == "In").ToList();
        if (types.Count > 0 && types.All(r => r.Values.Count == 1))
            Add(KarpenterChecks.SingleInstanceType, subject, "spec.template.spec.requirements[node.kubernetes.io/instance-type]", types[0].Values[0], Audit.Scope.Cluster);
        else if (types.Count == 0 && families.Count > 0 && families.All(r => r.Values.Count == 1))
            Add(KarpenterChecks.SingleInstanceType, subject, "spec.template.spec.requirements[karpenter.k8s.aws/instance-family]", families[0].Values[0], Audit.Scope.Cluster);
    }

    private static List<Requirement> Requirements(JsonElement pool) => Requirement.From(pool.Array("spec", "template", "spec", "requirements")).ToList();

    /// <summary>Which of the candidate values the requirements on one key leave possible.</summary>
    private static IReadOnlyList<string> PossibleValues(IReadOnlyList<Requirement> onKey, IReadOnlyList<string> candidates) =>
        candidates.Where(v => onKey.All(r => r.Op switch
        {
            "In" => r.Values.Contains(v),
            "NotIn" => !r.Values.Contains(v),
            "DoesNotExist" => false,
            _ => true,
        })).ToList();

    private static bool PoolReady(JsonElement pool) => Find(Condition.Of(pool), "Ready") is not { True: false };
}
