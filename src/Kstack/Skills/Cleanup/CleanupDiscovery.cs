using System.Text.Json;
using Kstack.Panes;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Cleanup;

/// <summary>One object found with at least one of kstack's owned-by marks.</summary>
internal sealed record FoundObject(
    CleanupKind Kind, string? Namespace, string Name, string Uid, string ResourceVersion, DateTimeOffset? Created, Ownership.Mark Mark,
    string? Session, string? Skill, string? Node, IReadOnlyList<string> Finalizers, bool Terminating)
{
    public string Ref => Namespace is null ? Name : $"{Namespace}/{Name}";
}

/// <summary>A pod kstack did not create that carries kstack debug containers (which cannot be deleted).</summary>
internal sealed record DebugPod(string Namespace, string Name, IReadOnlyList<(string Container, string State)> Containers, bool OwnedByKstack);

/// <summary>The filters that narrow a plan.</summary>
internal sealed record CleanupFilters(TimeSpan? OlderThan, string? Session, string? Skill)
{
    public bool Matches(FoundObject o, DateTimeOffset now) =>
        (OlderThan is not { } age || (o.Created is { } c && now - c >= age))
        && (Session is null || o.Session == Session)
        && (Skill is null || o.Skill == Skill);
}

/// <summary>What /cleanup found: the objects it may delete (both marks, filters matched), the suspicious ones, debug pods.</summary>
internal sealed record CleanupDiscovery(IReadOnlyList<FoundObject> Planned, IReadOnlyList<FoundObject> FilteredOut, IReadOnlyList<FoundObject> Suspicious,
    IReadOnlyList<DebugPod> DebugPods)
{
    /// <summary>Classifies every listed object; pure, so tests run it on any lists.</summary>
    public static CleanupDiscovery Of(IEnumerable<(CleanupKind Kind, JsonElement Item)> items, CleanupFilters filters, DateTimeOffset now)
    {
        List<FoundObject> planned = [], filtered = [], suspicious = [];
        List<DebugPod> debug = [];
        foreach (var (kind, item) in items)
        {
            var mark = Ownership.Of(item);
            if (kind.Kind == "Pod" && DebugContainers(item) is { Count: > 0 } containers)
                debug.Add(new DebugPod(item.Str("metadata", "namespace") ?? "", item.Str("metadata", "name") ?? "", containers, mark == Ownership.Mark.Both));
            if (mark == Ownership.Mark.None) continue;
            var found = Found(kind, item, mark);
            if (mark != Ownership.Mark.Both) suspicious.Add(found);
            else if (filters.Matches(found, now)) planned.Add(found);
            else filtered.Add(found);
        }
        return new CleanupDiscovery(Ordered(planned), Ordered(filtered), Ordered(suspicious),
            debug.OrderBy(d => d.Namespace, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>Grouped by session and skill, then in delete order (kind), then by place and name.</summary>
    private static List<FoundObject> Ordered(List<FoundObject> list) =>
        list.OrderBy(o => o.Session ?? "\uffff", StringComparer.Ordinal).ThenBy(o => o.Skill ?? "", StringComparer.Ordinal)
            .ThenBy(o => IndexOf(o.Kind)).ThenBy(o => o.Namespace ?? "", StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList();

    private static int IndexOf(CleanupKind k)
    {
        for (var i = 0; i < CleanupKind.All.Count; i++) if (CleanupKind.All[i].Kind == k.Kind) return i;
        return int.MaxValue;
    }

    private static FoundObject Found(CleanupKind kind, JsonElement item, Ownership.Mark mark)
    {
        var session = Ownership.SessionOf(item);
        DateTimeOffset? created = item.Str("metadata", "creationTimestamp") is { } c && DateTimeOffset.TryParse(c, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new FoundObject(kind, kind.Namespaced ? item.Str("metadata", "namespace") : null, item.Str("metadata", "name") ?? "",
            item.Str("metadata", "uid") ?? "", item.Str("metadata", "resourceVersion") ?? "", created, mark, session, Ownership.SkillOf(item, session),
            kind.Kind == "Pod" ? item.Str("spec", "nodeName") : null,
            item.Array("metadata", "finalizers").Select(f => f.ValueKind == JsonValueKind.String ? f.GetString() ?? "" : f.GetRawText()).ToList(),
            item.Str("metadata", "deletionTimestamp") is not null);
    }

    /// <summary>A pod's kstack debug containers (by /exec's name prefix) and each one's state.</summary>
    private static List<(string, string)> DebugContainers(JsonElement pod)
    {
        var list = new List<(string, string)>();
        foreach (var c in pod.Array("spec", "ephemeralContainers"))
        {
            var name = c.Str("name") ?? "";
            if (!name.StartsWith(Ownership.DebugContainerPrefix, StringComparison.Ordinal)) continue;
            var status = pod.Array("status", "ephemeralContainerStatuses").FirstOrDefault(s => s.Str("name") == name);
            var state = status.ValueKind != JsonValueKind.Object ? "unknown"
                : status.Get("state", "running") is { ValueKind: JsonValueKind.Object } ? "running"
                : status.Get("state", "terminated") is { ValueKind: JsonValueKind.Object } ? "terminated"
                : "waiting";
            list.Add((name, state));
        }
        return list;
    }

    /// <summary>The pane (same context) that still uses an object: it lists the pod, or the object names its session.</summary>
    public static PaneRecord? PaneOf(FoundObject o, IReadOnlyList<PaneRecord> panes) =>
        panes.FirstOrDefault(p => o.Kind.Kind == "Pod" && p.Pods.Any(r => r.Namespace == o.Namespace && r.Name == o.Name))
        ?? panes.FirstOrDefault(p => o.Session is not null && p.Session == o.Session);

    /// <summary>The exec pane that opened a shell in a debug pod (its target names the pod).</summary>
    public static PaneRecord? PaneOf(DebugPod d, IReadOnlyList<PaneRecord> panes) =>
        panes.FirstOrDefault(p => p.Mode == "exec" && p.Target == $"pod/{d.Namespace}/{d.Name}");
}
