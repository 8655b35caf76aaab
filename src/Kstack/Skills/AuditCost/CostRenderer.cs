using System.Text;
using System.Text.Json;

namespace Kstack.Skills.AuditCost;

/// <summary>The cost audit's own block of the report (totals in cores, GiB and counts) and its agent_context fields.</summary>
internal static class CostRenderer
{
    public static string Section(CostSummary s, string? scope)
    {
        var sb = new StringBuilder();
        if (s.Nodes > 0)
        {
            sb.Append($"Capacity: {s.Nodes} worker node(s), requested CPU {CostAnalysis.Cores(s.RequestedCpu)} of {CostAnalysis.Cores(s.AllocatableCpu)} allocatable, ")
              .Append($"memory {CostAnalysis.Gib(s.RequestedMemory)} of {CostAnalysis.Gib(s.AllocatableMemory)}");
            if (s.IdleNodes > 0) sb.Append($"; {s.IdleNodes} node(s) under half requested: {CostAnalysis.Cores(s.IdleCpu)} CPU, {CostAnalysis.Gib(s.IdleMemory)} idle");
            sb.Append('\n');
        }
        else if (scope is not null) sb.Append("Capacity: not computed for one namespace (node requests need every pod).\n");
        if (s.UnusedVolumes + s.UnusedClaims > 0)
            sb.Append($"Unused storage: {CostAnalysis.Gib(s.UnusedStorageBytes)} in {s.UnusedVolumes} unclaimed PV(s) and {s.UnusedClaims} unmounted PVC(s)\n");
        if (s.IdleLoadBalancers > 0) sb.Append($"Idle load balancers: {s.IdleLoadBalancers} LoadBalancer Service(s) with no ready endpoint\n");
        return sb.ToString();
    }

    public static void Context(Utf8JsonWriter w, CostSummary s)
    {
        w.WritePropertyName("cost");
        s.Write(w);
    }
}
