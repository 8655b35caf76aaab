using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditCost.CostChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditCost;

/// <summary>Requests and limits (Polaris efficiency), and node allocatable against the sum of requests.</summary>
internal sealed partial class CostAnalysis
{
    /// <summary>
    /// Missing requests and limits, per workload and container (50 replicas are one finding with pods: 50). A live pod's
    /// request is missing only when its limit is too: the API server defaults a request to the limit.
    /// </summary>
    private void AnalyseRequests()
    {
        var hits = new Dictionary<(Kstack.Checks.CheckInfo, ObjectRef, string), (int Index, int Pods, bool Running, string Observed)>();
        foreach (var pod in Pods)
        {
            if (pod.Terminal) continue;
            foreach (var c in pod.Containers)
            {
                void Hit(Kstack.Checks.CheckInfo check, string field, string observed)
                {
                    var key = (check, pod.Workload with { Container = c.Name }, field);
                    hits[key] = hits.TryGetValue(key, out var h) ? h with { Pods = h.Pods + 1, Running = h.Running || pod.Phase == "Running" }
                        : (c.Index, 1, pod.Phase == "Running", observed);
                }
                var at = $"spec.containers[{c.Index}].resources";
                if (c.CpuRequest is null && c.CpuLimit is null) Hit(CpuRequestMissing, at + ".requests.cpu", "no CPU request or limit");
                if (c.MemoryRequest is null && c.MemoryLimit is null) Hit(MemoryRequestMissing, at + ".requests.memory", "no memory request or limit");
                if (c.MemoryLimit is null) Hit(MemoryLimitMissing, at + ".limits.memory", c.MemoryRequest is { } m ? $"memory request {Gib(m)}, no limit" : "no memory limit");
                if (c.CpuLimit is null) Hit(CpuLimitMissing, at + ".limits.cpu", c.CpuRequest is { } r ? $"CPU request {Cores(r)}, no limit" : "no CPU limit");
            }
        }
        foreach (var ((check, subject, field), h) in hits)
            Add(check, subject, field, h.Observed, AuditScope.Workload, h.Running, h.Pods);
    }

    /// <summary>Limits without requests in the workloads' own templates (in a live pod the request is already defaulted to the limit).</summary>
    private void AnalyseTemplates()
    {
        var templates = new List<(string Kind, JsonElement Obj, string Path, JsonElement? Spec)>();
        foreach (var (kind, list) in new[] { ("Deployment", Deployments), ("StatefulSet", StatefulSets), ("DaemonSet", DaemonSets) })
            foreach (var w in list ?? []) templates.Add((kind, w, "spec.template.spec", w.Get("spec", "template", "spec")));
        foreach (var cj in CronJobs ?? []) templates.Add(("CronJob", cj, "spec.jobTemplate.spec.template.spec", cj.Get("spec", "jobTemplate", "spec", "template", "spec")));
        foreach (var job in Jobs ?? [])
            if (OwnerIndex.ControllerOf(job) is not { Kind: "CronJob" }) templates.Add(("Job", job, "spec.template.spec", job.Get("spec", "template", "spec")));
        foreach (var (kind, obj, path, spec) in templates)
        {
            if (!InScope(obj) || spec is not { } s) continue;
            var i = -1;
            foreach (var c in s.Array("containers"))
            {
                i++;
                var r = ContainerResources.From(c, i);
                var parts = new List<string>();
                if (r.CpuLimit is { } cl && r.CpuRequest is null) parts.Add($"limits.cpu {Cores(cl)} without requests.cpu");
                if (r.MemoryLimit is { } ml && r.MemoryRequest is null) parts.Add($"limits.memory {Gib(ml)} without requests.memory");
                if (parts.Count > 0)
                    Add(LimitsWithoutRequests, Ref(kind, obj) with { Container = r.Name }, $"{path}.containers[{i}].resources.requests",
                        string.Join("; ", parts) + " (the request defaults to the limit)", AuditScope.Workload);
            }
        }
    }

    private sealed class Load
    {
        public decimal Cpu, Memory;
        public int Pods;
    }

    /// <summary>Node allocatable against the requests of the pods placed there, per node and per node pool.</summary>
    private void AnalyseCapacity()
    {
        var load = new Dictionary<string, Load>(StringComparer.Ordinal);
        foreach (var p in Pods)
        {
            if (p.Terminal || p.Node is null) continue;
            if (!load.TryGetValue(p.Node, out var l)) load[p.Node] = l = new Load();
            l.Cpu += p.CpuRequest;
            l.Memory += p.MemoryRequest;
            l.Pods++;
        }
        var workers = Nodes!.Where(n => !n.ControlPlane && n.Cpu > 0 && n.Memory > 0).ToList();
        foreach (var n in workers)
        {
            var l = load.GetValueOrDefault(n.Name) ?? new Load();
            Summary.Nodes++;
            Summary.AllocatableCpu += n.Cpu;
            Summary.AllocatableMemory += n.Memory;
            Summary.RequestedCpu += l.Cpu;
            Summary.RequestedMemory += l.Memory;
            if (Math.Max(l.Cpu / n.Cpu, l.Memory / n.Memory) >= IdleShare) continue;
            Summary.IdleNodes++;
            Summary.IdleCpu += n.Cpu - l.Cpu;
            Summary.IdleMemory += n.Memory - l.Memory;
            var money = Prices?.Compute(n.Cpu - l.Cpu, n.Memory - l.Memory);
            Summary.IdleNodesMoney += money ?? 0;
            Add(NodeIdle, new ObjectRef("Node", null, n.Name), "status.allocatable", LoadText(l, n.Cpu, n.Memory, n.Pool is null ? "" : $" (pool {n.Pool})") + Money(money),
                AuditScope.Cluster, l.Pods > 0, l.Pods);
        }
        foreach (var pool in workers.Where(n => n.Pool is not null).GroupBy(n => (n.PoolLabel!, n.Pool!)))
        {
            var nodes = pool.ToList();
            if (nodes.Count < 2) continue;
            var l = new Load();
            foreach (var n in nodes)
                if (load.GetValueOrDefault(n.Name) is { } x) { l.Cpu += x.Cpu; l.Memory += x.Memory; l.Pods += x.Pods; }
            decimal cpu = nodes.Sum(n => n.Cpu), memory = nodes.Sum(n => n.Memory);
            if (Math.Max(l.Cpu / cpu, l.Memory / memory) >= IdleShare) continue;
            Add(PoolIdle, new ObjectRef("NodePool", null, pool.Key.Item2), $"metadata.labels['{pool.Key.Item1}']", LoadText(l, cpu, memory, $" over {nodes.Count} nodes") + Money(Prices?.Compute(cpu - l.Cpu, memory - l.Memory)),
                AuditScope.Cluster, l.Pods > 0, l.Pods);
        }
    }

    private static string LoadText(Load l, decimal cpu, decimal memory, string where) =>
        $"requested CPU {Cores(l.Cpu)} of {Cores(cpu)} ({Percent(l.Cpu, cpu)}), memory {Gib(l.Memory)} of {Gib(memory)} ({Percent(l.Memory, memory)}){where}; idle {Cores(cpu - l.Cpu)} CPU, {Gib(memory - l.Memory)}";
}
