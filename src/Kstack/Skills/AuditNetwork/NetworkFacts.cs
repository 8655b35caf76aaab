using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditNetwork;

internal sealed record PortFacts(string? Name, int Number, string Protocol);

/// <summary>What the network audit keeps of one pod: labels, declared ports, readiness and its top-level workload.</summary>
internal sealed record PodFacts(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<PortFacts> Ports,
    bool Running, bool Ready, string? Node, ObjectRef Workload)
{
    public static PodFacts? From(JsonElement pod, OwnerIndex owners)
    {
        var ns = pod.Str("metadata", "namespace") ?? "";
        var name = pod.Str("metadata", "name") ?? "";
        var phase = pod.Str("status", "phase");
        if (phase is "Succeeded" or "Failed") return null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in pod.Props("metadata", "labels"))
            if (p.Value.ValueKind == JsonValueKind.String) labels[p.Name] = p.Value.GetString() ?? "";
        var ports = new List<PortFacts>();
        foreach (var c in pod.Array("spec", "containers").Concat(pod.Array("spec", "initContainers").Where(i => i.Str("restartPolicy") == "Always")))
        foreach (var p in c.Array("ports"))
            if (p.Long("containerPort") is { } n)
                ports.Add(new PortFacts(p.Str("name") is { Length: > 0 } pn ? pn : null, (int)n, p.Str("protocol") ?? "TCP"));
        var ready = pod.Array("status", "conditions").Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");
        var chain = owners.Chain(ns, "Pod", name, OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"));
        var workload = chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name);
        return new PodFacts(ns, name, labels, ports, phase == "Running", ready, pod.Str("spec", "nodeName"), workload);
    }

    public bool Declares(string portName, string protocol) => Ports.Any(p => p.Name == portName && p.Protocol == protocol);
}

/// <summary>Ready and not-ready endpoint counts of one Service, from its EndpointSlices (or v1 Endpoints as the fallback).</summary>
internal sealed class EndpointCounts
{
    public int Ready;
    public int NotReady;

    public static void AddSlice(Dictionary<(string, string), EndpointCounts> into, JsonElement item)
    {
        var ns = item.Str("metadata", "namespace") ?? "";
        if (item.Str("kind") == "Endpoints")
        {
            var counts = Get(into, ns, item.Str("metadata", "name") ?? "");
            foreach (var s in item.Array("subsets"))
            {
                counts.Ready += s.Array("addresses").Count();
                counts.NotReady += s.Array("notReadyAddresses").Count();
            }
            return;
        }
        if (item.Str("metadata", "labels", "kubernetes.io/service-name") is not { Length: > 0 } service) return;
        var c = Get(into, ns, service);
        foreach (var ep in item.Array("endpoints"))
            // ready unset means ready (discovery.k8s.io/v1: "nil should be interpreted as true").
            if (ep.Get("conditions", "ready") is { ValueKind: JsonValueKind.False }) c.NotReady++;
            else c.Ready++;
    }

    private static EndpointCounts Get(Dictionary<(string, string), EndpointCounts> into, string ns, string name)
    {
        if (!into.TryGetValue((ns, name), out var c)) into[(ns, name)] = c = new EndpointCounts();
        return c;
    }
}
