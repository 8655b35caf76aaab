using Kstack.Tests.Checks;

namespace Kstack.Tests.Skills.AuditCost;

/// <summary>
/// The cases of the /audit-cost catalogue. Positive: each planted problem of the `audit-cost` scenario is found on its
/// subject. Negative: the clean control (namespace lean, the nodes of pool batch, the Bound PV pv-bound) raises none of
/// the checks. Usage comes from the scenario's Prometheus, through /audit-cost's own queries.
/// </summary>
public static class CostCheckCases
{
    private static readonly Lazy<Task<Kstack.Skills.AuditCost.CostResult>> Scenario = new(() => CostScenario.AnalyseAsync(CostScenario.Objects(), usage: CostScenario.PrometheusUsage()));

    private static bool IsControl(Kstack.Objects.ObjectRef s) =>
        s.Namespace == "lean" || s.Kind == "Namespace" && s.Name is "lean" or "leaving"
        || s.Kind == "Node" && s.Name is "node-b" or "node-c" or "node-d" or "ctrl-1" || s.Kind == "NodePool" && s.Name == "batch"
        || s.Kind == "PersistentVolume" && s.Name == "pv-bound";

    private static async Task<IReadOnlyList<string>> HitsOn(Func<Kstack.Objects.ObjectRef, bool> subject) =>
        (await Scenario.Value).Raw.Findings.Where(f => subject(f.Subject)).Select(f => f.Check.Id).Distinct().ToList();

    public static IEnumerable<CheckCase> All =>
        AuditCostSimTests.Planted.Select(p => new CheckCase(p.Check, true, "planted on " + p.Subject,
                async () => (await Scenario.Value).Raw.Findings.Where(f => CostScenario.Subject(f) == p.Subject).Select(f => f.Check.Id).ToList()))
            .Concat(Kstack.Skills.AuditCost.CostChecks.All
                .Select(c => new CheckCase(c.Id, false, "the clean control (namespace lean, pool batch, pv-bound)", () => HitsOn(IsControl))));
}
