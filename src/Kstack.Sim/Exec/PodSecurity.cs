using System.Text.Json.Nodes;

namespace Kstack.Sim.Exec;

/// <summary>
/// Pod Security admission as far as kstack's node shells need it: a namespace labelled
/// pod-security.kubernetes.io/enforce=baseline|restricted rejects privileged, hostPID/hostNetwork/hostIPC and hostPath pods.
/// Also gives directly scheduled pods (spec.nodeName, no status) a running status, as a kubelet would.
/// </summary>
internal static class PodSecurity
{
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";

    /// <summary>The admission error for a pod in a namespace with these labels, or null when allowed.</summary>
    public static string? Check(JsonObject? namespaceLabels, JsonObject pod)
    {
        var level = (string?)namespaceLabels?[EnforceLabel] ?? "privileged";
        if (level == "privileged") return null;
        var spec = pod["spec"] as JsonObject ?? new JsonObject();
        var violations = new List<string>();
        foreach (var host in new[] { "hostNetwork", "hostPID", "hostIPC" })
            if (spec[host] is JsonValue v && v.TryGetValue<bool>(out var b) && b) violations.Add($"{host}=true");
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var privileged = containers.Where(c => c["securityContext"]?["privileged"] is JsonValue p && p.TryGetValue<bool>(out var x) && x)
            .Select(c => (string?)c["name"] ?? "").ToList();
        if (privileged.Count > 0) violations.Add($"privileged (container{(privileged.Count > 1 ? "s" : "")} {string.Join(", ", privileged.Select(n => $"\"{n}\""))} must not set securityContext.privileged=true)");
        var hostPaths = (spec["volumes"] as JsonArray ?? []).OfType<JsonObject>().Where(v => v["hostPath"] is not null).Select(v => (string?)v["name"] ?? "").ToList();
        if (hostPaths.Count > 0) violations.Add($"hostPath volumes (volume{(hostPaths.Count > 1 ? "s" : "")} {string.Join(", ", hostPaths.Select(n => $"\"{n}\""))})");
        if (violations.Count == 0) return null;
        var name = (string?)pod["metadata"]?["name"] ?? "";
        return $"pods \"{name}\" is forbidden: violates PodSecurity \"{level}:latest\": {string.Join(", ", violations)}";
    }

    /// <summary>Status for a new pod: Running with running containers when bound to a node, else Pending.</summary>
    public static JsonObject InitialStatus(JsonObject pod, DateTimeOffset now)
    {
        var spec = pod["spec"] as JsonObject;
        if (spec?["nodeName"] is not JsonValue) return new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
        var started = Scenarios.RelativeTime.Format(now);
        var statuses = new JsonArray();
        foreach (var c in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
            statuses.Add((JsonNode)new JsonObject
            {
                ["name"] = (string?)c["name"], ["image"] = (string?)c["image"], ["imageID"] = "", ["ready"] = true, ["started"] = true, ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } },
            });
        return new JsonObject
        {
            ["phase"] = "Running", ["qosClass"] = "BestEffort", ["startTime"] = started,
            ["conditions"] = new JsonArray((JsonNode)new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = started }),
            ["containerStatuses"] = statuses,
        };
    }
}
