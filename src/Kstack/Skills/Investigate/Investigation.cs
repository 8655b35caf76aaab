using System.Globalization;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

/// <summary>A workload or owner in the chain, with a one-line status and its conditions.</summary>
internal sealed record ObjectView(string Kind, string Namespace, string Name, string Uid, OwnerRef? Owner, string Status,
    IReadOnlyList<Condition> Conditions, bool Readable = true, string? StuckRevisions = null)
{
    public string Ref => $"{Kind}/{Name}";

    public static ObjectView Unread(string kind, string ns, string name) => new(kind, ns, name, "", null, "not readable", [], false);

    public static ObjectView From(string kind, JsonElement o)
    {
        var conditions = o.Array("status", "conditions").Select(c => new Condition(c.Str("type") ?? "", c.Str("status") ?? "Unknown",
            c.Str("reason"), c.Str("message"), c.Time("lastTransitionTime"))).ToList();
        long N(params string[] path) => o.Long(path) ?? 0;
        var status = kind switch
        {
            "Deployment" => $"ready {N("status", "readyReplicas")}/{o.Long("spec", "replicas") ?? 1} · updated {N("status", "updatedReplicas")} · available {N("status", "availableReplicas")}",
            "ReplicaSet" => $"ready {N("status", "readyReplicas")}/{o.Long("spec", "replicas") ?? 1}",
            "StatefulSet" => $"ready {N("status", "readyReplicas")}/{o.Long("spec", "replicas") ?? 1}",
            "DaemonSet" => $"ready {N("status", "numberReady")}/{N("status", "desiredNumberScheduled")} · unavailable {N("status", "numberUnavailable")}",
            "Job" => $"active {N("status", "active")} · succeeded {N("status", "succeeded")} · failed {N("status", "failed")}",
            "CronJob" => $"schedule {Envelope.DataText.Token(o.Str("spec", "schedule") ?? "?", 60)}{(o.Bool("spec", "suspend") ? " (suspended)" : "")} · active {o.Array("status", "active").Count()}"
                         + (o.Time("status", "lastScheduleTime") is { } t ? " · last scheduled " + t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : ""),
            _ => "",
        };
        // A StatefulSet whose update revision differs from the current one while replicas are not all ready is mid-rollout.
        string? stuck = null;
        if (kind == "StatefulSet" && o.Str("status", "currentRevision") is { } cur && o.Str("status", "updateRevision") is { } upd && cur != upd
            && N("status", "readyReplicas") < (o.Long("spec", "replicas") ?? 1))
            stuck = $"{Envelope.DataText.Token(cur, 80)} → {Envelope.DataText.Token(upd, 80)}";
        return new ObjectView(kind, o.Str("metadata", "namespace") ?? "", o.Str("metadata", "name") ?? "", o.Str("metadata", "uid") ?? "",
            OwnerIndex.ControllerOf(o), status, conditions, true, stuck);
    }

    /// <summary>Conditions that signal trouble: Available/Progressing/Ready False, or Failed/ReplicaFailure True.</summary>
    public IEnumerable<Condition> BadConditions => Conditions.Where(c =>
        (c.Type is "Available" or "Progressing" or "Ready" && c.Status == "False") || (c.Type is "Failed" or "ReplicaFailure" && c.Status == "True"));
}

internal sealed record ChainEvent(EventFacts Facts, string? Uid);

internal sealed record LogView(string Pod, string Container, bool Previous, NarrowedLog? Log, string? Error);

internal sealed record ServiceView(string Name, int Ready, int NotReady, string Source, string? Error = null);

/// <summary>A referenced object: present, missing, or not readable. Secrets and ConfigMaps are known by metadata only.</summary>
internal sealed record RefView(string Kind, string Name, string Status, string? Detail, string Usage, bool Optional, string? Uid = null);

internal sealed record Unreadable(string Part, string Reason);

/// <summary>Everything gathered for one target; the findings and both renderings are computed from it.</summary>
internal sealed record Investigation(
    string Context, KindInfo Kind, string Namespace, string Name, ObjectView Target,
    IReadOnlyList<ObjectView> Owners, IReadOnlyList<ObjectView> Intermediates, IReadOnlyList<PodView> Pods, int PodsTotal,
    IReadOnlyList<ChainEvent> Events, IReadOnlyList<LogView> Logs, IReadOnlyList<ServiceView> Services,
    IReadOnlyList<RefView> Refs, IReadOnlyList<NodeFacts> Nodes, IReadOnlyList<Unreadable> Unreadable, DateTimeOffset Now)
{
    /// <summary>Top owner first, down to the target: Deployment/x → ReplicaSet/y → Pod/z.</summary>
    public string ChainText => string.Join(" → ", ChainParts);

    /// <summary>Owners above the target, the target, and for a workload what it runs: ReplicaSets/Jobs and the pod count.</summary>
    public IEnumerable<string> ChainParts
    {
        get
        {
            var parts = Owners.Reverse().Select(o => o.Ref).Append(Target.Ref).ToList();
            if (Kind == KindInfo.Pod) return parts;
            if (Intermediates.Count > 0) parts.Add(string.Join(" + ", Intermediates.Select(o => o.Ref)));
            parts.Add(PodsTotal == 1 ? "1 pod" : $"{PodsTotal} pods");
            return parts;
        }
    }

    public IEnumerable<ChainEvent> EventsOn(string kind, string name, string? uid) =>
        Events.Where(e => e.Facts.Kind == kind && e.Facts.ObjectName == name && (uid is null || e.Uid is null || e.Uid == uid));
}
