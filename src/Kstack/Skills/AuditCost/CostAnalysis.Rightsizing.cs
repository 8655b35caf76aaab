using System.Globalization;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditCost.CostChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditCost;

/// <summary>One container of one workload: its request, the recommendation, the saving over all its pods, and where the usage came from.</summary>
internal sealed record RightsizingRow(ObjectRef Subject, int Index, int Pods, decimal? CpuRequest, decimal CpuRecommended, decimal? MemoryRequest,
    decimal MemoryRecommended, decimal CpuSaving, decimal MemorySaving, string Source, string Confidence, int Points)
{
    /// <summary>The saving per month at the user's prices; null without them.</summary>
    public decimal? Money { get; init; }
}

/// <summary>
/// Right-sizing with KRR's simple strategy: per workload and container, CPU = the highest p95 among its pods (current and
/// past, by owner walk or name pattern), memory = the highest maximum × 1.15; floors 10m and 100Mi; history of at least
/// 3 hours. Without Prometheus, VPA targets (history-based), else metrics-server's one sample (weak).
/// </summary>
internal sealed partial class CostAnalysis
{
    public static readonly decimal CpuFloor = 0.01m, MemoryFloor = 100m * 1024 * 1024;
    public static readonly TimeSpan MinHistory = TimeSpan.FromHours(3);

    private void AnalyseRightsizing()
    {
        var current = Pods.Where(p => !p.Terminal).ToList();
        var byWorkload = current.GroupBy(p => p.Workload).ToDictionary(g => g.Key, g => g.ToList());
        var podWorkload = Pods.ToDictionary(p => (p.Namespace, p.Name), p => p.Workload);
        var recs = new Dictionary<(ObjectRef, string), (decimal Cpu, decimal Memory, int Points, string Source, string Confidence)>();

        if (Usage is { Source: "prometheus" or "metrics-server" } u)
        {
            var step = u.Step.Length > 1 && int.TryParse(u.Step[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) ? TimeSpan.FromMinutes(minutes) : TimeSpan.Zero;
            var prometheus = u.Source == "prometheus";
            foreach (var r in u.Rows)
            {
                var w = podWorkload.GetValueOrDefault((r.Namespace, r.Pod)) ?? WorkloadByName(r.Namespace, r.Pod);
                if (w is null || prometheus && step * r.Points < MinHistory) continue;
                var key = (w, r.Container);
                var cpu = (decimal)r.Cpu;
                var memory = (decimal)r.Memory * (1 + (decimal)CostUsage.MemoryBuffer);
                recs[key] = recs.TryGetValue(key, out var x)
                    ? (Math.Max(x.Cpu, cpu), Math.Max(x.Memory, memory), Math.Max(x.Points, r.Points), x.Source, x.Confidence)
                    : (cpu, memory, r.Points, prometheus ? $"Prometheus p95/max over {u.Window}" : "metrics-server, one point-in-time sample",
                        prometheus ? "high" : "low");
            }
        }
        foreach (var vpa in Vpas ?? [])
        {
            if (!InScope(vpa) || vpa.Str("spec", "targetRef", "kind") is not { } kind || vpa.Str("spec", "targetRef", "name") is not { } name) continue;
            var w = new ObjectRef(kind, vpa.Str("metadata", "namespace"), name);
            foreach (var c in vpa.Array("status", "recommendation", "containerRecommendations"))
            {
                var key = (w, c.Str("containerName") ?? "");
                // Prometheus history wins; a VPA target (history-based, margin included) beats one metrics-server sample.
                if (recs.TryGetValue(key, out var x) && x.Confidence == "high") continue;
                if (!Quantity.TryParse(c.Str("target", "cpu") ?? "", out var cpu) || !Quantity.TryParse(c.Str("target", "memory") ?? "", out var memory)) continue;
                recs[key] = (cpu, memory, 0, $"VPA {vpa.Str("metadata", "name")} target", "medium");
            }
        }

        foreach (var ((workload, container), rec) in recs)
        {
            if (!byWorkload.TryGetValue(workload, out var pods) || pods.FirstOrDefault()?.Containers.FirstOrDefault(c => c.Name == container) is not { } res) continue;
            var cpuRec = Math.Max(CpuFloor, Math.Round(rec.Cpu, 3, MidpointRounding.AwayFromZero));
            var memRec = Math.Max(MemoryFloor, Math.Ceiling(rec.Memory / (1024 * 1024)) * 1024 * 1024);
            var cpuSaving = res.CpuRequest is { } cr && cr > cpuRec ? (cr - cpuRec) * pods.Count : 0;
            var memSaving = res.MemoryRequest is { } mr && mr > memRec ? (mr - memRec) * pods.Count : 0;
            if (cpuSaving == 0 && memSaving == 0) continue;
            var subject = workload with { Container = container };
            var row = new RightsizingRow(subject, res.Index, pods.Count, res.CpuRequest, cpuRec, res.MemoryRequest, memRec, cpuSaving, memSaving, rec.Source, rec.Confidence, rec.Points)
                { Money = Prices?.Compute(cpuSaving, memSaving) };
            Rightsizing.Add(row);
            var running = pods.Any(p => p.Phase == "Running");
            var basis = $"{rec.Source}{(rec.Points > 1 ? $", {rec.Points} points" : "")}; confidence {rec.Confidence}";
            if (cpuSaving >= MinCpuSaving)
            {
                Add(CpuOverprovisioned, subject, $"spec.containers[{res.Index}].resources.requests.cpu",
                    $"request {Cores(res.CpuRequest!.Value)}, recommended {Cores(cpuRec)}; saving {Cores(cpuSaving)} CPU over {pods.Count} pod(s) ({basis}){Money(Prices?.Compute(cpuSaving, 0))}", AuditScope.Workload, running, pods.Count);
                Summary.RightsizingCpu += cpuSaving;
                Summary.RightsizingMoney += Prices?.Compute(cpuSaving, 0) ?? 0;
            }
            if (memSaving >= MinMemorySaving)
            {
                Add(MemoryOverprovisioned, subject, $"spec.containers[{res.Index}].resources.requests.memory",
                    $"request {Gib(res.MemoryRequest!.Value)}, recommended {Gib(memRec)}; saving {Gib(memSaving)} over {pods.Count} pod(s) ({basis}){Money(Prices?.Compute(0, memSaving))}", AuditScope.Workload, running, pods.Count);
                Summary.RightsizingMemory += memSaving;
                Summary.RightsizingMoney += Prices?.Compute(0, memSaving) ?? 0;
            }
        }
        // Ranked by money when priced (CPU and memory then weigh as the user pays for them), else by CPU, then memory.
        Rightsizing.Sort((a, b) => a.Money is { } am && b.Money is { } bm && am != bm ? bm.CompareTo(am)
            : b.CpuSaving != a.CpuSaving ? b.CpuSaving.CompareTo(a.CpuSaving) : b.MemorySaving.CompareTo(a.MemorySaving));
    }

    private Dictionary<(string, string), ObjectRef>? _workloadNames;

    /// <summary>
    /// A pod Prometheus remembers but the API no longer lists, by its controller's naming: &lt;deployment&gt;-&lt;hash&gt;-&lt;suffix&gt;,
    /// &lt;statefulset&gt;-&lt;ordinal&gt;, &lt;daemonset&gt;-&lt;suffix&gt; — only when that workload exists in the namespace.
    /// </summary>
    private ObjectRef? WorkloadByName(string ns, string pod)
    {
        _workloadNames ??= new[] { ("Deployment", Deployments), ("StatefulSet", StatefulSets), ("DaemonSet", DaemonSets) }
            .SelectMany(x => (x.Item2 ?? []).Select(w => Ref(x.Item1, w)))
            .GroupBy(r => (r.Namespace ?? "", r.Kind + "/" + r.Name)).ToDictionary(g => g.Key, g => g.First());
        var parts = pod.Split('-');
        if (parts.Length >= 3 && _workloadNames.TryGetValue((ns, "Deployment/" + string.Join('-', parts[..^2])), out var d)) return d;
        if (parts.Length >= 2 && parts[^1].All(char.IsAsciiDigit) && _workloadNames.TryGetValue((ns, "StatefulSet/" + string.Join('-', parts[..^1])), out var s)) return s;
        if (parts.Length >= 2 && _workloadNames.TryGetValue((ns, "DaemonSet/" + string.Join('-', parts[..^1])), out var ds)) return ds;
        return null;
    }
}
