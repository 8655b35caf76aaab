using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.ClusterStatus;
using Xunit;

namespace Kstack.Tests.Skills.ClusterStatus;

public class ClusterStatusReportJsonTests
{
    [Fact]
    public void A_report_round_trips_exactly_through_the_generated_serialiser()
    {
        var report = new ClusterStatusReport("ctx \"x\"", "v1.31.2", "kind", "team-a",
            new NodeSummary(3, 2, 1, 1, 1, 2), null, null, "RBAC denies list pods",
            [
                new Issue("CS-NODE-NOTREADY", new ObjectRef("Node", null, "w-2"), "status.conditions[Ready].status", "False", "kubelet \u001b stopped",
                    null, null, 0, DateTimeOffset.Parse("2026-01-01T10:00:00Z"), SinceEvent.NodeNotReady, DateTimeOffset.Parse("2025-11-01T10:00:00Z"), null),
                new Issue("CS-POD-CRASHLOOP", new ObjectRef("Pod", "a", "p"), "status.containerStatuses[app].state.waiting.reason", "CrashLoopBackOff", null,
                    "Error", 1, 7, null, SinceEvent.Created, null, "Deployment/web"),
            ], 42, 100);
        var json = JsonSerializer.Serialize(report, ClusterStatusJson.Default.ClusterStatusReport);
        var back = JsonSerializer.Deserialize(json, ClusterStatusJson.Default.ClusterStatusReport)!;
        Assert.Equal(report with { Issues = [] }, back with { Issues = [] });
        Assert.Equal(report.Issues, back.Issues);
        Assert.Contains("\"sinceEvent\":\"NodeNotReady\"", json);
    }
}
