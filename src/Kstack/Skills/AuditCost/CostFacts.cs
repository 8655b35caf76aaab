using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditCost;

/// <summary>One container's resources as the pod (or template) declares them; null = not set. CPU in cores, memory in bytes.</summary>
internal sealed record ContainerResources(string Name, int Index, decimal? CpuRequest, decimal? MemoryRequest, decimal? CpuLimit, decimal? MemoryLimit)
{
    public static ContainerResources From(JsonElement c, int index) => new(c.Str("name") ?? "", index,
        Q(c, "requests", "cpu"), Q(c, "requests", "memory"), Q(c, "limits", "cpu"), Q(c, "limits", "memory"));

    private static decimal? Q(JsonElement c, string kind, string resource) =>
        c.Str("resources", kind, resource) is { Length: > 0 } s && Quantity.TryParse(s, out var v) ? v : null;
}

/// <summary>What the cost audit keeps of one pod: placement, readiness, its top workload, resources and the claims it mounts.</summary>
internal sealed record CostPod(string Namespace, string Name, string Phase, bool Ready, DateTimeOffset? ReadySince, DateTimeOffset? Created,
    string? Node, ObjectRef Workload, IReadOnlyList<ContainerResources> Containers, decimal CpuRequest, decimal MemoryRequest,
    IReadOnlyList<string> Claims)
{
    public bool Terminal => Phase is "Succeeded" or "Failed";

    public string Key => Namespace + "/" + Name;

    public static CostPod From(JsonElement pod, OwnerIndex owners)
    {
        var ns = pod.Str("metadata", "namespace") ?? "";
        var name = pod.Str("metadata", "name") ?? "";
        var chain = owners.Chain(ns, "Pod", name, OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"));
        var workload = chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name);
        var ready = pod.Array("status", "conditions").FirstOrDefault(c => c.Str("type") == "Ready");
        var containers = pod.Array("spec", "containers").Select((c, i) => ContainerResources.From(c, i)).ToList();
        var (cpu, memory) = EffectiveRequests(pod);
        var claims = new List<string>();
        foreach (var v in pod.Array("spec", "volumes"))
        {
            if (v.Str("persistentVolumeClaim", "claimName") is { Length: > 0 } claim) claims.Add(claim);
            // A generic ephemeral volume's claim is named <pod>-<volume> (and owned by the pod).
            else if (v.Get("ephemeral") is not null && v.Str("name") is { Length: > 0 } vol) claims.Add(name + "-" + vol);
        }
        return new CostPod(ns, name, pod.Str("status", "phase") ?? "", ready.ValueKind == JsonValueKind.Object && ready.Str("status") == "True",
            ready.ValueKind == JsonValueKind.Object ? ready.Time("lastTransitionTime") : null, pod.Time("metadata", "creationTimestamp"),
            pod.Str("spec", "nodeName") is { Length: > 0 } node ? node : null, workload, containers, cpu, memory, claims);
    }

    /// <summary>
    /// What the scheduler reserves for a pod: the larger of the containers' sum (sidecar init containers included) and
    /// each regular init container with the sidecars started before it, plus the pod overhead.
    /// </summary>
    public static (decimal Cpu, decimal Memory) EffectiveRequests(JsonElement pod)
    {
        static decimal R(JsonElement c, string resource) =>
            c.Str("resources", "requests", resource) is { Length: > 0 } s && Quantity.TryParse(s, out var v) ? v
            : c.Str("resources", "limits", resource) is { Length: > 0 } l && Quantity.TryParse(l, out var lv) ? lv : 0;
        decimal cpu = 0, memory = 0, sidecarCpu = 0, sidecarMemory = 0, initCpu = 0, initMemory = 0;
        foreach (var i in pod.Array("spec", "initContainers"))
        {
            if (i.Str("restartPolicy") == "Always") { sidecarCpu += R(i, "cpu"); sidecarMemory += R(i, "memory"); continue; }
            initCpu = Math.Max(initCpu, sidecarCpu + R(i, "cpu"));
            initMemory = Math.Max(initMemory, sidecarMemory + R(i, "memory"));
        }
        foreach (var c in pod.Array("spec", "containers")) { cpu += R(c, "cpu"); memory += R(c, "memory"); }
        cpu = Math.Max(cpu + sidecarCpu, initCpu);
        memory = Math.Max(memory + sidecarMemory, initMemory);
        foreach (var o in pod.Props("spec", "overhead"))
            if (o.Value.ValueKind == JsonValueKind.String && Quantity.TryParse(o.Value.GetString()!, out var v))
            {
                if (o.Name == "cpu") cpu += v;
                else if (o.Name == "memory") memory += v;
            }
        return (cpu, memory);
    }
}

/// <summary>A node's allocatable CPU (cores) and memory (bytes), and the pool it belongs to by its provider's label.</summary>
internal sealed record CostNode(string Name, decimal Cpu, decimal Memory, string? PoolLabel, string? Pool, bool ControlPlane)
{
    /// <summary>Node pool labels, most specific first: Karpenter, EKS managed node groups, GKE, AKS, kOps instance groups.</summary>
    public static readonly string[] PoolLabels =
    [
        "karpenter.sh/nodepool", "eks.amazonaws.com/nodegroup", "cloud.google.com/gke-nodepool", "kubernetes.azure.com/agentpool",
        "kops.k8s.io/instancegroup",
    ];

    public static CostNode From(JsonElement node)
    {
        decimal A(string r) => node.Str("status", "allocatable", r) is { Length: > 0 } s && Quantity.TryParse(s, out var v) ? v : 0;
        var labels = node.Props("metadata", "labels").Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var poolLabel = PoolLabels.FirstOrDefault(l => labels.TryGetValue(l, out var v) && v.Length > 0);
        return new CostNode(node.Str("metadata", "name") ?? "", A("cpu"), A("memory"), poolLabel, poolLabel is null ? null : labels[poolLabel],
            labels.ContainsKey("node-role.kubernetes.io/control-plane") || labels.ContainsKey("node-role.kubernetes.io/master"));
    }
}
