using System.Net;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Logs;

/// <summary>Turns a target as the user wrote it into a log query: pod, workload, label selector or namespace.</summary>
public static class TargetResolver
{
    private static readonly Dictionary<string, (string Group, string Plural, string Kind)> Workloads = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deployment"] = ("apps/v1", "deployments", "deployment"), ["deployments"] = ("apps/v1", "deployments", "deployment"),
        ["deploy"] = ("apps/v1", "deployments", "deployment"),
        ["statefulset"] = ("apps/v1", "statefulsets", "statefulset"), ["statefulsets"] = ("apps/v1", "statefulsets", "statefulset"),
        ["sts"] = ("apps/v1", "statefulsets", "statefulset"),
        ["daemonset"] = ("apps/v1", "daemonsets", "daemonset"), ["daemonsets"] = ("apps/v1", "daemonsets", "daemonset"),
        ["ds"] = ("apps/v1", "daemonsets", "daemonset"),
        ["replicaset"] = ("apps/v1", "replicasets", "replicaset"), ["replicasets"] = ("apps/v1", "replicasets", "replicaset"),
        ["rs"] = ("apps/v1", "replicasets", "replicaset"),
        ["job"] = ("batch/v1", "jobs", "job"), ["jobs"] = ("batch/v1", "jobs", "job"),
    };

    public static async Task<LogQuery> ResolveAsync(KubeApi api, string text, string ns, CancellationToken ct)
    {
        if (text.Contains(' ') && !text.Contains(" in (") && !text.Contains(" notin ("))
            throw KstackException.User($"Give one target, not a sentence: a pod, deployment/NAME, a label selector like app=web, or namespace/NAME (got `{TerminalText.Clean(text)}`). Pass --since, --grep and --container as flags.");
        if (text.Contains('='))
            return new LogQuery { Namespace = ns, Selector = text, Target = text };
        var slash = text.IndexOf('/');
        if (slash > 0)
        {
            var kind = text[..slash];
            var name = text[(slash + 1)..];
            if (name.Length == 0 || name.Contains('/')) throw KstackException.User($"Cannot read target `{TerminalText.Clean(text)}`: use KIND/NAME.");
            if (kind is "namespace" or "namespaces" or "ns")
            {
                using var nsDoc = await GetAsync(api, $"/api/v1/namespaces/{Uri.EscapeDataString(name)}", "namespace", ct)
                                  ?? throw KstackException.User($"Namespace {TerminalText.Clean(name)} not found in context `{api.ContextName}`.");
                return new LogQuery { Namespace = name, Selector = "", Target = $"namespace/{name}" };
            }
            if (kind is "pod" or "pods" or "po")
            {
                using var pod = await GetAsync(api, PodPath(ns, name), "pod", ct)
                                ?? throw KstackException.User($"Pod {TerminalText.Clean(ns)}/{TerminalText.Clean(name)} not found in context `{api.ContextName}`.");
                return new LogQuery { Namespace = ns, Pods = [name], Target = $"pod/{name}" };
            }
            if (!Workloads.TryGetValue(kind, out var w))
                throw KstackException.User($"Unsupported kind `{TerminalText.Clean(kind)}`: use pod/, deployment/, statefulset/, daemonset/, replicaset/, job/ or namespace/.");
            return await WorkloadAsync(api, ns, w, name, ct)
                   ?? throw KstackException.User($"{w.Kind} {TerminalText.Clean(ns)}/{TerminalText.Clean(name)} not found in context `{api.ContextName}`.");
        }
        using (var pod = await GetAsync(api, PodPath(ns, text), "pod", ct))
            if (pod is not null) return new LogQuery { Namespace = ns, Pods = [text], Target = $"pod/{text}" };
        foreach (var kind in new[] { "deployment", "statefulset", "daemonset" })
            if (await WorkloadAsync(api, ns, Workloads[kind], text, ct) is { } q) return q;
        throw KstackException.User($"No pod, deployment, statefulset or daemonset named `{TerminalText.Clean(text)}` in namespace {TerminalText.Clean(ns)} (context `{api.ContextName}`). Pass -n <namespace> or a KIND/NAME.");
    }

    private static async Task<LogQuery?> WorkloadAsync(KubeApi api, string ns, (string Group, string Plural, string Kind) w, string name, CancellationToken ct)
    {
        using var doc = await GetAsync(api, $"/apis/{w.Group}/namespaces/{Uri.EscapeDataString(ns)}/{w.Plural}/{Uri.EscapeDataString(name)}", w.Kind, ct);
        if (doc is null) return null;
        var selector = LogQuery.SelectorOf(doc.RootElement);
        if (selector.Length == 0) throw KstackException.User($"{w.Kind} {TerminalText.Clean(name)} has no pod selector.");
        return new LogQuery { Namespace = ns, Selector = selector, Target = $"{w.Kind}/{name}" };
    }

    public static string PodPath(string ns, string name) => $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(name)}";

    /// <summary>A GET that maps 404 to null and RBAC denials to a user error.</summary>
    public static async Task<JsonDocument?> GetAsync(KubeApi api, string path, string noun, CancellationToken ct)
    {
        try { return await api.GetJsonAsync(path, noun, ct); }
        catch (ApiStatusException e) when (e.Code is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw KstackException.User($"RBAC denies reading the {noun} in context `{api.ContextName}`: {TerminalText.Clean(Kubeconfig.FirstLine(e.Message))}");
        }
    }

    /// <summary>deployment/web → deployments/web (kubetail's source path).</summary>
    public static string KubetailPath(string target)
    {
        var slash = target.IndexOf('/');
        var kind = target[..slash];
        return (Workloads.TryGetValue(kind, out var w) ? w.Plural : kind == "pod" ? "pods" : kind) + target[slash..];
    }
}
