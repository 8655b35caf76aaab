using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Karpenter;
using Kstack.Skills.Shared;
using Xunit;

namespace Kstack.Tests.Skills.Karpenter;

public class KarpenterAnalysisTests
{
    [Theory]
    [InlineData("720h", 720 * 3600.0)]
    [InlineData("1h30m", 5400.0)]
    [InlineData("30s", 30.0)]
    [InlineData("0s", 0.0)]
    [InlineData("1.5h", 5400.0)]
    [InlineData("500ms", 0.5)]
    public void Go_durations_parse(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("Never")]
    public void Never_is_the_longest_span(string text) => Assert.Equal(TimeSpan.MaxValue, GoDuration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10d")]
    [InlineData("h")]
    [InlineData("5m banana")]
    public void Malformed_durations_are_null(string text) => Assert.Null(GoDuration.Parse(text));

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonElement PoolWith(string requirements, string taints = "[]", string limits = "{}", string used = "{}") => J($$$"""
        {"metadata":{"name":"p"},"spec":{"template":{"metadata":{"labels":{"team":"ml"}},"spec":{"requirements":{{{requirements}}},"taints":{{{taints}}}}},"limits":{{{limits}}}},
         "status":{"resources":{{{used}}},"conditions":[{"type":"Ready","status":"True"}]}}
        """);

    private static KarpenterPod PodWith(string spec) =>
        KarpenterPod.From(J($$$"""{"metadata":{"namespace":"n","name":"x"},"spec":{{{spec}}},"status":{"phase":"Pending"}}"""), OwnerIndex.From([]));

    [Theory]
    [InlineData("""[{"key":"karpenter.sh/capacity-type","operator":"In","values":["spot"]}]""", """{"nodeSelector":{"karpenter.sh/capacity-type":"spot"}}""", null)]
    [InlineData("[]", """{"nodeSelector":{"karpenter.sh/capacity-type":"spot"}}""", "nodeSelector karpenter.sh/capacity-type=spot not offered")]
    [InlineData("[]", """{"nodeSelector":{"topology.kubernetes.io/zone":"eu-west-1a"}}""", null)]
    [InlineData("""[{"key":"topology.kubernetes.io/zone","operator":"In","values":["eu-west-1b"]}]""", """{"nodeSelector":{"topology.kubernetes.io/zone":"eu-west-1a"}}""", "nodeSelector topology.kubernetes.io/zone=eu-west-1a not offered")]
    [InlineData("[]", """{"nodeSelector":{"team":"ml"}}""", null)]
    [InlineData("[]", """{"nodeSelector":{"team":"web"}}""", "nodeSelector team=web not offered")]
    [InlineData("[]", """{"nodeSelector":{"disk":"ssd"}}""", "nodeSelector disk=ssd not offered")]
    [InlineData("""[{"key":"disk","operator":"In","values":["ssd","hdd"]}]""", """{"nodeSelector":{"disk":"ssd"}}""", null)]
    [InlineData("""[{"key":"kubernetes.io/arch","operator":"NotIn","values":["arm64"]}]""",
        """{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/arch","operator":"In","values":["arm64"]}]},{"matchExpressions":[{"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}]}]}}}}""", null)]
    [InlineData("""[{"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}]""",
        """{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/arch","operator":"In","values":["arm64"]}]}]}}}}""",
        "node affinity kubernetes.io/arch In [arm64] not offered")]
    public void A_pending_pod_fits_a_pool_by_its_requirements_and_labels(string requirements, string podSpec, string? misfit) =>
        Assert.Equal(misfit, KarpenterAnalysis.Misfit(PoolWith(requirements), PodWith(podSpec)));

    [Fact]
    public void Taints_need_a_matching_toleration_and_limits_stop_launches()
    {
        var tainted = PoolWith("[]", """[{"key":"gpu","value":"true","effect":"NoSchedule"}]""");
        Assert.Equal("taint gpu=true:NoSchedule not tolerated", KarpenterAnalysis.Misfit(tainted, PodWith("{}")));
        Assert.Null(KarpenterAnalysis.Misfit(tainted, PodWith("""{"tolerations":[{"key":"gpu","operator":"Exists"}]}""")));
        Assert.Null(KarpenterAnalysis.Misfit(tainted, PodWith("""{"tolerations":[{"operator":"Exists"}]}""")));
        Assert.NotNull(KarpenterAnalysis.Misfit(tainted, PodWith("""{"tolerations":[{"key":"gpu","operator":"Equal","value":"false"}]}""")));
        var full = PoolWith("[]", limits: """{"cpu":"10"}""", used: """{"cpu":"10"}""");
        Assert.Equal("at its cpu limit", KarpenterAnalysis.Misfit(full, PodWith("{}")));
        Assert.Null(KarpenterAnalysis.Misfit(PoolWith("[]", limits: """{"cpu":"10"}""", used: """{"cpu":"9"}"""), PodWith("{}")));
    }

    [Fact]
    public void A_claim_phase_is_the_first_condition_not_yet_true()
    {
        var claim = J("""
            {"metadata":{"name":"c","creationTimestamp":"2026-01-01T10:00:00Z"},"status":{"conditions":[
              {"type":"Launched","status":"True","lastTransitionTime":"2026-01-01T10:01:00Z"},
              {"type":"Registered","status":"Unknown","lastTransitionTime":"2026-01-01T10:01:00Z"}]}}
            """);
        var (phase, since) = KarpenterAnalysis.Phase(claim);
        Assert.Equal("Registering", phase);
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T10:01:00Z"), since);
        Assert.Equal("Launching", KarpenterAnalysis.Phase(J("""{"metadata":{"name":"c"},"status":{}}""")).Phase);
    }

    [Fact]
    public void The_controller_is_found_by_the_chart_label()
    {
        var pod = KarpenterPod.From(J("""{"metadata":{"namespace":"karpenter","name":"karpenter-1","labels":{"app.kubernetes.io/name":"karpenter"}},"spec":{},"status":{"phase":"Running"}}"""), OwnerIndex.From([]));
        Assert.True(KarpenterAnalysis.IsController(pod));
        Assert.Equal(new ObjectRef("Pod", "karpenter", "karpenter-1"), pod.Workload);
    }
}
