using System.Globalization;
using System.Text.Json;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Generation;

/// <summary>
/// The security side of a generated cluster, so /audit-security has work at scale: a ServiceAccount and a config Secret
/// per workload, per-namespace Roles, RoleBindings, TLS and registry Secrets, a few risky grants, and workloads whose
/// security contexts range from hardened to privileged. Drawn from its own random stream, so the rest of the cluster
/// (names, unhealthy pods, events) is the same as without it.
/// </summary>
internal sealed partial class ClusterGenerator
{
    /// <summary>How a workload's pods are secured; each maps to checks /audit-security should raise (or not).</summary>
    public enum Posture { Hardened, Default, RunsAsRoot, Privileged, HostAccess }

    private static Posture DrawPosture(Random sec)
    {
        var roll = sec.NextDouble();
        return roll < 0.60 ? Posture.Hardened : roll < 0.90 ? Posture.Default : roll < 0.95 ? Posture.RunsAsRoot : roll < 0.98 ? Posture.Privileged : Posture.HostAccess;
    }

    /// <summary>Hardened and root-running workloads get their own ServiceAccount; the rest run as the namespace's default one.</summary>
    private static string ServiceAccountFor(Posture posture, string app) => posture == Posture.Default ? "default" : app;

    private static void WritePodSecurityContext(Utf8JsonWriter w, Posture posture)
    {
        switch (posture)
        {
            case Posture.Hardened:
                w.WriteStartObject("securityContext");
                w.WriteBoolean("runAsNonRoot", true);
                w.WriteNumber("runAsUser", 10001);
                w.WriteNumber("runAsGroup", 10001);
                w.WriteNumber("fsGroup", 10001);
                w.WriteStartObject("seccompProfile"); w.WriteString("type", "RuntimeDefault"); w.WriteEndObject();
                w.WriteEndObject();
                w.WriteBoolean("automountServiceAccountToken", false);
                break;
            case Posture.RunsAsRoot:
                w.WriteStartObject("securityContext");
                w.WriteNumber("runAsUser", 0);
                w.WriteEndObject();
                break;
            case Posture.HostAccess:
                w.WriteBoolean("hostNetwork", true);
                w.WriteBoolean("hostPID", true);
                w.WriteStartObject("securityContext");
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("securityContext");
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteContainerSecurityContext(Utf8JsonWriter w, Posture posture)
    {
        switch (posture)
        {
            case Posture.Hardened:
                w.WriteStartObject("securityContext");
                w.WriteBoolean("allowPrivilegeEscalation", false);
                w.WriteBoolean("readOnlyRootFilesystem", true);
                w.WriteStartObject("capabilities"); w.WriteStartArray("drop"); w.WriteStringValue("ALL"); w.WriteEndArray(); w.WriteEndObject();
                w.WriteEndObject();
                break;
            case Posture.Privileged:
                w.WriteStartObject("securityContext");
                w.WriteBoolean("privileged", true);
                w.WriteStartObject("capabilities"); w.WriteStartArray("add"); w.WriteStringValue("NET_ADMIN"); w.WriteStringValue("SYS_ADMIN"); w.WriteEndArray(); w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>The hostPath volume a HostAccess workload mounts (the container runtime's socket, as node agents do).</summary>
    private static void WriteHostPathVolume(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", "containerd-sock");
        w.WriteStartObject("hostPath"); w.WriteString("path", "/run/containerd/containerd.sock"); w.WriteString("type", "Socket"); w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteHostPathMount(Utf8JsonWriter w)
    {
        w.WriteStartArray("volumeMounts");
        w.WriteStartObject(); w.WriteString("name", "containerd-sock"); w.WriteString("mountPath", "/run/containerd/containerd.sock"); w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>Writes one whole object (apiVersion, kind, metadata) with <paramref name="body"/> after the metadata.</summary>
    private delegate void ObjectBody(Utf8JsonWriter w);

    private static void WriteObject(Utf8JsonWriter w, string apiVersion, string kind, string ns, string name, string uid, long rv, DateTimeOffset created,
        KeyValuePair<string, string>[] labels, ObjectBody body)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", apiVersion);
        w.WriteString("kind", kind);
        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        if (ns.Length > 0) w.WriteString("namespace", ns);
        w.WriteString("uid", uid);
        w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", RelativeTime.Format(created));
        if (labels.Length > 0)
        {
            w.WriteStartObject("labels");
            foreach (var l in labels) w.WriteString(l.Key, l.Value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        body(w);
        w.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter w, string[] apiGroups, string[] resources, string[] verbs)
    {
        w.WriteStartObject();
        w.WriteStartArray("apiGroups"); foreach (var g in apiGroups) w.WriteStringValue(g); w.WriteEndArray();
        w.WriteStartArray("resources"); foreach (var r in resources) w.WriteStringValue(r); w.WriteEndArray();
        w.WriteStartArray("verbs"); foreach (var v in verbs) w.WriteStringValue(v); w.WriteEndArray();
        w.WriteEndObject();
    }

    private static ObjectBody Rules(params (string[] Groups, string[] Resources, string[] Verbs)[] rules) => w =>
    {
        w.WriteStartArray("rules");
        foreach (var (g, r, v) in rules) WriteRule(w, g, r, v);
        w.WriteEndArray();
    };

    private static ObjectBody Binding(string roleKind, string roleName, params (string Kind, string Name, string Ns)[] subjects) => w =>
    {
        w.WriteStartObject("roleRef");
        w.WriteString("apiGroup", "rbac.authorization.k8s.io");
        w.WriteString("kind", roleKind);
        w.WriteString("name", roleName);
        w.WriteEndObject();
        w.WriteStartArray("subjects");
        foreach (var (kind, name, ns) in subjects)
        {
            w.WriteStartObject();
            w.WriteString("kind", kind);
            w.WriteString("name", name);
            if (kind == "ServiceAccount") w.WriteString("namespace", ns);
            else w.WriteString("apiGroup", "rbac.authorization.k8s.io");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    };

    private static ObjectBody SecretBody(string type, Random sec, params string[] keys) => w =>
    {
        w.WriteString("type", type);
        w.WriteStartObject("data");
        Span<byte> raw = stackalloc byte[24];
        foreach (var k in keys)
        {
            sec.NextBytes(raw);
            w.WriteString(k, Convert.ToBase64String(Convert.ToBase64String(raw).Select(c => (byte)c).ToArray()));
        }
        w.WriteEndObject();
    };

    private static readonly string[] Core = [""];
    private static readonly string[] AppsGroup = ["apps"];
    private static readonly string[] Any = ["*"];
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["get", "list", "watch", "create", "update", "patch", "delete"];
}
