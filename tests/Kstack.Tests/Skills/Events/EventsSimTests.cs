using System.Text.Json;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Events;

/// <summary>/events through the built binary against kstack-sim over real HTTPS.</summary>
public class EventsSimTests
{
    [Fact]
    public async Task Demo_events_are_grouped_ranked_and_counted_honestly()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("events").AssertOk();
        var lines = run.Content.Split('\n');
        Assert.Matches(@"^Events: sim-admin · window \d+m · 12 warning groups, 14 notable groups$", lines[0]);
        Assert.Matches(@"^WARN  orders/Pod\s+BackOff\s+525×  ", lines[2]);
        Assert.Contains("\"Back-off restarting failed container", lines[2]);
        Assert.StartsWith("      pod/ledger-6f7d9c5b84-x2k4p, pod/order-events-consumer-1 · first ", lines[3]);
        Assert.Matches(@"WARN  batch/Pod\s+FailedScheduling\s+3×  ", run.Content);
        Assert.Matches(@"WARN  Node\s+EvictionThresholdMet\s+3×  ", run.Content);
        Assert.Contains("batch/PersistentVolumeClaim", run.Content);
        Assert.DoesNotContain("default/Node", run.Content);
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length}: {l}"));
        Assert.Contains("owner CronJob/nightly-report", run.Content);
        Assert.Contains("…and 454 Normal events (Pulled, Created, Started, Scheduled) suppressed.", run.Content);
        Assert.Contains("…and 1 more group (all groups are in events.json).", run.Content);
        Assert.StartsWith("Snapshot cached (TTL 5m).", lines[^1]);

        var ctx = run.AgentContext;
        Assert.Equal("events.k8s.io/v1", (string?)ctx["events_api"]);
        using var owners = JsonDocument.Parse(File.ReadAllBytes((string)ctx["owners_file"]!));
        var ledger = owners.RootElement.EnumerateArray().Single(o => o.GetProperty("name").GetString() == "ledger-6f7d9c5b84-x2k4p");
        Assert.Equal(["ReplicaSet/ledger-6f7d9c5b84", "Deployment/ledger"], ledger.GetProperty("chain").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Events_are_read_from_the_events_api_and_cached_as_a_list()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var run = sim.Kstack("events").AssertOk();
        Assert.Contains(sim.Audit(), e => (string?)e["path"] == "/apis/events.k8s.io/v1/events");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(run.CacheDir, "events.json")));
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(69, items.Count);
        Assert.All(items, e => Assert.Equal("events.k8s.io/v1", e.GetProperty("apiVersion").GetString()));
    }

    [Fact]
    public async Task A_namespace_scoped_user_sees_only_its_namespace()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var wide = sim.Kstack("events", "--context", "sim-dev");
        Assert.Equal("user", wide.Kind);
        Assert.Equal("Events are not readable: RBAC denies list events at the cluster scope (try --namespace <ns>).", wide.Message);
        Assert.Equal("sim-dev", (string?)wide.Envelope["kube_context"]);

        var scoped = sim.Kstack("events", "--context", "sim-dev", "--namespace", "team-a").AssertOk();
        Assert.Matches(@"WARN  team-a/Pod\s+BackOff\s+61×", scoped.Content);
        Assert.DoesNotContain("team-b", scoped.Content);
    }

    [Fact]
    public async Task A_role_granting_only_core_events_is_served_from_the_core_events_api()
    {
        // team-b-reader grants '' (core) resources only, as roles written for `kubectl get events` do.
        var extra = Directory.CreateTempSubdirectory("kstack-legacy-user-").FullName;
        File.WriteAllText(Path.Combine(extra, "users.yaml"), "users:\n- name: legacy\n  token: legacy-token-2b8e\n  groups: [team-b-devs]\n");
        await using var sim = await SimCluster.StartMergedAsync(["rbac-limited", extra]);
        var run = sim.Kstack("events", "--context", "sim-legacy", "--namespace", "team-b").AssertOk();
        Assert.Equal("v1", (string?)run.AgentContext["events_api"]);
        Assert.Contains(sim.Audit(), e => (string?)e["path"] == "/apis/events.k8s.io/v1/namespaces/team-b/events" && (int?)e["status"] == 403);
        Assert.Contains(sim.Audit(), e => (string?)e["path"] == "/api/v1/namespaces/team-b/events" && (int?)e["status"] == 200);
        Assert.DoesNotContain("team-a", run.Content);
    }

    [Fact]
    public async Task Unknown_flags_and_bad_durations_are_user_errors_naming_the_slot()
    {
        await using var sim = await SimCluster.StartAsync("healthy");
        Assert.Equal("Unknown flag `--bogus`. Run `/events --help` for usage.", sim.Kstack("events", "--bogus").Message);
        Assert.Equal("Invalid --ttl value `1.5h`. Use durations like 30s, 15m, 2h, 1d.", sim.Kstack("events", "--ttl", "1.5h").Message);
        Assert.Equal("Flag --ttl requires a value.", sim.Kstack("events", "--ttl").Message);
        var healthy = sim.Kstack("events", "only", "payments").AssertOk();
        Assert.Contains("No Warning or notable Normal events in the current window.", healthy.Content);
    }
}
