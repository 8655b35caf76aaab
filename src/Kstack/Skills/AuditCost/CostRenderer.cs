using System.Text;
using System.Text.Json;
using Kstack.Envelope;

namespace Kstack.Skills.AuditCost;

/// <summary>The cost audit's own block of the report (source, totals in cores, GiB and counts, top savings) and its agent_context fields.</summary>
internal static class CostRenderer
{
    public const int TopSavings = 5;

    public static string SourceLine(CostUsage usage) => usage.Source switch
    {
        "prometheus" => $"Source: Prometheus {usage.Prometheus} · Lookback: {usage.Window} (retention may be shorter) · KRR method: CPU p95, memory max + 15 %",
        "metrics-server" => "Source: metrics-server · Lookback: live snapshot (one sample: weak confidence) · CPU sample, memory sample + 15 %",
        _ => "Source: none (no Prometheus, no metrics-server) · right-sizing only from VPA recommendations",
    };

    public static string Section(CostResult result, CostUsage usage, string? scope, Prices? prices)
    {
        var s = result.Summary;
        // A total is priced only when every price it needs was given (a figure from a missing price would be invented).
        var capacityPriced = prices is { CpuHour: not null, MemoryGibHour: not null };
        string M(decimal m, bool priced) => priced ? $" ≈ {prices!.Format(m)}/month" : "";
        var sb = new StringBuilder();
        sb.Append(SourceLine(usage)).Append('\n');
        foreach (var n in usage.Notes.Take(2)) sb.Append("  note: ").Append(DataText.Inline(n, 200)).Append('\n');
        if (s.RightsizingCpu > 0 || s.RightsizingMemory > 0)
        {
            sb.Append($"Right-sizing: {CostAnalysis.Cores(s.RightsizingCpu)} CPU and {CostAnalysis.Gib(s.RightsizingMemory)} of requests could be released{M(s.RightsizingMoney, capacityPriced)}; top by saving:\n");
            foreach (var r in result.Rightsizing.Take(TopSavings))
                sb.Append($"  {r.Subject.Kind.ToLowerInvariant()}/{DataText.Token(r.Subject.Namespace ?? "", 63)}/{DataText.Token(r.Subject.Name, 60)} [{DataText.Token(r.Subject.Container ?? "", 40)}] ×{r.Pods}: ")
                  .Append($"CPU {Req(r.CpuRequest, true)} → {CostAnalysis.Cores(r.CpuRecommended)}, memory {Req(r.MemoryRequest, false)} → {CostAnalysis.Gib(r.MemoryRecommended)}")
                  .Append($"; saves {CostAnalysis.Cores(r.CpuSaving)} CPU, {CostAnalysis.Gib(r.MemorySaving)}{(r.Money is { } rm && prices is not null ? " ≈ " + prices.Format(rm) + "/month" : "")} ({r.Confidence})\n");
        }
        if (s.Nodes > 0)
        {
            sb.Append($"Capacity: {s.Nodes} worker node(s), requested CPU {CostAnalysis.Cores(s.RequestedCpu)} of {CostAnalysis.Cores(s.AllocatableCpu)} allocatable, ")
              .Append($"memory {CostAnalysis.Gib(s.RequestedMemory)} of {CostAnalysis.Gib(s.AllocatableMemory)}");
            if (s.IdleNodes > 0) sb.Append($"; {s.IdleNodes} node(s) under half requested: {CostAnalysis.Cores(s.IdleCpu)} CPU, {CostAnalysis.Gib(s.IdleMemory)} idle{M(s.IdleNodesMoney, capacityPriced)}");
            sb.Append('\n');
        }
        else if (scope is not null) sb.Append("Capacity: not computed for one namespace (node requests need every pod).\n");
        if (s.UnusedVolumes + s.UnusedClaims > 0)
            sb.Append($"Unused storage: {CostAnalysis.Gib(s.UnusedStorageBytes)} in {s.UnusedVolumes} unclaimed PV(s) and {s.UnusedClaims} unmounted PVC(s){M(s.StorageMoney, prices?.StorageGibMonth is not null)}\n");
        if (s.IdleLoadBalancers > 0) sb.Append($"Idle load balancers: {s.IdleLoadBalancers} LoadBalancer Service(s) with no ready endpoint{M(s.LoadBalancerMoney, prices?.LoadBalancerMonth is not null)}\n");
        if (prices is not null)
            sb.Append($"Money from your price table ({prices.Currency}, 730 h a month, requests priced as OpenCost allocates them); a figure needing a price you left out is not shown.\n");
        return sb.ToString();
    }

    private static string Req(decimal? v, bool cpu) => v is { } x ? cpu ? CostAnalysis.Cores(x) : CostAnalysis.Gib(x) : "unset";

    public static void Context(Utf8JsonWriter w, CostResult result, CostUsage usage, string rightsizingFile)
    {
        w.WritePropertyName("cost");
        result.Summary.Write(w);
        w.WriteString("usage_source", usage.Source);
        w.WriteString("rightsizing_file", rightsizingFile);
        w.WriteStartArray("promql");
        foreach (var q in usage.Queries) w.WriteStringValue(q);
        w.WriteEndArray();
    }
}
