using System.Text.Json;

namespace Kstack.Skills.Shared;

internal sealed record NodeFacts(
    string Name, string ReadyStatus, string? ReadyReason, string? ReadyMessage, IReadOnlyList<string> Pressures,
    bool Unschedulable, string Role, DateTimeOffset? Created, string? PressureMessage = null,
    DateTimeOffset? ReadySince = null, DateTimeOffset? PressureSince = null)
{
    public bool Ready => ReadyStatus == "True";
    public bool ControlPlane => Role.StartsWith("control-plane", StringComparison.Ordinal) || Role == "master";

    public static NodeFacts From(JsonElement node)
    {
        string status = "Unknown";
        string? reason = null, message = null;
        var pressures = new List<string>();
        string? pressureMessage = null;
        DateTimeOffset? readySince = null, pressureSince = null;
        foreach (var c in node.Array("status", "conditions"))
        {
            var type = c.Str("type");
            if (type == "Ready")
            {
                status = c.Str("status") ?? "Unknown"; reason = c.Str("reason"); message = c.Str("message");
                readySince = c.Time("lastTransitionTime");
            }
            else if (type is "MemoryPressure" or "DiskPressure" or "PIDPressure" && c.Str("status") == "True")
            {
                pressures.Add(type);
                pressureMessage ??= c.Str("message");
                pressureSince ??= c.Time("lastTransitionTime");
            }
        }
        var role = node.Props("metadata", "labels")
            .Select(l => l.Name)
            .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..])
            .FirstOrDefault(r => r.Length > 0) ?? "worker";
        return new NodeFacts(node.Str("metadata", "name") ?? "", status, reason, message, pressures,
            node.Bool("spec", "unschedulable"), role, node.Time("metadata", "creationTimestamp"), pressureMessage, readySince, pressureSince);
    }
}

internal sealed record PodFacts(
    string Namespace, string Name, string Phase, int Containers, int ReadyContainers, int StatusCount, int Restarts,
    string? WaitingReason, string? WaitingMessage, string? LastTerminatedReason, int? LastExitCode,
    string? StatusReason, string? StatusMessage, bool Unschedulable, string? SchedulingMessage,
    DateTimeOffset? Created, OwnerRef? Owner, string? PodTemplateHash, string? NodeName,
    string? WaitingStatusPath = null, DateTimeOffset? NotReadySince = null, DateTimeOffset? UnschedulableSince = null,
    DateTimeOffset? FailedSince = null)
{
    public bool Succeeded => Phase == "Succeeded";
    public bool Ready => StatusCount > 0 && StatusCount == Containers && ReadyContainers == Containers;

    public static PodFacts From(JsonElement pod)
    {
        var containers = pod.Array("spec", "containers").Count();
        int ready = 0, statuses = 0, restarts = 0;
        string? waiting = null, waitingMessage = null, waitingContainer = null, lastReason = null;
        int? exitCode = null;
        foreach (var (cs, statusPath) in pod.Array("status", "initContainerStatuses").Select(c => (c, "status.initContainerStatuses"))
                     .Concat(pod.Array("status", "containerStatuses").Select(c => (c, "status.containerStatuses"))))
        {
            restarts += (int)(cs.Long("restartCount") ?? 0);
            if (cs.Str("state", "waiting", "reason") is { } w && waiting is null)
            {
                waiting = w;
                waitingMessage = cs.Str("state", "waiting", "message");
                waitingContainer = $"{statusPath}[{cs.Str("name")}]";
            }
            if (cs.Str("lastState", "terminated", "reason") is { } lr && (lastReason is null || lr == "OOMKilled"))
            {
                lastReason = lr;
                exitCode = (int?)cs.Long("lastState", "terminated", "exitCode");
            }
            else if (cs.Str("state", "terminated", "reason") is "OOMKilled")
            {
                lastReason = "OOMKilled";
                exitCode = (int?)cs.Long("state", "terminated", "exitCode");
            }
        }
        foreach (var cs in pod.Array("status", "containerStatuses"))
        {
            statuses++;
            if (cs.Bool("ready")) ready++;
        }
        var unschedulable = false;
        string? schedMessage = null;
        DateTimeOffset? notReadySince = null, unschedulableSince = null, disruptedSince = null;
        foreach (var c in pod.Array("status", "conditions"))
        {
            var type = c.Str("type");
            if (type == "PodScheduled" && c.Str("status") == "False")
            {
                unschedulable = c.Str("reason") == "Unschedulable";
                schedMessage = c.Str("message");
                unschedulableSince = c.Time("lastTransitionTime");
            }
            else if (type == "Ready" && c.Str("status") != "True") notReadySince = c.Time("lastTransitionTime");
            else if (type == "DisruptionTarget" && c.Str("status") == "True") disruptedSince = c.Time("lastTransitionTime");
        }
        // A failed pod's state began when it was disrupted (eviction), else when it stopped being ready.
        var failedSince = disruptedSince ?? notReadySince;
        return new PodFacts(
            pod.Str("metadata", "namespace") ?? "", pod.Str("metadata", "name") ?? "", pod.Str("status", "phase") ?? "Unknown",
            containers, ready, statuses, restarts, waiting, waitingMessage, lastReason, exitCode,
            pod.Str("status", "reason"), pod.Str("status", "message"), unschedulable, schedMessage,
            pod.Time("metadata", "creationTimestamp"), OwnerIndex.ControllerOf(pod),
            pod.Str("metadata", "labels", "pod-template-hash"), pod.Str("spec", "nodeName"),
            waitingContainer, notReadySince, unschedulableSince, failedSince);
    }
}
