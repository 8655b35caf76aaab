using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.ClusterStatus;

internal sealed record NodeSummary(int Total, int Ready, int Pressure, int Unschedulable, int ControlPlane, int Worker);

internal sealed record PodSummary(int Total, int Ready, int WithRestarts);

/// <summary>
/// One row of the Issues block: a check hit (check, subject, field path, observed value, the cluster's message, when the
/// state began) plus what the row adds (restarts, the top owner, the object's creation). Data only; the renderer makes the text.
/// </summary>
internal sealed record Issue(
    string CheckId, ObjectRef Subject, string Path, string? Observed, string? Message, string? LastReason, int? ExitCode,
    int Restarts, DateTimeOffset? Since, SinceEvent SinceEvent, DateTimeOffset? Created, string? Owner)
{
    public static Issue From(StateHit h, int restarts, DateTimeOffset? created, string? owner) =>
        new(h.CheckId, h.Subject, h.Path, h.Observed, h.Message, h.LastReason, h.ExitCode, restarts, h.Since, h.SinceEvent, created, owner);
}

/// <summary>The analysed snapshot. Issues holds the top <see cref="MaxKeptIssues"/>; IssuesTotal counts them all.</summary>
internal sealed record ClusterStatusReport(
    string Context, string GitVersion, string Platform, string? Namespace,
    NodeSummary? Nodes, string? NodesUnreadable, PodSummary? Pods, string? PodsUnreadable,
    IReadOnlyList<Issue> Issues, int IssuesTotal, int PodsListed)
{
    public const int MaxKeptIssues = 25;
}

/// <summary>
/// What the analysis needs of the pods: counts, and the facts of the pods that are not ready (the only ones that can
/// be issues). Keeping only those holds a few percent of a large cluster's pods in memory.
/// </summary>
internal sealed class PodTally
{
    public int Listed { get; private set; }
    public int Counted { get; private set; }
    public int Ready { get; private set; }
    public int WithRestarts { get; private set; }
    public List<PodFacts> NotReady { get; } = [];

    public void Add(PodFacts p)
    {
        Listed++;
        if (p.Succeeded) return;
        Counted++;
        if (p.Restarts > 0) WithRestarts++;
        if (p.Ready) Ready++;
        else NotReady.Add(p);
    }

    public static PodTally Of(IEnumerable<PodFacts> pods)
    {
        var tally = new PodTally();
        foreach (var p in pods) tally.Add(p);
        return tally;
    }
}

/// <summary>Pure analysis: facts in, a deterministic ranked report out.</summary>
internal static class ClusterStatusAnalysis
{
    public static ClusterStatusReport Analyse(
        string context, string gitVersion, string? serverPlatform, string? ns,
        IReadOnlyList<NodeFacts>? nodes, string? nodesUnreadable,
        IReadOnlyList<PodFacts>? pods, string? podsUnreadable, OwnerIndex owners) =>
        Analyse(context, gitVersion, serverPlatform, ns, nodes, nodesUnreadable, pods is null ? null : PodTally.Of(pods), podsUnreadable, owners);

    public static ClusterStatusReport Analyse(
        string context, string gitVersion, string? serverPlatform, string? ns,
        IReadOnlyList<NodeFacts>? nodes, string? nodesUnreadable,
        PodTally? pods, string? podsUnreadable, OwnerIndex owners)
    {
        var issues = new List<(int Rank, Issue Issue)>();
        NodeSummary? nodeSummary = null;
        if (nodes is not null)
        {
            nodeSummary = new NodeSummary(nodes.Count, nodes.Count(n => n.Ready), nodes.Count(n => n.Pressures.Count > 0),
                nodes.Count(n => n.Unschedulable), nodes.Count(n => n.ControlPlane), nodes.Count(n => !n.ControlPlane));
            foreach (var n in nodes)
                foreach (var hit in IssueChecks.Nodes.Run(n).Cast<StateHit>())
                    issues.Add((hit.Check.Rank, Issue.From(hit, 0, n.Created, null)));
        }
        PodSummary? podSummary = null;
        if (pods is not null)
        {
            podSummary = new PodSummary(pods.Counted, pods.Ready, pods.WithRestarts);
            foreach (var p in pods.NotReady)
            {
                var hit = (StateHit)IssueChecks.Pods.FirstMatch(p)!;
                var chain = owners.Chain(p.Namespace, "Pod", p.Name, p.Owner, p.PodTemplateHash);
                var owner = chain.Count > 0 ? chain[^1].ToString() : null;
                issues.Add((hit.Check.Rank, Issue.From(hit, p.Restarts, p.Created, owner)));
            }
        }
        var ranked = issues
            .OrderBy(i => i.Rank)
            .ThenByDescending(i => i.Issue.Restarts)
            .ThenBy(i => i.Issue.Subject.Namespace ?? "", StringComparer.Ordinal)
            .ThenBy(i => i.Issue.Subject.Name, StringComparer.Ordinal)
            .Select(i => i.Issue)
            .ToList();
        return new ClusterStatusReport(context, gitVersion, Platform(gitVersion, context, serverPlatform), ns,
            nodeSummary, nodesUnreadable, podSummary, podsUnreadable, ranked.Take(ClusterStatusReport.MaxKeptIssues).ToList(),
            ranked.Count, pods?.Listed ?? 0);
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
