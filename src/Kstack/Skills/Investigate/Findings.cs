using System.Text.RegularExpressions;
using Kstack.Checks;
using Kstack.Objects;
using Kstack.Skills.ClusterStatus;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

/// <summary>Events of one reason set on one object: total count (series-aware) and the latest event.</summary>
internal sealed record EventSummary(string Reason, long Count, DateTimeOffset? Last, string Message);

/// <summary>Why an image pull fails, classified from the kubelet's messages.</summary>
internal enum PullFailure { TagNotFound, AccessDenied, RateLimited, Unreachable, InvalidReference, Failing }

internal sealed record OomKilledHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ContainerView Container,
    Termination Termination, string? LogLine, bool LastLogLine, EventSummary? BackOff) : CheckHit(Check, Subject, Path, Observed);

internal sealed record CrashExitHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ContainerView Container, bool Looping,
    Termination? Termination, string? LogLine, EventSummary? BackOff, EventSummary? LivenessKill) : CheckHit(Check, Subject, Path, Observed);

internal sealed record ImagePullHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ContainerView Container, PullFailure Cause,
    EventSummary? PullEvent, EventSummary? BackOff, IReadOnlyList<string> PullSecrets) : CheckHit(Check, Subject, Path, Observed);

internal sealed record UnschedulableHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed,
    IReadOnlyList<KeyValuePair<string, string>> WantedRequests, IReadOnlyDictionary<string, string> RequestTotals, EventSummary? Event)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record ContainerConfigHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ContainerView Container, EventSummary? Event)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record MountFailedHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, EventSummary Event, ContainerView? Waiting)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record RefMissingHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, RefView Ref) : CheckHit(Check, Subject, Path, Observed);

internal sealed record NodeUnhealthyHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, NodeFacts Node, IReadOnlyList<string> PodsHere)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record EvictedHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, string? Message, string? Node, EventSummary? Event)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record ProbeFailingHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, EventSummary Unhealthy, Condition? Ready,
    IReadOnlyList<string> NotReadyContainers, int Restarts, IReadOnlyList<KeyValuePair<string, string>> LogLines) : CheckHit(Check, Subject, Path, Observed);

internal sealed record NotReadyHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, Condition? Ready, string? Node)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record ServiceNoEndpointsHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ServiceView Service)
    : CheckHit(Check, Subject, Path, Observed);

internal sealed record PvcNotBoundHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, RefView Claim, EventSummary? Event)
    : CheckHit(Check, Subject, Path, Observed);

/// <summary>A workload condition hit (rollout stopped, unavailable) or a StatefulSet stuck between revisions.</summary>
internal sealed record WorkloadHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed, ObjectView Workload, Condition? Condition, string? Revisions)
    : CheckHit(Check, Subject, Path, Observed);

/// <summary>
/// The /investigate checklist: small deterministic checks with stable IDs mapping state combinations to likely causes.
/// They run over every gathered pod and return structured hits; <see cref="FindingRenderer"/> makes the findings' text.
/// </summary>
internal static partial class Findings
{
    private const string Cause = "likely-cause";

    public static readonly CheckInfo OomKilled = new("INV-OOMKILLED", "Container was OOMKilled: it exceeded its memory limit", Severity.High, Cause,
        "Raise the memory limit to the container's real peak (see /metrics) or fix the leak the last log lines point at.", 10);
    public static readonly CheckInfo CrashExit = new("INV-CRASH-EXIT", "Container exits with a non-zero code or is in CrashLoopBackOff", Severity.High, Cause,
        "Read the previous instance's log and the exit code's meaning; fix the application error, its configuration, or an over-eager liveness probe.", 11);
    public static readonly CheckInfo ImagePull = new("INV-IMAGE-PULL", "Image cannot be pulled (tag missing, access denied, registry unreachable)", Severity.High, Cause,
        "Fix the image reference or tag, give the pod imagePullSecrets the registry accepts, or restore access to the registry.", 12);
    public static readonly CheckInfo Unschedulable = new("INV-UNSCHEDULABLE", "The scheduler finds no node that fits", Severity.High, Cause,
        "Lower the requests, relax node selectors, affinities or tolerations, or add nodes with the capacity the scheduler message names.", 13);
    public static readonly CheckInfo ContainerConfig = new("INV-CONTAINER-CONFIG", "Container cannot be created from its spec (missing key, bad command)", Severity.High, Cause,
        "Create the missing ConfigMap, Secret or key the message names, or fix the command and arguments.", 14);
    public static readonly CheckInfo MountFailed = new("INV-MOUNT-FAILED", "A volume cannot be mounted or attached", Severity.High, Cause,
        "Create the missing volume source, or fix the PersistentVolume, CSI driver or node attachment the event names.", 15);
    public static readonly CheckInfo RefMissing = new("INV-REF-MISSING", "A referenced Secret, ConfigMap, PVC or ServiceAccount does not exist", Severity.High, Cause,
        "Create the object in the pod's namespace, fix the name in the pod spec, or mark the reference optional.", 15);
    public static readonly CheckInfo NodeUnhealthy = new("INV-NODE-UNHEALTHY", "The pod's node is NotReady, under pressure or cordoned", Severity.High, Cause,
        "Repair or drain the node (kubelet, runtime, disk, memory); the pods reschedule once it is drained.", 16);
    public static readonly CheckInfo Evicted = new("INV-EVICTED", "The pod was evicted by the kubelet", Severity.Medium, Cause,
        "Free the node resource the eviction message names, set requests and limits that match real use, and delete the evicted pod.", 17);
    public static readonly CheckInfo ProbeFailing = new("INV-PROBE-FAILING", "Running but not Ready, with probe failures", Severity.Medium, Cause,
        "Check what the readiness probe calls and what it depends on; fix the dependency or the probe's path, port and timeouts.", 20);
    public static readonly CheckInfo ServiceNoEndpoints = new("INV-SERVICE-NO-ENDPOINTS", "A Service selecting the pods has no ready endpoints", Severity.Medium, Cause,
        "Make a selected pod Ready (see the other findings) or fix the Service's selector and target port.", 21);
    public static readonly CheckInfo PvcNotBound = new("INV-PVC-NOT-BOUND", "A claimed PVC is not Bound", Severity.Medium, Cause,
        "Check the StorageClass and its provisioner, or create a PersistentVolume that matches the claim's size and access mode.", 22);
    public static readonly CheckInfo RolloutStuck = new("INV-ROLLOUT-STUCK", "A rollout stopped progressing", Severity.Medium, Cause,
        "Fix what keeps the new pods from becoming Ready (see the pod findings), or roll back to the previous revision.", 25);
    public static readonly CheckInfo WorkloadUnavailable = new("INV-WORKLOAD-UNAVAILABLE", "The workload reports unavailable or failed", Severity.Medium, Cause,
        "Follow the condition's reason to the pods' findings; a Job that failed needs its cause fixed before it is re-run.", 26);
    public static readonly CheckInfo NotReady = new("INV-NOT-READY", "Running but not Ready, without probe events", Severity.Low, Cause,
        "Check the readiness gates and containers' readiness; look at the node and the container logs.", 30);

    private static readonly HashSet<string> ConfigErrors = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError", "ContainerCannotRun"];

    public static readonly Checklist<Investigation> Checks = new("investigate",
    [
        new(OomKilled, OomKilledHits), new(CrashExit, CrashExitHits), new(ImagePull, ImagePullHits), new(Unschedulable, UnschedulableHits),
        new(ContainerConfig, ContainerConfigHits), new(MountFailed, MountFailedHits), new(RefMissing, RefMissingHits),
        new(NodeUnhealthy, NodeUnhealthyHits), new(Evicted, EvictedHits), new(ProbeFailing, ProbeFailingHits),
        new(ServiceNoEndpoints, ServiceNoEndpointsHits), new(PvcNotBound, PvcNotBoundHits), new(RolloutStuck, RolloutStuckHits),
        new(WorkloadUnavailable, WorkloadUnavailableHits), new(NotReady, NotReadyHits),
    ]);

    /// <summary>Every hit of every check, unrendered.</summary>
    public static IEnumerable<CheckHit> Hits(Investigation inv, CheckSelection? selection = null) => Checks.Run(inv, selection);

    /// <summary>The rendered findings, folded and ranked (see <see cref="FindingRenderer.Findings"/>).</summary>
    public static List<Finding> Evaluate(Investigation inv) => FindingRenderer.Findings(inv, Hits(inv));

    /// <summary>Why a pull fails, in words (the classification the image-pull check records).</summary>
    public static string PullCause(string text) => FindingRenderer.PullCause(ClassifyPull(text));

    public static PullFailure ClassifyPull(string text)
    {
        if (Regex.IsMatch(text, "not found|manifest unknown|does not exist", RegexOptions.IgnoreCase)) return PullFailure.TagNotFound;
        if (Regex.IsMatch(text, "unauthorized|authentication required|access denied|denied|forbidden|401|403", RegexOptions.IgnoreCase))
            return PullFailure.AccessDenied;
        if (Regex.IsMatch(text, "toomanyrequests|rate limit", RegexOptions.IgnoreCase)) return PullFailure.RateLimited;
        if (Regex.IsMatch(text, "no such host|i/o timeout|connection refused|dial tcp|tls handshake|network is unreachable", RegexOptions.IgnoreCase))
            return PullFailure.Unreachable;
        if (text.Contains("InvalidImageName", StringComparison.Ordinal)) return PullFailure.InvalidReference;
        return PullFailure.Failing;
    }

    private static ObjectRef PodRef(Investigation inv, PodView p, string? container = null) => new("Pod", p.Namespace.Length > 0 ? p.Namespace : inv.Namespace, p.Name, container);

    private static string StatusPath(ContainerView c) => $"status.{(c.Init ? "initContainerStatuses" : "containerStatuses")}[{c.Name}]";

    /// <summary>Events on one pod with one of the reasons: total count (series-aware), latest event.</summary>
    private static EventSummary? On(Investigation inv, PodView p, params string[] reasons)
    {
        var events = inv.EventsOn("Pod", p.Name, p.Uid).Where(e => reasons.Contains(e.Facts.Reason)).Select(e => e.Facts).ToList();
        return events.OrderByDescending(e => e.Last).FirstOrDefault() is { } latest ? Summary(latest, events.Sum(e => e.Count)) : null;
    }

    private static EventSummary Summary(EventFacts e, long? count = null) => new(e.Reason, count ?? e.Count, e.Last, e.Message);

    /// <summary>The most telling log line for a container: previous instance first, then current.</summary>
    private static (string? Line, bool IsLast) LogLine(Investigation inv, PodView p, ContainerView c, Func<NarrowedLog, string?> pick)
    {
        foreach (var l in inv.Logs.Where(l => l.Pod == p.Name && l.Container == c.Name && l.Log is not null).OrderByDescending(l => l.Previous))
            if (pick(l.Log!) is { } line) return (line, l.Log!.Lines.Count > 0 && l.Log.Lines[^1] == line);
        return (null, false);
    }

    private static IEnumerable<CheckHit> OomKilledHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers.Where(c => c.Crash?.Reason == "OOMKilled"))
        {
            var (line, last) = LogLine(inv, p, c, l => LogNarrower.OomLine(l) ?? l.MarkerLine);
            yield return new OomKilledHit(check, PodRef(inv, p, c.Name), $"{StatusPath(c)}.{(c.Terminated is null ? "lastState" : "state")}.terminated.reason",
                "OOMKilled", c, c.Crash!, line, last, On(inv, p, "BackOff"));
        }
    }

    private static IEnumerable<CheckHit> CrashExitHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers)
        {
            var t = c.Crash;
            var looping = c.Reason == "CrashLoopBackOff";
            if (t?.Reason == "OOMKilled") continue;
            if (!looping && t is not { ExitCode: > 0 }) continue;
            var (line, _) = LogLine(inv, p, c, l => l.MarkerLine ?? (l.Lines.Count > 0 ? l.Lines[^1] : null));
            var liveness = On(inv, p, "Unhealthy");
            var livenessKill = t?.ExitCode is 137 or 143 && liveness is not null && liveness.Message.Contains("Liveness", StringComparison.OrdinalIgnoreCase)
                ? liveness : null;
            var (path, observed) = t?.ExitCode is { } code
                ? ($"{StatusPath(c)}.{(c.Terminated is null ? "lastState" : "state")}.terminated.exitCode", code.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : ($"{StatusPath(c)}.state.waiting.reason", c.Reason);
            yield return new CrashExitHit(check, PodRef(inv, p, c.Name), path, observed, c, looping, t, line, On(inv, p, "BackOff"), livenessKill);
        }
    }

    private static IEnumerable<CheckHit> ImagePullHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers.Where(c => c.Waiting && c.Reason is { } r && IssueChecks.ImagePullReasons.Contains(r)))
        {
            var pullEvents = inv.EventsOn("Pod", p.Name, p.Uid)
                .Where(e => e.Facts.Reason == "Failed" && e.Facts.Message.Contains("pull", StringComparison.OrdinalIgnoreCase)).Select(e => e.Facts)
                .OrderByDescending(e => e.Message.Length).ToList();
            var text = string.Join("\n", pullEvents.Select(e => e.Message).Append(c.Message ?? "").Append(c.Reason!));
            var pullSecrets = p.Refs.Items.Where(r => r.Usage == "imagePullSecrets").Select(r => r.Name).ToList();
            yield return new ImagePullHit(check, PodRef(inv, p, c.Name), $"{StatusPath(c)}.state.waiting.reason", c.Reason, c, ClassifyPull(text),
                pullEvents.FirstOrDefault() is { } fe ? Summary(fe) : null, On(inv, p, "BackOff"), pullSecrets);
        }
    }

    private static IEnumerable<CheckHit> UnschedulableHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in inv.Pods.Where(p => p.Phase == "Pending" && p.ConditionOf("PodScheduled") is { Status: "False" }))
        {
            var msg = p.ConditionOf("PodScheduled")!.Message ?? "";
            var wanted = Insufficient().Matches(msg).Select(m => m.Groups[1].Value).Distinct()
                .Where(r => p.RequestTotals.ContainsKey(r)).Select(r => KeyValuePair.Create(r, p.RequestTotals[r])).ToList();
            yield return new UnschedulableHit(check, PodRef(inv, p), "status.conditions[PodScheduled].message", msg, wanted, p.RequestTotals,
                On(inv, p, "FailedScheduling"));
        }
    }

    [GeneratedRegex(@"Insufficient ([A-Za-z0-9/\-]+(?:\.[A-Za-z0-9/\-]+)*)")]
    private static partial Regex Insufficient();

    private static IEnumerable<CheckHit> ContainerConfigHits(Investigation inv, CheckInfo check) =>
        from p in inv.Pods
        from c in p.Containers.Where(c => c.Waiting && c.Reason is { } r && ConfigErrors.Contains(r))
        select new ContainerConfigHit(check, PodRef(inv, p, c.Name), $"{StatusPath(c)}.state.waiting.reason", c.Reason, c, On(inv, p, "Failed"));

    private static IEnumerable<CheckHit> MountFailedHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in inv.Pods)
            if (On(inv, p, "FailedMount", "FailedAttachVolume") is { } ev)
                yield return new MountFailedHit(check, PodRef(inv, p), $"events[{ev.Reason}].message", ev.Message, ev, p.Containers.FirstOrDefault(c => c.Waiting));
    }

    private static IEnumerable<CheckHit> RefMissingHits(Investigation inv, CheckInfo check) =>
        inv.Refs.Where(r => r.Status == "missing" && !r.Optional)
            .Select(r => new RefMissingHit(check, new ObjectRef(r.Kind, inv.Namespace, r.Name), UsagePath(r.Usage), r.Name, r));

    /// <summary>Where in the pod spec a reference sits, from its usage ("volume data", "envFrom in app", "imagePullSecrets").</summary>
    private static string UsagePath(string usage) => usage switch
    {
        _ when usage.StartsWith("volume ", StringComparison.Ordinal) => $"spec.volumes[{usage[7..]}]",
        _ when usage.StartsWith("envFrom in ", StringComparison.Ordinal) => $"spec.containers[{usage[11..]}].envFrom",
        _ when usage.StartsWith("env in ", StringComparison.Ordinal) => $"spec.containers[{usage[7..]}].env",
        "imagePullSecrets" => "spec.imagePullSecrets",
        "serviceAccountName" => "spec.serviceAccountName",
        _ => "spec",
    };

    private static IEnumerable<CheckHit> NodeUnhealthyHits(Investigation inv, CheckInfo check)
    {
        foreach (var n in inv.Nodes.Where(n => !n.Ready || n.Pressures.Count > 0 || n.Unschedulable))
        {
            var (path, observed) = !n.Ready ? ("status.conditions[Ready].status", n.ReadyStatus)
                : n.Pressures.Count > 0 ? ($"status.conditions[{n.Pressures[0]}].status", "True") : ("spec.unschedulable", "true");
            yield return new NodeUnhealthyHit(check, new ObjectRef("Node", null, n.Name), path, observed, n,
                inv.Pods.Where(p => p.NodeName == n.Name).Select(p => p.Name).Take(3).ToList());
        }
    }

    private static IEnumerable<CheckHit> EvictedHits(Investigation inv, CheckInfo check) =>
        inv.Pods.Where(p => p.Phase == "Failed" && p.Reason?.StartsWith("Evicted", StringComparison.Ordinal) == true)
            .Select(p => new EvictedHit(check, PodRef(inv, p), "status.reason", p.Reason, p.Message, p.NodeName, On(inv, p, "Evicted")));

    private static bool CrashingOrWaiting(PodView p) => p.Containers.Any(c => c.Waiting || c.Crash?.Reason == "OOMKilled");

    private static IEnumerable<PodView> RunningNotReady(Investigation inv) => inv.Pods.Where(p => p.Phase == "Running" && !p.Ready && !CrashingOrWaiting(p));

    private static IEnumerable<CheckHit> ProbeFailingHits(Investigation inv, CheckInfo check)
    {
        foreach (var p in RunningNotReady(inv))
        {
            if (On(inv, p, "Unhealthy") is not { } unhealthy) continue;
            var logs = p.Containers.Where(c => !c.Ready).Select(c => (c.Name, LogLine(inv, p, c, l => l.MarkerLine).Line))
                .Where(x => x.Line is not null).Select(x => KeyValuePair.Create(x.Name, x.Line!)).ToList();
            yield return new ProbeFailingHit(check, PodRef(inv, p), "status.conditions[Ready].status", "False", unhealthy, p.ConditionOf("Ready"),
                p.Containers.Where(c => !c.Init && !c.Ready).Select(c => c.Name).ToList(), p.Restarts, logs);
        }
    }

    private static IEnumerable<CheckHit> NotReadyHits(Investigation inv, CheckInfo check) =>
        RunningNotReady(inv).Where(p => On(inv, p, "Unhealthy") is null)
            .Select(p => new NotReadyHit(check, PodRef(inv, p), "status.conditions[Ready].status", "False", p.ConditionOf("Ready"), p.NodeName));

    private static IEnumerable<CheckHit> ServiceNoEndpointsHits(Investigation inv, CheckInfo check) =>
        inv.Services.Where(s => s.Ready == 0 && s.Error is not "endpoints not readable")
            .Select(s => new ServiceNoEndpointsHit(check, new ObjectRef("Service", inv.Namespace, s.Name), "endpoints.ready", "0", s));

    private static IEnumerable<CheckHit> PvcNotBoundHits(Investigation inv, CheckInfo check)
    {
        foreach (var r in inv.Refs.Where(r => r.Kind == "PersistentVolumeClaim" && r.Status == "present" && r.Detail?.StartsWith("Bound", StringComparison.Ordinal) != true))
        {
            var ev = inv.Events.Where(e => e.Facts.Kind == "PersistentVolumeClaim" && e.Facts.ObjectName == r.Name).Select(e => e.Facts)
                .OrderBy(e => e.Type == "Warning" ? 0 : 1).ThenByDescending(e => e.Last).FirstOrDefault();
            yield return new PvcNotBoundHit(check, new ObjectRef(r.Kind, inv.Namespace, r.Name), "status.phase", r.Detail, r, ev is null ? null : Summary(ev));
        }
    }

    private static IEnumerable<ObjectView> Workloads(Investigation inv) =>
        inv.Owners.Concat(inv.Intermediates).Append(inv.Target).Where(o => o.Kind != "Pod" && o.Readable);

    private static ObjectRef WorkloadRef(ObjectView o) => new(o.Kind, o.Namespace.Length > 0 ? o.Namespace : null, o.Name);

    private static IEnumerable<CheckHit> RolloutStuckHits(Investigation inv, CheckInfo check)
    {
        foreach (var o in Workloads(inv))
        {
            if (o.Conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False") is { } c)
                yield return new WorkloadHit(check, WorkloadRef(o), "status.conditions[Progressing].status", "False", o, c, null);
            if (o.StuckRevisions is { } revs)
                yield return new WorkloadHit(check, WorkloadRef(o), "status.updateRevision", revs, o, null, revs);
        }
    }

    private static IEnumerable<CheckHit> WorkloadUnavailableHits(Investigation inv, CheckInfo check)
    {
        foreach (var o in Workloads(inv))
            if (o.Conditions.FirstOrDefault(c => (c.Type == "Available" && c.Status == "False") || (c.Type == "Failed" && c.Status == "True")) is { } bad)
                yield return new WorkloadHit(check, WorkloadRef(o), $"status.conditions[{bad.Type}].status", bad.Status, o, bad, null);
    }
}
