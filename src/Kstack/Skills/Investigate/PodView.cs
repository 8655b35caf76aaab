using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

internal sealed record Termination(string? Reason, int? ExitCode, int? Signal, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Message);

/// <summary>One container's spec essentials and status.</summary>
internal sealed record ContainerView(
    string Name, bool Init, string Image, bool Ready, int Restarts, string State, string? Reason, string? Message,
    DateTimeOffset? Since, Termination? Terminated, Termination? Last,
    IReadOnlyDictionary<string, string> Limits, IReadOnlyDictionary<string, string> Requests)
{
    public bool Waiting => State == "waiting";

    /// <summary>The termination that explains a crash: the current one if terminated, else the last one.</summary>
    public Termination? Crash => Terminated ?? Last;

    /// <summary>Whether a log may exist: the container ran at least once.</summary>
    public bool HasRun => State is "running" or "terminated" || Last is not null || Restarts > 0;
}

internal sealed record Condition(string Type, string Status, string? Reason, string? Message, DateTimeOffset? Since);

/// <summary>A pod's essentials for the bundle and the findings.</summary>
internal sealed record PodView(
    string Namespace, string Name, string Uid, string Phase, string? Reason, string? Message, string? NodeName,
    DateTimeOffset? Created, IReadOnlyDictionary<string, string> Labels, OwnerRef? Owner, IReadOnlyList<Condition> Conditions,
    IReadOnlyList<ContainerView> Containers, PodRefs Refs, IReadOnlyDictionary<string, string> RequestTotals)
{
    public Condition? ConditionOf(string type) => Conditions.FirstOrDefault(c => c.Type == type);
    public bool Ready => ConditionOf("Ready")?.Status == "True";
    public int Restarts => Containers.Sum(c => c.Restarts);
    public bool Unschedulable => ConditionOf("PodScheduled") is { Status: "False", Reason: "Unschedulable" };

    /// <summary>Higher is worse; used to pick which pods of a workload get logs.</summary>
    public int Badness =>
        (Phase is "Succeeded" ? -10 : 0) + (Ready ? 0 : 10) + (Containers.Any(c => c.Waiting) ? 5 : 0) + Math.Min(Restarts, 50) / 5
        + (Phase is "Failed" or "Pending" ? 3 : 0);

    public static PodView From(JsonElement pod)
    {
        var specs = new Dictionary<string, JsonElement>();
        foreach (var c in pod.Array("spec", "containers").Concat(pod.Array("spec", "initContainers")))
            if (c.Str("name") is { } n) specs.TryAdd(n, c);
        var inits = pod.Array("spec", "initContainers").Select(c => c.Str("name")).OfType<string>().ToHashSet();
        var containers = new List<ContainerView>();
        var seen = new HashSet<string>();
        foreach (var cs in pod.Array("status", "initContainerStatuses").Concat(pod.Array("status", "containerStatuses")))
        {
            var name = cs.Str("name") ?? "";
            seen.Add(name);
            specs.TryGetValue(name, out var spec);
            containers.Add(Container(name, inits.Contains(name), spec, cs));
        }
        foreach (var (name, spec) in specs)
            if (!seen.Contains(name)) containers.Add(Container(name, inits.Contains(name), spec, null));

        var totals = new Dictionary<string, decimal>();
        var raw = new Dictionary<string, string>();
        foreach (var c in pod.Array("spec", "containers"))
        foreach (var r in c.Props("resources", "requests"))
        {
            if (r.Value.ValueKind != JsonValueKind.String) continue;
            var text = r.Value.GetString()!;
            if (Quantity.TryParse(text, out var v)) totals[r.Name] = totals.GetValueOrDefault(r.Name) + v;
            raw[r.Name] = raw.ContainsKey(r.Name) ? "" : text;
        }
        var requestTotals = totals.ToDictionary(t => t.Key, t => raw[t.Key] is { Length: > 0 } single ? single : Quantity.Format(t.Key, t.Value));

        return new PodView(
            pod.Str("metadata", "namespace") ?? "", pod.Str("metadata", "name") ?? "", pod.Str("metadata", "uid") ?? "",
            pod.Str("status", "phase") ?? "Unknown", pod.Str("status", "reason"), pod.Str("status", "message"), pod.Str("spec", "nodeName"),
            pod.Time("metadata", "creationTimestamp"), StringMap(pod, "metadata", "labels"), OwnerIndex.ControllerOf(pod),
            pod.Array("status", "conditions").Select(c => new Condition(c.Str("type") ?? "", c.Str("status") ?? "Unknown", c.Str("reason"),
                c.Str("message"), c.Time("lastTransitionTime"))).ToList(),
            containers, PodRefs.From(pod.Get("spec")), requestTotals);
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonElement e, params string[] path) =>
        e.Props(path).Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static ContainerView Container(string name, bool init, JsonElement spec, JsonElement? cs)
    {
        string state = "none";
        string? reason = null, message = null;
        DateTimeOffset? since = null;
        Termination? terminated = null, last = null;
        if (cs is { } s)
        {
            if (s.Get("state", "running") is { } run) { state = "running"; since = run.Time("startedAt"); }
            else if (s.Get("state", "waiting") is { } w) { state = "waiting"; reason = w.Str("reason"); message = w.Str("message"); }
            else if (s.Get("state", "terminated") is { } t) { state = "terminated"; terminated = Term(t); reason = terminated.Reason; since = terminated.FinishedAt; }
            if (s.Get("lastState", "terminated") is { } lt) last = Term(lt);
        }
        return new ContainerView(name, init, cs?.Str("image") ?? spec.Str("image") ?? "", cs?.Bool("ready") ?? false,
            (int)(cs?.Long("restartCount") ?? 0), state, reason, message, since, terminated, last,
            StringMap(spec, "resources", "limits"), StringMap(spec, "resources", "requests"));
    }

    private static Termination Term(JsonElement t) =>
        new(t.Str("reason"), (int?)t.Long("exitCode"), (int?)t.Long("signal"), t.Time("startedAt"), t.Time("finishedAt"), t.Str("message"));
}

internal sealed record PodRef(string Kind, string Name, string Usage, bool Optional);

/// <summary>Objects a pod spec refers to by name: ConfigMaps, Secrets, PVCs and the ServiceAccount.</summary>
internal sealed record PodRefs(IReadOnlyList<PodRef> Items, string ServiceAccount)
{
    public static PodRefs From(JsonElement? spec)
    {
        var items = new List<PodRef>();
        if (spec is not { } s) return new PodRefs(items, "default");
        void Add(string kind, string? name, string usage, bool optional)
        {
            if (string.IsNullOrEmpty(name) || items.Any(i => i.Kind == kind && i.Name == name)) return;
            items.Add(new PodRef(kind, name, usage, optional));
        }
        foreach (var v in s.Array("volumes"))
        {
            var vol = v.Str("name") ?? "";
            if (v.Get("configMap") is { } cm) Add("ConfigMap", cm.Str("name"), $"volume {vol}", cm.Bool("optional"));
            if (v.Get("secret") is { } sec) Add("Secret", sec.Str("secretName"), $"volume {vol}", sec.Bool("optional"));
            if (v.Get("persistentVolumeClaim") is { } pvc) Add("PersistentVolumeClaim", pvc.Str("claimName"), $"volume {vol}", false);
            foreach (var src in v.Array("projected", "sources"))
            {
                if (src.Get("configMap") is { } pcm) Add("ConfigMap", pcm.Str("name"), $"volume {vol}", pcm.Bool("optional"));
                if (src.Get("secret") is { } psec) Add("Secret", psec.Str("name"), $"volume {vol}", psec.Bool("optional"));
            }
        }
        foreach (var c in s.Array("initContainers").Concat(s.Array("containers")))
        {
            var cname = c.Str("name") ?? "";
            foreach (var ef in c.Array("envFrom"))
            {
                if (ef.Get("configMapRef") is { } r1) Add("ConfigMap", r1.Str("name"), $"envFrom in {cname}", r1.Bool("optional"));
                if (ef.Get("secretRef") is { } r2) Add("Secret", r2.Str("name"), $"envFrom in {cname}", r2.Bool("optional"));
            }
            foreach (var e in c.Array("env"))
            {
                if (e.Get("valueFrom", "configMapKeyRef") is { } k1) Add("ConfigMap", k1.Str("name"), $"env in {cname}", k1.Bool("optional"));
                if (e.Get("valueFrom", "secretKeyRef") is { } k2) Add("Secret", k2.Str("name"), $"env in {cname}", k2.Bool("optional"));
            }
        }
        foreach (var ips in s.Array("imagePullSecrets")) Add("Secret", ips.Str("name"), "imagePullSecrets", false);
        var sa = s.Str("serviceAccountName") ?? s.Str("serviceAccount");
        return new PodRefs(items, string.IsNullOrEmpty(sa) ? "default" : sa);
    }
}
