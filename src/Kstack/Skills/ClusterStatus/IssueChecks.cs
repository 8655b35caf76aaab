using Kstack.Checks;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.ClusterStatus;

/// <summary>Which moment an issue's time counts from: the object's creation, or the start of the state it is in.</summary>
internal enum SinceEvent { Created, NodeNotReady, NodePressure, PodNotReady, Unschedulable, Pending, Failed, Evicted }

/// <summary>
/// A cluster-status hit: the state observed, when that state began, the cluster's own message about it and, for a
/// container that died, the last termination's reason and exit code.
/// </summary>
internal sealed record StateHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, DateTimeOffset? Since, SinceEvent SinceEvent,
    string? Message, string? LastReason = null, int? ExitCode = null)
    : CheckHit(Check, Subject, Path, Observed);

/// <summary>
/// The cluster-status checklists. A pod is classified by the first pod check that matches (<see cref="Checklist{T}.FirstMatch"/>),
/// a node by every node check that matches. Rank orders the Issues block (lower first).
/// </summary>
internal static class IssueChecks
{
    private const string NodeHealth = "node-health", PodHealth = "pod-health";

    public static readonly CheckInfo NodeNotReady = new("CS-NODE-NOTREADY", "Node is NotReady", Severity.Critical, NodeHealth,
        "Check the kubelet and container runtime on the node (journalctl -u kubelet), its network to the API server, and drain it if it stays down.", 0);
    public static readonly CheckInfo NodePressure = new("CS-NODE-PRESSURE", "Node under memory, disk or PID pressure", Severity.High, NodeHealth,
        "Free the resource on the node (evict or move heavy pods, clean images and logs) or add capacity; set requests so the scheduler sees the load.", 5);

    public static readonly CheckInfo CrashLoop = new("CS-POD-CRASHLOOP", "Container in CrashLoopBackOff", Severity.High, PodHealth,
        "Read the previous container's logs and exit code (/investigate the pod); fix the crash, its configuration or its liveness probe.", 1);
    public static readonly CheckInfo ImagePull = new("CS-POD-IMAGEPULL", "Image cannot be pulled", Severity.High, PodHealth,
        "Check the image name and tag, the registry's reachability and the pod's imagePullSecrets.", 2);
    public static readonly CheckInfo OomKilled = new("CS-POD-OOMKILLED", "Container was OOMKilled", Severity.High, PodHealth,
        "Raise the container's memory limit to its real peak or fix the leak; compare usage with /metrics.", 3);
    public static readonly CheckInfo Waiting = new("CS-POD-WAITING", "Container stuck waiting", Severity.Medium, PodHealth,
        "Read the waiting reason and message (/investigate the pod): usually a missing ConfigMap, Secret or key, or a bad command.", 4);
    public static readonly CheckInfo Failed = new("CS-POD-FAILED", "Pod failed", Severity.Medium, PodHealth,
        "Read the pod's status reason and message; for evictions free the node's resource, else /investigate the pod and delete it once understood.", 4);
    public static readonly CheckInfo NotReady = new("CS-POD-NOTREADY", "Pod running but not ready", Severity.Medium, PodHealth,
        "Check the readiness probe and what it depends on (/investigate the pod for probe events and logs).", 4);
    public static readonly CheckInfo Pending = new("CS-POD-PENDING", "Pod pending", Severity.Medium, PodHealth,
        "For unschedulable pods compare requests, node selectors, affinities and taints with the nodes; else check volumes and image pulls.", 6);
    public static readonly CheckInfo Unknown = new("CS-POD-UNKNOWN", "Pod in an unknown or unready state", Severity.Low, PodHealth,
        "Check the node the pod runs on and the pod's status (/investigate the pod).", 7);

    public static readonly IReadOnlySet<string> ImagePullReasons = new HashSet<string>(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"]);

    public static readonly Checklist<NodeFacts> Nodes = new("cluster-status/nodes",
    [
        Check<NodeFacts>.When(NodeNotReady, n => !n.Ready, (n, c) =>
            NodeHit(c, n, "status.conditions[Ready].status", n.ReadyStatus, n.ReadySince, SinceEvent.NodeNotReady, n.ReadyMessage)),
        Check<NodeFacts>.When(NodePressure, n => n.Pressures.Count > 0, (n, c) =>
            NodeHit(c, n, $"status.conditions[{n.Pressures[0]}].status", string.Join("+", n.Pressures), n.PressureSince, SinceEvent.NodePressure, n.PressureMessage)),
    ]);

    public static readonly Checklist<PodFacts> Pods = new("cluster-status/pods",
    [
        Check<PodFacts>.When(CrashLoop,
            p => p.WaitingReason is "CrashLoopBackOff" || p.WaitingReason?.EndsWith(":CrashLoopBackOff", StringComparison.Ordinal) == true,
            (p, c) => PodHit(c, p, WaitingPath(p), p.WaitingReason, p.WaitingMessage)),
        Check<PodFacts>.When(ImagePull, p => p.WaitingReason is { } w && ImagePullReasons.Contains(w),
            (p, c) => PodHit(c, p, WaitingPath(p), p.WaitingReason, p.WaitingMessage)),
        Check<PodFacts>.When(OomKilled, p => p.LastTerminatedReason == "OOMKilled",
            (p, c) => PodHit(c, p, "status.containerStatuses[].lastState.terminated.reason", p.LastTerminatedReason, null)),
        Check<PodFacts>.When(Waiting, p => p.WaitingReason is { } w && w != "ContainerCreating" && w != "PodInitializing",
            (p, c) => PodHit(c, p, WaitingPath(p), p.WaitingReason, p.WaitingMessage)),
        Check<PodFacts>.When(Failed, p => p.Phase == "Failed",
            (p, c) => PodHit(c, p, p.StatusReason is null ? "status.phase" : "status.reason", p.StatusReason ?? p.Phase, p.StatusMessage)),
        Check<PodFacts>.When(NotReady, p => p.Phase == "Running",
            (p, c) => PodHit(c, p, "status.containerStatuses[].ready", $"{p.ReadyContainers}/{p.Containers}", null)),
        Check<PodFacts>.When(Pending, p => p.Phase == "Pending", (p, c) => p.Unschedulable
            ? PodHit(c, p, UnschedulablePath, "Unschedulable", p.SchedulingMessage ?? p.WaitingMessage)
            : PodHit(c, p, p.WaitingReason is null ? "status.phase" : WaitingPath(p), p.WaitingReason ?? p.Phase, p.SchedulingMessage ?? p.WaitingMessage)),
        Check<PodFacts>.When(Unknown, _ => true, (p, c) => PodHit(c, p, "status.phase", p.Phase, p.StatusMessage)),
    ]);

    /// <summary>The field a Pending hit points at when the scheduler found no node.</summary>
    public const string UnschedulablePath = "status.conditions[PodScheduled].reason";

    private static string WaitingPath(PodFacts p) => (p.WaitingStatusPath ?? "status.containerStatuses[]") + ".state.waiting.reason";

    private static StateHit NodeHit(CheckInfo c, NodeFacts n, string path, string? observed, DateTimeOffset? since, SinceEvent what, string? message) =>
        since is null ? new(c, new ObjectRef("Node", null, n.Name), path, observed, n.Created, SinceEvent.Created, message)
                      : new(c, new ObjectRef("Node", null, n.Name), path, observed, since, what, message);

    private static StateHit PodHit(CheckInfo c, PodFacts p, string path, string? observed, string? message)
    {
        var (since, what) = PodSince(p);
        return new(c, new ObjectRef("Pod", p.Namespace, p.Name), path, observed, since, what, message, p.LastTerminatedReason, p.LastExitCode);
    }

    /// <summary>When the pod's current state began: failure, unschedulable, not-ready transitions; else its creation.</summary>
    private static (DateTimeOffset? Since, SinceEvent What) PodSince(PodFacts p) => p.Phase switch
    {
        "Failed" when p.FailedSince is { } t => (t, p.StatusReason?.StartsWith("Evicted", StringComparison.Ordinal) == true ? SinceEvent.Evicted : SinceEvent.Failed),
        "Pending" when p.Unschedulable && p.UnschedulableSince is { } t => (t, SinceEvent.Unschedulable),
        "Pending" => (p.Created, p.Created is null ? SinceEvent.Created : SinceEvent.Pending),
        _ when p.NotReadySince is { } t => (t, SinceEvent.PodNotReady),
        _ => (p.Created, SinceEvent.Created),
    };
}
