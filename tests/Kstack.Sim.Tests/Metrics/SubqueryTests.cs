using Kstack.Sim.Metrics;
using Xunit;

namespace Kstack.Sim.Tests.Metrics;

/// <summary>The *_over_time functions over subqueries that /audit-cost sends (KRR's method), and the repeated-sample shorthand.</summary>
public sealed class SubqueryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T10:00:00Z");

    /// <summary>A week of hourly samples: 160 hours at 100m then 8 at 900m (cpu); memory 200Mi with one 500Mi peak.</summary>
    private static PromEvaluator Week(out PrometheusScenario prom)
    {
        var m = MetricsScenario.Parse("metrics.yaml", """
            prometheus:
              service: monitoring/prometheus:9090
              step: 1h
              points: 168
              series:
                shop/api-1/app: {cpu: "100m*160,900m*8", memory: "200Mi*100,500Mi,200Mi*67"}
                shop/api-2/app: {cpu: "-*84,300m*84", memory: "-*84,100Mi*84"}
            """);
        prom = m.Prometheus!;
        return new PromEvaluator(prom, (_, _) => "node-a", Start, () => Start);
    }

    private static double At(PromEvaluator e, string query, string pod) =>
        e.Evaluate(PromQuery.Parse(query), [Start.ToUnixTimeSeconds()]).Single(r => r.Labels["pod"] == pod).Values[0];

    [Fact]
    public void Shorthand_repeats_samples_and_still_counts_points()
    {
        Week(out var prom);
        Assert.Equal(168, prom.Series[0].Cpu.Length);
        Assert.Equal(0.9, prom.Series[0].Cpu[^1], 9);
        Assert.True(double.IsNaN(prom.Series[1].Cpu[0]));
        Assert.Throws<Kstack.Sim.Scenarios.ScenarioException>(() => MetricsScenario.Parse("m.yaml", """
            prometheus: {service: a/b:1, step: 1h, points: 3, series: {a/p/c: {cpu: "1*2", memory: "1Mi*3"}}}
            """));
    }

    [Fact]
    public void Quantile_max_and_count_over_a_week_follow_prometheus()
    {
        var e = Week(out _);
        const string cpu = "max by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!=\"\",container!=\"POD\"}[5m]))";
        // 5-minute subquery steps over (t − 7d, t]: 2016 steps, each taking the hourly sample whose interval holds it; the
        // oldest sample starts 167 h back, so the first 11 steps have none (2005 points). api-2 ran for the last 84 samples.
        Assert.Equal(2005, At(e, $"count_over_time({cpu}[7d:5m])", "api-1"));
        Assert.Equal(997, At(e, $"count_over_time({cpu}[7d:5m])", "api-2"));
        // p95 of 1920×0.1 and 85×0.9: rank 0.95×2004 = 1903.8 falls in the 0.1 block, p99 (1983.96) in the 0.9 one.
        Assert.Equal(0.1, At(e, $"quantile_over_time(0.95, {cpu}[7d:5m])", "api-1"), 9);
        Assert.Equal(0.9, At(e, $"quantile_over_time(0.99, {cpu}[7d:5m])", "api-1"), 9);
        Assert.Equal(0.3, At(e, $"quantile_over_time(0.95, {cpu}[7d:5m])", "api-2"), 9);
        var memory = "max_over_time(max by (namespace, pod, container) (container_memory_working_set_bytes{container!=\"\"})[7d:5m])";
        Assert.Equal(500 * 1024 * 1024, At(e, memory, "api-1"));
        // The results carry the grouping labels only, no __name__.
        var labels = e.Evaluate(PromQuery.Parse(memory), [Start.ToUnixTimeSeconds()])[0].Labels.Keys;
        Assert.Equal(["container", "namespace", "pod"], labels);
        // A shorter range sees only the newest samples.
        Assert.Equal(0.9, At(e, $"max_over_time({cpu}[8h:5m])", "api-1"), 9);
        Assert.Equal(0.9, At(e, $"quantile_over_time(0.5, {cpu}[8h:5m])", "api-1"), 9);
    }

    [Theory]
    [InlineData("quantile_over_time(0.95, container_memory_working_set_bytes{}[7d])")]
    [InlineData("max_over_time(max_over_time(container_memory_working_set_bytes[1h:5m])[7d:5m])")]
    [InlineData("sum(max_over_time(container_memory_working_set_bytes[1h:5m]))")]
    [InlineData("stddev_over_time(container_memory_working_set_bytes[1h:5m])")]
    public void Rejects_forms_it_does_not_evaluate(string text) => Assert.Throws<PromQlException>(() => PromQuery.Parse(text));

    [Fact]
    public void Quantile_interpolates_between_ranks()
    {
        Assert.Equal(2.5, PromEvaluator.Quantile(0.5, [1, 2, 3, 4]), 9);
        Assert.Equal(4, PromEvaluator.Quantile(1, [4, 1, 3, 2]), 9);
        Assert.True(double.IsPositiveInfinity(PromEvaluator.Quantile(1.5, [1])));
    }
}
