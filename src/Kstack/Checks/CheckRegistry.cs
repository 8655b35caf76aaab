namespace Kstack.Checks;

/// <summary>
/// Every checklist kstack runs, enumerable by ID: what <c>--check</c>/<c>--severity</c> select from, what a SARIF
/// writer turns into rules and what the catalogue test walks. A new checklist is added here once.
/// </summary>
internal static class CheckRegistry
{
    public static IReadOnlyList<IChecklist> Checklists { get; } =
    [
        Skills.ClusterStatus.IssueChecks.Nodes,
        Skills.ClusterStatus.IssueChecks.Pods,
        Skills.Investigate.Findings.Checks,
        Skills.AuditSecurity.SecurityChecks.Checklist,
        Skills.AuditNetwork.NetworkChecks.Checklist,
        Skills.AuditCost.CostChecks.Checklist,
        Skills.Karpenter.KarpenterChecks.Checklist,
    ];

    /// <summary>Every check of every checklist, in checklist order.</summary>
    public static IReadOnlyList<CheckInfo> All { get; } = Checklists.SelectMany(c => c.Checks).ToList();

    private static readonly Dictionary<string, CheckInfo> ById = All.GroupBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    public static CheckInfo? Find(string id) => ById.GetValueOrDefault(id);

    public static IChecklist? Checklist(string name) => Checklists.FirstOrDefault(c => c.Name == name);
}
