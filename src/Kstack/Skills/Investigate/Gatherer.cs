using System.Collections.Concurrent;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

/// <summary>
/// Gathers the evidence around a resolved target, in parallel and read-only: owner chain up and down, one namespace-wide
/// event list filtered to the chain, container logs (tail 200, narrowed, redacted), the Services selecting the pods with
/// endpoint counts, referenced ConfigMaps/Secrets/ServiceAccount by metadata only, PVCs and nodes. Every part is optional:
/// what could not be read is recorded, not fatal.
/// </summary>
internal sealed class Gatherer(KubeApi api, string context, TimeProvider time)
{
    public const int MaxPods = 50;
    public const int FocusPods = 3;
    public const int MaxRefs = 20;
    public const int MaxNodes = 3;
    public const int MaxEvents = 100;
    public const int TailLines = 200;
    public const int MaxLogBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, string> _unreadable = new();

    public async Task<Investigation> GatherAsync(Resolved t, CancellationToken ct)
    {
        var ns = t.Namespace;
        var eventsTask = ListEventsAsync(ns, ct);
        var servicesTask = api.ListAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/services", ApiAction.List("services", ns), ct);
        var slicesTask = api.ListAsync($"/apis/discovery.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/endpointslices", ApiAction.List("endpointslices", ns), ct);
        var upTask = WalkUpAsync(t.Object, ns, ct);
        var (intermediates, allPods) = await WalkDownAsync(t, ct);

        var pods = allPods.OrderByDescending(p => p.Badness).ThenBy(p => p.Name, StringComparer.Ordinal).Take(MaxPods).ToList();
        var focus = pods.Where(p => p.Phase != "Succeeded" || pods.Count == 1).Take(FocusPods).ToList();
        var template = t.Kind == KindInfo.Pod ? null : TemplateSpec(t.Object);
        var refs = focus.Count > 0
            ? focus.SelectMany(p => p.Refs.Items).DistinctBy(r => (r.Kind, r.Name)).ToList()
            : PodRefs.From(template).Items.ToList();
        var serviceAccount = focus.FirstOrDefault()?.Refs.ServiceAccount ?? PodRefs.From(template).ServiceAccount;

        var logsTask = LogsAsync(focus, ct);
        var refsTask = RefsAsync(ns, refs.Take(MaxRefs).ToList(), serviceAccount, ct);
        var nodesTask = NodesAsync(focus.Select(p => p.NodeName).OfType<string>().Distinct().Take(MaxNodes).ToList(), ct);
        var labelSets = pods.Count > 0 ? pods.Select(p => p.Labels).ToList()
            : template is null ? [] : [PodView.StringMap(t.Object, "spec", "template", "metadata", "labels")];
        var services = await ServicesAsync(ns, labelSets, await servicesTask, await slicesTask, ct);
        var owners = await upTask;
        var refViews = await refsTask;

        var target = t.Kind == KindInfo.Pod ? PodObject(pods[0]) : ObjectView.From(t.Kind.Kind, t.Object);
        var uids = new HashSet<string>(owners.Concat(intermediates).Select(o => o.Uid).Append(target.Uid)
            .Concat(pods.Select(p => p.Uid)).Concat(refViews.Select(r => r.Uid ?? "")).Where(u => u.Length > 0));
        var names = new HashSet<(string, string)>(owners.Concat(intermediates).Select(o => (o.Kind, o.Name)).Append((target.Kind, target.Name))
            .Concat(pods.Select(p => ("Pod", p.Name))).Concat(refViews.Where(r => r.Kind == "PersistentVolumeClaim").Select(r => (r.Kind, r.Name))));
        var events = FilterEvents(await eventsTask, uids, names);

        return new Investigation(context, t.Kind, ns, t.Name, target, owners, intermediates, pods, allPods.Count, events,
            await logsTask, services, refViews, await nodesTask,
            _unreadable.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => new Unreadable(u.Key, u.Value)).ToList(), time.GetUtcNow());
    }

    private static ObjectView PodObject(PodView p) =>
        new("Pod", p.Namespace, p.Name, p.Uid, p.Owner,
            $"{Envelope.DataText.Token(p.Phase, 30)} · ready {p.Containers.Count(c => !c.Init && c.Ready)}/{p.Containers.Count(c => !c.Init)} · restarts {p.Restarts}", p.Conditions);

    private static JsonElement? TemplateSpec(JsonElement o) =>
        o.Get("spec", "template", "spec") ?? o.Get("spec", "jobTemplate", "spec", "template", "spec");

    /// <summary>Records why a part is missing; the part name is what the bundle and the content show.</summary>
    private void Unread<T>(string part, Read<T> r) => _unreadable.TryAdd(part, r.Problem?.ScopedReason ?? "request failed");

    private async Task<List<ObjectView>> WalkUpAsync(JsonElement obj, string ns, CancellationToken ct)
    {
        var chain = new List<ObjectView>();
        var current = obj;
        while (chain.Count < 4 && OwnerIndex.ControllerOf(current) is { } owner)
        {
            if (KindInfo.PodsAndWorkloads.FirstOrDefault(k => k.Kind == owner.Kind) is not { } kind)
            {
                chain.Add(new ObjectView(owner.Kind, ns, owner.Name, "", null, "", []));
                break;
            }
            var r = await api.GetAsync(kind.ItemPath(ns, owner.Name), ApiAction.Get(kind.Plural, ns), ct);
            if (!r.Ok)
            {
                Unread(owner.ToString(), r);
                chain.Add(ObjectView.Unread(owner.Kind, ns, owner.Name));
                break;
            }
            chain.Add(ObjectView.From(kind.Kind, r.Value));
            current = r.Value;
        }
        return chain;
    }

    /// <summary>For a workload: the ReplicaSets/Jobs it owns (current ones) and their pods; for a pod, itself.</summary>
    private async Task<(List<ObjectView> Intermediates, List<PodView> Pods)> WalkDownAsync(Resolved t, CancellationToken ct)
    {
        if (t.Kind == KindInfo.Pod) return ([], [PodView.From(t.Object)]);
        var uid = t.Object.Str("metadata", "uid") ?? "";
        var selector = MatchLabels(t.Object);
        var intermediates = new List<ObjectView>();
        HashSet<string> ownerUids = [uid];
        if (t.Kind == KindInfo.Deployment || t.Kind == KindInfo.CronJob)
        {
            var mid = t.Kind == KindInfo.Deployment ? KindInfo.ReplicaSet : KindInfo.Job;
            var list = await api.ListAsync(mid.ListPath(t.Namespace), ApiAction.List(mid.Plural, t.Namespace), ct, t.Kind == KindInfo.Deployment ? selector : null);
            if (!list.Ok)
            {
                Unread(mid.Plural, list);
                return ([], []);
            }
            var owned = list.Value!.Where(i => ControllerUid(i) == uid).ToList();
            var current = owned.Where(i => mid == KindInfo.Job || (i.Long("spec", "replicas") ?? 0) > 0 || (i.Long("status", "replicas") ?? 0) > 0)
                .OrderByDescending(i => i.Time("metadata", "creationTimestamp")).Take(5).ToList();
            intermediates.AddRange(current.Select(i => ObjectView.From(mid.Kind, i)));
            ownerUids = owned.Select(i => i.Str("metadata", "uid") ?? "").ToHashSet();
            if (t.Kind == KindInfo.CronJob) selector = null;
        }
        var pods = await api.ListAsync(KindInfo.Pod.ListPath(t.Namespace), ApiAction.List("pods", t.Namespace), ct, selector);
        if (!pods.Ok)
        {
            Unread("pods", pods);
            return (intermediates, []);
        }
        return (intermediates, pods.Value!.Where(p => ownerUids.Contains(ControllerUid(p) ?? "")).Select(PodView.From).ToList());
    }

    private static string? MatchLabels(JsonElement o)
    {
        var labels = o.Props("spec", "selector", "matchLabels").Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => $"{p.Name}={p.Value.GetString()}").ToList();
        return labels.Count == 0 ? null : string.Join(",", labels);
    }

    private static string? ControllerUid(JsonElement o)
    {
        string? first = null;
        foreach (var r in o.Array("metadata", "ownerReferences"))
        {
            if (r.Bool("controller")) return r.Str("uid");
            first ??= r.Str("uid");
        }
        return first;
    }

    /// <summary>One namespace-wide list (events.k8s.io/v1, else core v1), filtered later to the chain.</summary>
    private async Task<List<JsonElement>> ListEventsAsync(string ns, CancellationToken ct)
    {
        var modern = await api.ListAsync($"/apis/events.k8s.io/v1/namespaces/{Uri.EscapeDataString(ns)}/events", ApiAction.List("events", ns), ct);
        if (modern.Ok) return modern.Value!;
        var core = await api.ListAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/events", ApiAction.List("events", ns), ct);
        if (core.Ok) return core.Value!;
        Unread("events", core);
        return [];
    }

    private static List<ChainEvent> FilterEvents(List<JsonElement> items, HashSet<string> uids, HashSet<(string, string)> names)
    {
        var result = new List<ChainEvent>();
        foreach (var e in items)
        {
            var obj = e.Get("regarding") ?? e.Get("involvedObject");
            var uid = obj?.Str("uid");
            var facts = EventFacts.From(e);
            var match = uid is { Length: > 0 } ? uids.Contains(uid) : names.Contains((facts.Kind, facts.ObjectName));
            if (match) result.Add(new ChainEvent(facts, uid));
        }
        return result.OrderBy(e => e.Facts.Type == "Warning" ? 0 : 1).ThenByDescending(e => e.Facts.Last).Take(MaxEvents).ToList();
    }

    private async Task<List<LogView>> LogsAsync(List<PodView> focus, CancellationToken ct)
    {
        var tasks = new List<Task<LogView>>();
        foreach (var pod in focus)
        foreach (var c in pod.Containers.Where(c => !c.Init || c.Crash is { ExitCode: not 0 }).Take(4))
        {
            if (!c.HasRun)
            {
                tasks.Add(Task.FromResult(new LogView(pod.Name, c.Name, false, null, $"no log: the container has not started ({c.Reason ?? c.State})")));
                continue;
            }
            tasks.Add(LogAsync(pod, c.Name, false, ct));
            if (c.Restarts > 0 || c.Last is not null) tasks.Add(LogAsync(pod, c.Name, true, ct));
        }
        return (await Task.WhenAll(tasks)).ToList();
    }

    private async Task<LogView> LogAsync(PodView pod, string container, bool previous, CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(pod.Namespace)}/pods/{Uri.EscapeDataString(pod.Name)}/log"
                   + $"?container={Uri.EscapeDataString(container)}&tailLines={TailLines}&limitBytes={MaxLogBytes}" + (previous ? "&previous=true" : "");
        var r = await api.TextAsync(path, ApiAction.Get("pods/log", pod.Namespace), MaxLogBytes, ct);
        if (r.Ok) return new LogView(pod.Name, container, previous, LogNarrower.Narrow(r.Value!), null);
        if (r.Outcome == ReadOutcome.Forbidden) Unread("logs", r);
        return new LogView(pod.Name, container, previous, null, r.Outcome == ReadOutcome.Forbidden ? "not readable (RBAC)" : Kubeconfig.FirstLine(r.Problem?.Detail ?? "no log"));
    }

    private async Task<List<RefView>> RefsAsync(string ns, List<PodRef> refs, string serviceAccount, CancellationToken ct)
    {
        var all = refs.Append(new PodRef("ServiceAccount", serviceAccount, "spec.serviceAccountName", false)).ToList();
        var results = await Task.WhenAll(all.Select(async r =>
        {
            var (plural, metadataOnly) = r.Kind switch
            {
                "ConfigMap" => ("configmaps", true),
                "Secret" => ("secrets", true),
                "ServiceAccount" => ("serviceaccounts", true),
                _ => ("persistentvolumeclaims", false),
            };
            var path = $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/{plural}/{Uri.EscapeDataString(r.Name)}";
            // ConfigMaps, Secrets and ServiceAccounts: existence only, never their data.
            var got = await api.GetAsync(path, ApiAction.Get(plural, ns), ct, metadataOnly ? KubeApi.MetadataAccept : null);
            if (got.Ok)
            {
                var v = got.Value;
                var detail = r.Kind == "PersistentVolumeClaim"
                    ? $"{v.Str("status", "phase") ?? "Unknown"}" + (v.Str("spec", "storageClassName") is { } sc ? $" · class {sc}" : "")
                      + (v.Str("spec", "volumeName") is { Length: > 0 } pv ? $" · volume {pv}" : "")
                    : null;
                return new RefView(r.Kind, r.Name, "present", detail, r.Usage, r.Optional, v.Str("metadata", "uid"));
            }
            if (got.Outcome == ReadOutcome.NotFound) return new RefView(r.Kind, r.Name, "missing", null, r.Usage, r.Optional);
            Unread(plural, got);
            return new RefView(r.Kind, r.Name, "unreadable", got.Outcome == ReadOutcome.Forbidden ? "RBAC" : got.Problem!.Reason, r.Usage, r.Optional);
        }));
        return results.ToList();
    }

    private async Task<List<NodeFacts>> NodesAsync(List<string> names, CancellationToken ct)
    {
        var results = await Task.WhenAll(names.Select(n => api.GetAsync($"/api/v1/nodes/{Uri.EscapeDataString(n)}", ApiAction.Get("nodes"), ct)));
        var nodes = new List<NodeFacts>();
        for (var i = 0; i < names.Count; i++)
        {
            if (results[i].Ok) nodes.Add(NodeFacts.From(results[i].Value));
            else Unread("nodes", results[i]);
        }
        return nodes;
    }

    /// <summary>Services whose selector matches the pods, with ready / not-ready endpoint counts (EndpointSlices, else Endpoints).</summary>
    private async Task<List<ServiceView>> ServicesAsync(string ns, List<IReadOnlyDictionary<string, string>> labelSets,
        Read<List<JsonElement>> services, Read<List<JsonElement>> slices, CancellationToken ct)
    {
        if (!services.Ok)
        {
            Unread("services", services);
            return [];
        }
        var selecting = services.Value!.Where(s =>
        {
            var sel = s.Props("spec", "selector").Where(p => p.Value.ValueKind == JsonValueKind.String).ToList();
            return sel.Count > 0 && labelSets.Any(l => sel.All(p => l.TryGetValue(p.Name, out var v) && v == p.Value.GetString()));
        }).Select(s => s.Str("metadata", "name") ?? "").Where(n => n.Length > 0).Take(10).ToList();
        if (slices.Ok)
        {
            return selecting.Select(name =>
            {
                int ready = 0, notReady = 0;
                foreach (var slice in slices.Value!.Where(sl => sl.Str("metadata", "labels", "kubernetes.io/service-name") == name))
                foreach (var ep in slice.Array("endpoints"))
                {
                    if (ep.Get("conditions", "ready") is { ValueKind: JsonValueKind.False }) notReady++;
                    else ready++;
                }
                return new ServiceView(name, ready, notReady, "EndpointSlice");
            }).ToList();
        }
        var views = await Task.WhenAll(selecting.Select(async name =>
        {
            var ep = await api.GetAsync($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/endpoints/{Uri.EscapeDataString(name)}", ApiAction.Get("endpoints", ns), ct);
            if (ep.Ok)
                return new ServiceView(name, ep.Value.Array("subsets").Sum(s => s.Array("addresses").Count()),
                    ep.Value.Array("subsets").Sum(s => s.Array("notReadyAddresses").Count()), "Endpoints");
            if (ep.Outcome == ReadOutcome.NotFound) return new ServiceView(name, 0, 0, "Endpoints", "no Endpoints object");
            Unread("endpoints", ep);
            return new ServiceView(name, 0, 0, "none", "endpoints not readable");
        }));
        return views.ToList();
    }
}
