using Kstack.Skills.Shared;
using static Kstack.Envelope.DataText;

namespace Kstack.Skills.ClusterStatus;

/// <summary>One finding in the Issues block. Lower rank = more severe. Reason is display-safe (cluster parts framed).</summary>
public sealed record Issue(
    string CheckId, int Rank, string Kind, string Namespace, string Name, string Reason, int Restarts,
    DateTimeOffset? Since, string? Owner, string? Detail);

/// <summary>
/// The cluster-status checklist. Each check has a stable ID and a rank; a pod is classified by the first check that
/// matches, a node by every node check that matches.
/// </summary>
public static class IssueChecks
{
    public sealed record PodCheck(string Id, int Rank, Func<PodFacts, bool> Matches, Func<PodFacts, string> Reason, Func<PodFacts, string?> Detail);

    public sealed record NodeCheck(string Id, int Rank, Func<NodeFacts, bool> Matches, Func<NodeFacts, string> Reason, Func<NodeFacts, string?> Detail);

    private static readonly HashSet<string> ImagePull = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"];

    public static readonly IReadOnlyList<NodeCheck> NodeChecks =
    [
        new("CS-NODE-NOTREADY", 0, n => !n.Ready, n => n.ReadyStatus == "Unknown" ? "NotReady (Unknown)" : "NotReady",
            n => n.ReadyMessage),
        new("CS-NODE-PRESSURE", 5, n => n.Pressures.Count > 0, n => string.Join("+", n.Pressures), n => n.PressureMessage),
    ];

    public static readonly IReadOnlyList<PodCheck> PodChecks =
    [
        new("CS-POD-CRASHLOOP", 1, p => p.WaitingReason is "CrashLoopBackOff" || p.WaitingReason?.EndsWith(":CrashLoopBackOff", StringComparison.Ordinal) == true,
            p => p.LastTerminatedReason is { } r ? $"CrashLoopBackOff ({Token(r, 30)}{ExitSuffix(p)})" : "CrashLoopBackOff", p => p.WaitingMessage),
        new("CS-POD-IMAGEPULL", 2, p => p.WaitingReason is { } w && ImagePull.Contains(w), p => Token(p.WaitingReason, 40), p => p.WaitingMessage),
        new("CS-POD-OOMKILLED", 3, p => p.LastTerminatedReason == "OOMKilled", p => $"OOMKilled{ExitSuffix(p)}", _ => null),
        new("CS-POD-WAITING", 4, p => p.WaitingReason is { } w && w != "ContainerCreating" && w != "PodInitializing",
            p => Token(p.WaitingReason, 40), p => p.WaitingMessage),
        new("CS-POD-FAILED", 4, p => p.Phase == "Failed", p => Token(p.StatusReason ?? "Failed", 40), p => p.StatusMessage),
        new("CS-POD-NOTREADY", 4, p => p.Phase == "Running",
            p => $"Running, not ready ({p.ReadyContainers}/{p.Containers})", _ => null),
        new("CS-POD-PENDING", 6, p => p.Phase == "Pending",
            p => p.Unschedulable ? "Pending (unschedulable)" : Token(p.WaitingReason ?? "Pending", 40), p => p.SchedulingMessage ?? p.WaitingMessage),
        new("CS-POD-UNKNOWN", 7, _ => true, p => Token(p.Phase, 30), p => p.StatusMessage),
    ];

    private static string ExitSuffix(PodFacts p) => p.LastExitCode is { } c ? $", exit {c}" : "";
}
