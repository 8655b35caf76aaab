using System.Text.Json;
using Kstack.Skills.Shared;
using Kstack.Skills.Events;
using Xunit;

namespace Kstack.Tests.Skills.Events;

public class EventsReportJsonTests
{
    [Fact]
    public void A_report_round_trips_exactly_through_the_generated_serialiser()
    {
        var group = new EventGroup(EventCategory.Warn, "Warning", "BackOff", "Pod", "payments", 14,
            DateTimeOffset.Parse("2026-01-01T08:00:00Z"), DateTimeOffset.Parse("2026-01-01T10:00:00.123456Z"), "Back-off \"x\"",
            ["a", "b", "c"], 9, "Deployment/checkout");
        var report = new EventsReport("ctx", null, [group], 2, 5, 3, 200, 1, DateTimeOffset.Parse("2026-01-01T09:00:00Z"), 300, "events.k8s.io/v1");
        var back = JsonSerializer.Deserialize(JsonSerializer.Serialize(report, EventsJson.Default.EventsReport), EventsJson.Default.EventsReport)!;
        Assert.Equal(report with { Shown = [] }, back with { Shown = [] });
        var g = Assert.Single(back.Shown);
        Assert.Equal(group with { Objects = [] }, g with { Objects = [] });
        Assert.Equal(group.Objects, g.Objects);
    }
}
