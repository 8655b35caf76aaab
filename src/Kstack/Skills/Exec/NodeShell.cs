using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Skills.Shared;

namespace Kstack.Panes;

/// <summary>The hardened node-shell pod: what kstack creates for `exec --node`, and how it recognises its own pods.</summary>
internal static class NodeShell
{
    public const string OwnedByKey = Ownership.OwnedByKey;
    public const string OwnedByValue = Ownership.OwnedByValue;
    public const string SessionKey = Ownership.SessionKey;
    public const string DefaultImage = "nicolaka/netshoot";
    public const string ContainerName = "shell";
    public const string RuntimeSocket = "/run/containerd/containerd.sock";
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromHours(4);

    public sealed record Options(string Node, string Namespace, string PodName, string Session, string Image, TimeSpan Deadline, bool WritableHost, bool RuntimeSocketMount);

    /// <summary>The pod object, with a toleration for every taint on the node so it schedules anyway.</summary>
    public static JsonObject Pod(Options o, IEnumerable<JsonElement> taints)
    {
        var tolerations = new JsonArray();
        foreach (var t in taints)
        {
            var tol = new JsonObject { ["operator"] = "Exists" };
            if (t.Str("key") is { Length: > 0 } key) tol["key"] = key;
            if (t.Str("effect") is { Length: > 0 } effect) tol["effect"] = effect;
            tolerations.Add((JsonNode)tol);
        }
        var mounts = new JsonArray(new JsonObject { ["name"] = "host", ["mountPath"] = "/host", ["readOnly"] = !o.WritableHost });
        var volumes = new JsonArray(new JsonObject { ["name"] = "host", ["hostPath"] = new JsonObject { ["path"] = "/" } });
        if (o.RuntimeSocketMount)
        {
            mounts.Add((JsonNode)new JsonObject { ["name"] = "runtime-socket", ["mountPath"] = RuntimeSocket });
            volumes.Add((JsonNode)new JsonObject { ["name"] = "runtime-socket", ["hostPath"] = new JsonObject { ["path"] = RuntimeSocket, ["type"] = "Socket" } });
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = o.PodName,
                ["namespace"] = o.Namespace,
                ["labels"] = new JsonObject { [OwnedByKey] = OwnedByValue, [SessionKey] = o.Session },
                ["annotations"] = new JsonObject { [OwnedByKey] = OwnedByValue, [SessionKey] = o.Session },
            },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = o.Node,
                ["hostPID"] = true,
                ["hostNetwork"] = true,
                ["hostIPC"] = true,
                ["restartPolicy"] = "Never",
                ["activeDeadlineSeconds"] = (long)o.Deadline.TotalSeconds,
                ["terminationGracePeriodSeconds"] = 0,
                ["automountServiceAccountToken"] = false,
                ["tolerations"] = tolerations,
                ["containers"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = ContainerName,
                        ["image"] = o.Image,
                        ["stdin"] = true,
                        ["tty"] = true,
                        ["securityContext"] = new JsonObject { ["privileged"] = true },
                        ["volumeMounts"] = mounts,
                    }),
                ["volumes"] = volumes,
            },
        };
    }

    /// <summary>The posture line for the plan and the session banner.</summary>
    public static string Posture(Options o) =>
        $"host fs at /host: {(o.WritableHost ? "WRITABLE (--writable-host)" : "read-only")}; runtime socket: {(o.RuntimeSocketMount ? $"MOUNTED at {RuntimeSocket} (--runtime-socket)" : "not mounted")}; "
        + $"pod deleted by the cluster after {Cache.Duration.Format(o.Deadline)} (activeDeadlineSeconds) at the latest";

    /// <summary>True only for a pod carrying kstack's owned-by label and annotation and this session's label.</summary>
    public static bool IsOwnedBy(JsonElement pod, string session) =>
        Ownership.Of(pod) == Ownership.Mark.Both
        && pod.Str("metadata", "labels", SessionKey) == session;
}
