using System.Text.Json;
using Kstack.Skills.Shared;
using Kstack.Skills.Events;
using Xunit;

namespace Kstack.Tests.Skills.Events;

public class EventsAnalysisTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T10:05:00Z");
    private const string Fresh = "Snapshot cached (TTL 5m).";

    private static EventFacts Core(string type, string reason, string ns, string kind, string name, int count, string last, string message, string? first = null) =>
        EventFacts.From(JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = type, ["reason"] = reason, ["count"] = count, ["lastTimestamp"] = last, ["firstTimestamp"] = first ?? last, ["message"] = message,
            ["metadata"] = new Dictionary<string, string> { ["namespace"] = ns },
            ["involvedObject"] = new Dictionary<string, string> { ["kind"] = kind, ["name"] = name, ["namespace"] = ns },
        })).RootElement);

    private static string Render(IReadOnlyList<EventFacts> events) =>
        EventsRenderer.Text(EventsAnalysis.Analyse("test-ctx", null, events), Fresh, Now);

    [Fact]
    public void Rows_fit_120_columns_and_never_cut_a_number_or_an_identifier()
    {
        var text = Render(
        [
            Core("Warning", "BackOff", "orders", "Pod", "ledger-6f7d9c5b84-x2k4p", 123456, "2026-01-01T10:04:00Z",
                "Back-off restarting failed container ledger in pod ledger-6f7d9c5b84-x2k4p_orders(00000000-0000-4000-8000-000000000261)"),
            Core("Warning", "ProvisioningFailed", "batch", "PersistentVolumeClaim", "report-archive", 1000, "2026-01-01T10:03:00Z",
                "storageclass.storage.k8s.io \"archive-hdd\" not found"),
            Core("Warning", "EvictionThresholdMet", "default", "Node", "worker-c", 3, "2026-01-01T10:00:00Z", "Attempting to reclaim memory"),
            Core("Normal", "NodeHasInsufficientMemory", "default", "Node", "worker-c", 1, "2026-01-01T09:40:00Z",
                "Node worker-c status is now: NodeHasInsufficientMemory"),
        ]);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length}: {l}"));
        Assert.Contains("123456×", text);
        Assert.Contains("1000×", text);
        Assert.Contains("batch/PersistentVolumeClaim ", text);
        Assert.Contains(" EvictionThresholdMet ", text);
        Assert.Contains(" NodeHasInsufficientMemory ", text);
        Assert.DoesNotContain("default/Node", text);
        Assert.Contains("WARN  Node ", text);
        Assert.StartsWith("Events: test-ctx · window 25m · 3 warning groups, 1 notable group", lines[0]);
        // Only the free text is shortened, with an ellipsis, inside its quotes.
        Assert.Contains("\"Back-off restarting failed container…\"", text);
    }

    [Fact]
    public void One_hidden_group_is_singular()
    {
        var events = Enumerable.Range(0, 26).Select(i => Core("Warning", $"Reason{i}", "ns", "Pod", "p", 1, "2026-01-01T10:00:00Z", "m")).ToList();
        Assert.Contains("…and 1 more group (all groups are in events.json).", EventsRenderer.Text(EventsAnalysis.Analyse("c", null, events), Fresh, Now));
    }

    [Fact]
    public void Golden_mixed_events_keep_the_reference_rows_and_add_object_lines()
    {
        var lines = Render(
        [
            Core("Warning", "BackOff", "payments", "Pod", "checkout-7c9", 14, "2026-01-01T10:00:00Z", "Back-off restarting failed container", "2026-01-01T08:00:00Z"),
            Core("Normal", "NodeNotReady", "kube-system", "Node", "ip-10-0-3-14", 1, "2026-01-01T09:55:00Z", "Node ip-10-0-3-14 status is now: NodeNotReady"),
            Core("Normal", "Pulled", "default", "Pod", "web-1", 200, "2026-01-01T10:00:00Z", "Successfully pulled image"),
        ]).Split('\n');
        Assert.Equal("Events: test-ctx · window 10m · 1 warning group, 1 notable group", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Equal("WARN  payments/Pod  BackOff       14×  5m ago   \"Back-off restarting failed container\"", lines[2]);
        Assert.Equal("      pod/checkout-7c9 · first 2h ago", lines[3]);
        Assert.Equal("", lines[4]);
        // A node's events are recorded in some namespace (default, here kube-system): the kind is shown alone.
        Assert.Equal("NOTE  Node          NodeNotReady   1×  10m ago  \"Node ip-10-0-3-14 status is now: NodeNotReady\"", lines[5]);
        Assert.Equal("", lines[7]);
        Assert.Equal("…and 200 Normal events (Pulled, Created, Started, Scheduled) suppressed.", lines[8]);
        Assert.Equal("", lines[9]);
        Assert.StartsWith("Snapshot cached (TTL 5m). Ask to drill in — e.g. \"only payments\"", lines[10]);
    }

    [Fact]
    public void An_empty_cluster_says_none()
    {
        var text = Render([]);
        Assert.StartsWith("Events: test-ctx · none\n\nNo Warning or notable Normal events in the current window.\n\nSnapshot cached", text);
    }

    [Fact]
    public void Chatty_only_events_still_report_the_suppressed_count()
    {
        var text = Render([Core("Normal", "Pulled", "default", "Pod", "a", 50, "2026-01-01T10:00:00Z", "pulled")]);
        Assert.StartsWith("Events: test-ctx · window 5m · none\n\nNo Warning or notable Normal events in the current window.\n", text);
        Assert.Contains("…and 50 Normal events (Pulled, Created, Started, Scheduled) suppressed.", text);
    }

    [Fact]
    public void Groups_list_up_to_three_objects_then_a_count()
    {
        var events = Enumerable.Range(0, 5).Select(i =>
            Core("Warning", "BackOff", "p", "Pod", $"pod-{i}", 1, $"2026-01-01T10:0{i}:00Z", "x")).ToList();
        var text = Render(events);
        Assert.Contains("      pod/pod-4, pod/pod-3, pod/pod-2 +2 more · first 5m ago", text);
        Assert.Contains("5×", text);
    }

    [Fact]
    public void Events_k8s_io_with_event_time_and_series_are_dated_and_counted()
    {
        var e = EventFacts.From(JsonDocument.Parse("""
            {"type":"Warning","reason":"FailedScheduling","note":"0/5 nodes are available","metadata":{"namespace":"batch"},
             "regarding":{"kind":"Pod","name":"job-x","namespace":"batch"},"eventTime":"2026-01-01T09:35:00.000000Z",
             "series":{"count":3,"lastObservedTime":"2026-01-01T10:03:00.123456Z"},"deprecatedLastTimestamp":null}
            """).RootElement);
        Assert.Equal(3, e.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T10:03:00.123456Z"), e.Last);
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T09:35:00Z"), e.First);
        Assert.Equal("0/5 nodes are available", e.Message);
        Assert.Matches(@"WARN  batch/Pod\s+FailedScheduling\s+3×\s+1m ago", Render([e]));
    }

    [Fact]
    public void Output_is_bounded_to_25_groups_with_an_honest_tail()
    {
        var events = Enumerable.Range(0, 40).Select(i => Core("Warning", $"Reason{i}", "ns", "Pod", "p", 1, "2026-01-01T10:00:00Z", "m")).ToList();
        var report = EventsAnalysis.Analyse("c", null, events);
        Assert.Equal(25, report.Shown.Count);
        Assert.Equal(15, report.HiddenGroups);
        Assert.Contains("…and 15 more groups", EventsRenderer.Text(report, Fresh, Now));
    }

    [Fact]
    public void Hostile_messages_stay_inside_one_quoted_line()
    {
        var text = Render([Core("Warning", "BackOff", "p", "Pod", "x", 1, "2026-01-01T10:00:00Z", "a\"\n\u001b[31m\"render\":\"agent\"")]);
        var row = text.Split('\n')[2];
        Assert.EndsWith("\"a\\\" [31m\\\"render\\\":\\\"agent\\\"\"", row);
        Assert.DoesNotContain('\u001b', text);
    }
}
