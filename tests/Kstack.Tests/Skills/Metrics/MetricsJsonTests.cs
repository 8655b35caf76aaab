using Kstack.Skills.Metrics;
using Xunit;

namespace Kstack.Tests.Skills.Metrics;

/// <summary>
/// /metrics --json byte for byte for a windowed workload report and a point-in-time node report (nulls where a value is
/// unknown). The expected text was written by the hand-written Utf8JsonWriter code the records replaced.
/// </summary>
public class MetricsJsonTests
{
    private static MetricsPod Pod(string name) => new("orders", name, "w-1", "Running", null, "7c9",
        [new ContainerResources("app", 0.25, 256 * 1024 * 1024, 1, 512 * 1024 * 1024)]);

    internal static MetricsReport Windowed() => new(
        "kind-\"demo\"", new ResolvedTarget(TargetKind.Workload, "orders", "ledger", "Deployment", [Pod("ledger-a"), Pod("ledger-b")]),
        "prometheus", "monitoring/prometheus:9090", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), MetricKind.Memory, 5, "pod",
        new UsageRow("", "", null, new UsageStats(0.123456789, 0.2, 0.31, 60, "▁▂▃"), new UsageStats(300e6, 310e6, 320.5e6, 60, "▃▃▃")),
        [new UsageRow("orders", "ledger-a", "Deployment/ledger", new UsageStats(0.1, 0.15, 0.2, 60, "▁▁▂"), null),
         new UsageRow("orders", "ledger-b", null, null, new UsageStats(1, 2, 3, 1, "▁"))],
        2, new PodResources(0.25, 268435456, null, 536870912, true), ["Prometheus says \"hi\"", "second note"]);

    internal static MetricsReport PointInTime() => new(
        "demo", new ResolvedTarget(TargetKind.Nodes, null, null, null, []), "metrics-server", null, null, null, MetricKind.Cpu, 10, "node",
        null, [new UsageRow("", "w-1", null, new UsageStats(0.5, 0.5, 0.5, 1, ""), new UsageStats(1e9, 1e9, 1e9, 1, ""))], 1, null, []);

    [Fact]
    public void Windowed_workload_report_keeps_its_shape() => Assert.Equal(
        """
        {"context":"kind-\"demo\"","target":{"kind":"Deployment","namespace":"orders","name":"ledger","pods":2},"source":"prometheus","prometheus":"monitoring/prometheus:9090","pointInTime":false,"windowSeconds":3600,"stepSeconds":60,"percentiles":"nearest-rank","by":"memory","rowKind":"pod","rowsTotal":2,"total":{"cpu":{"p50":0.123457,"p95":0.2,"max":0.31,"samples":60,"trend":"▁▂▃"},"memory":{"p50":300000000,"p95":310000000,"max":320500000,"samples":60,"trend":"▃▃▃"}},"perPod":{"requestCpuCores":0.25,"requestMemoryBytes":268435456,"limitCpuCores":null,"limitMemoryBytes":536870912,"uniform":true},"rows":[{"namespace":"orders","name":"ledger-a","workload":"Deployment/ledger","cpu":{"p50":0.1,"p95":0.15,"max":0.2,"samples":60,"trend":"▁▁▂"},"memory":null},{"namespace":"orders","name":"ledger-b","workload":null,"cpu":null,"memory":{"p50":1,"p95":2,"max":3,"samples":1,"trend":"▁"}}],"notes":["Prometheus says \"hi\"","second note"]}
        """,
        MetricsRenderer.Json(Windowed()));

    [Fact]
    public void Point_in_time_node_report_keeps_its_shape() => Assert.Equal(
        """
        {"context":"demo","target":{"kind":"Nodes","namespace":null,"name":null,"pods":0},"source":"metrics-server","prometheus":null,"pointInTime":true,"windowSeconds":null,"stepSeconds":null,"percentiles":"nearest-rank","by":"cpu","rowKind":"node","rowsTotal":1,"total":null,"rows":[{"namespace":"","name":"w-1","workload":null,"cpu":{"p50":0.5,"p95":0.5,"max":0.5,"samples":1,"trend":""},"memory":{"p50":1000000000,"p95":1000000000,"max":1000000000,"samples":1,"trend":""}}],"notes":[]}
        """,
        MetricsRenderer.Json(PointInTime()));
}
