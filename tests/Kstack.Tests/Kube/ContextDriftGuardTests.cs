using Kstack.Cache;
using Kstack.Kube;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Kube;

public class ContextDriftGuardTests
{
    [Fact]
    public async Task After_an_explicit_context_the_notice_does_not_claim_the_current_context_changed()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        sim.Kstack("events", "-n", "team-a", "--context", "sim-dev").AssertOk();
        var plain = sim.Kstack("events", "-n", "team-a").AssertOk();
        var notice = (string?)plain.Envelope["notice"] ?? "";
        Assert.DoesNotContain("changed", notice);
        Assert.Contains("The last kstack call used context `sim-dev`", notice);
        Assert.Contains("the kubeconfig current-context `sim-admin`", notice);
        Assert.Contains("--context=sim-dev", notice);
    }

    [Fact]
    public void A_real_current_context_change_is_named_as_such()
    {
        var root = new InstallRoot(Directory.CreateTempSubdirectory("kstack-drift-").FullName);
        try
        {
            var clock = new ManualClock { Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000) };
            var guard = new ContextDriftGuard(new StateStore(root), clock);
            Assert.Null(guard.Check("a\tb", fromCurrentContext: true, currentContext: "a\tb"));
            clock.Now += TimeSpan.FromMinutes(5);
            var notice = guard.Check("c", fromCurrentContext: true, currentContext: "c");
            Assert.Equal("The kubeconfig current-context changed from `a\tb` to `c` since the last kstack call; this run used `c`. "
                         + "To stay on the previous cluster, pass --context=a\tb.", notice);
            clock.Now += TimeSpan.FromMinutes(5);
            Assert.Null(guard.Check("c", fromCurrentContext: true, currentContext: "c"));
            clock.Now += TimeSpan.FromHours(2);
            Assert.Null(guard.Check("d", fromCurrentContext: true, currentContext: "d"));
        }
        finally
        {
            Directory.Delete(root.Path, recursive: true);
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
