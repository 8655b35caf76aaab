using Kstack.Skills.Shared;

namespace Kstack.Skills.ClusterStatus;

public sealed record NodeSummary(int Total, int Ready, int Pressure, int Unschedulable, int ControlPlane, int Worker);

public sealed record PodSummary(int Total, int Ready, int WithRestarts);

/// <summary>The analysed snapshot. Issues holds the top <see cref="MaxKeptIssues"/>; IssuesTotal counts them all.</summary>
public sealed record ClusterStatusReport(
    string Context, string GitVersion, string Platform, string? Namespace,
    NodeSummary? Nodes, string? NodesUnreadable, PodSummary? Pods, string? PodsUnreadable,
    IReadOnlyList<Issue> Issues, int IssuesTotal, int PodsListed)
{
    public const int MaxKeptIssues = 25;
}

/// <summary>Pure analysis: facts in, a deterministic ranked report out.</summary>
public static class ClusterStatusAnalysis
{
    public static ClusterStatusReport Analyse(
        string context, string gitVersion, string? serverPlatform, string? ns,
        IReadOnlyList<NodeFacts>? nodes, string? nodesUnreadable,
        IReadOnlyList<PodFacts>? pods, string? podsUnreadable, OwnerIndex owners)
    {
        var issues = new List<Issue>();
        NodeSummary? nodeSummary = null;
        if (nodes is not null)
        {
            nodeSummary = new NodeSummary(nodes.Count, nodes.Count(n => n.Ready), nodes.Count(n => n.Pressures.Count > 0),
                nodes.Count(n => n.Unschedulable), nodes.Count(n => n.ControlPlane), nodes.Count(n => !n.ControlPlane));
            foreach (var n in nodes)
                foreach (var check in IssueChecks.NodeChecks.Where(c => c.Matches(n)))
                    issues.Add(new Issue(check.Id, check.Rank, "Node", "", n.Name, check.Reason(n), 0, n.Created, null, check.Detail(n)));
        }
        PodSummary? podSummary = null;
        if (pods is not null)
        {
            var counted = pods.Where(p => !p.Succeeded).ToList();
            podSummary = new PodSummary(counted.Count, counted.Count(p => p.Ready), counted.Count(p => p.Restarts > 0));
            foreach (var p in counted.Where(p => !p.Ready))
            {
                var check = IssueChecks.PodChecks.First(c => c.Matches(p));
                var chain = owners.Chain(p.Namespace, "Pod", p.Name, p.Owner, p.PodTemplateHash);
                var owner = chain.Count > 0 ? chain[^1].ToString() : null;
                issues.Add(new Issue(check.Id, check.Rank, "Pod", p.Namespace, p.Name, check.Reason(p), p.Restarts, p.Created, owner, check.Detail(p)));
            }
        }
        var ranked = issues
            .OrderBy(i => i.Rank)
            .ThenByDescending(i => i.Restarts)
            .ThenBy(i => i.Namespace, StringComparer.Ordinal)
            .ThenBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        return new ClusterStatusReport(context, gitVersion, Platform(gitVersion, context, serverPlatform), ns,
            nodeSummary, nodesUnreadable, podSummary, podsUnreadable, ranked.Take(ClusterStatusReport.MaxKeptIssues).ToList(),
            ranked.Count, pods?.Count ?? 0);
    }

    /// <summary>Distribution from the version string, else from the context name, else the server platform.</summary>
    public static string Platform(string gitVersion, string context, string? serverPlatform)
    {
        if (gitVersion.Contains("-eks-", StringComparison.Ordinal)) return "EKS";
        if (gitVersion.Contains("-gke.", StringComparison.Ordinal)) return "GKE";
        if (gitVersion.Contains("+k3s", StringComparison.Ordinal)) return "k3s";
        if (gitVersion.Contains("+rke2", StringComparison.Ordinal)) return "RKE2";
        if (context.StartsWith("gke_", StringComparison.Ordinal)) return "GKE";
        if (context.StartsWith("kind-", StringComparison.Ordinal)) return "kind";
        if (context.StartsWith("arn:aws:eks:", StringComparison.Ordinal)) return "EKS";
        if (context.Contains("-aks-", StringComparison.Ordinal)) return "AKS";
        return string.IsNullOrEmpty(serverPlatform) ? "unknown" : serverPlatform;
    }
}
