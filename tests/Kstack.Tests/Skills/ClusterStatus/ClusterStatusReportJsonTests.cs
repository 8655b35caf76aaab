using System.Text.Json;
using Kstack.Skills.Shared;
using Kstack.Skills.ClusterStatus;
using Xunit;

namespace Kstack.Tests.Skills.ClusterStatus;

public class ClusterStatusReportJsonTests
{
    [Fact]
    public void A_report_round_trips_exactly()
    {
        var report = new ClusterStatusReport("ctx \"x\"", "v1.31.2", "kind", "team-a",
            new NodeSummary(3, 2, 1, 1, 1, 2), null, null, "RBAC denies list pods",
            [
                new Issue("CS-NODE-NOTREADY", 0, "Node", "", "w-2", "NotReady", 0, DateTimeOffset.Parse("2026-01-01T10:00:00Z"), null, "kubelet \u001b stopped"),
                new Issue("CS-POD-CRASHLOOP", 1, "Pod", "a", "p", "CrashLoopBackOff", 7, null, "Deployment/web", null),
            ], 42, 100);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) ClusterStatusReportJson.Write(w, report);
        var back = ClusterStatusReportJson.Read(JsonDocument.Parse(buffer.WrittenMemory).RootElement);
        Assert.Equal(report with { Issues = [] }, back with { Issues = [] });
        Assert.Equal(report.Issues, back.Issues);
    }
}
