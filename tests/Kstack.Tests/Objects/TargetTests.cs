using System.Text.Json;
using Kstack.Envelope;
using Kstack.Objects;
using Xunit;

namespace Kstack.Tests.Objects;

public class TargetTests
{
    private static readonly TargetRules Workloads = new("investigate", KindInfo.PodsAndWorkloads, Selectors: false, "Usage: …");
    private static readonly TargetRules Pods = new("logs", [KindInfo.Pod, KindInfo.Deployment, KindInfo.Namespace], Selectors: true, "Usage: …");

    [Theory]
    [InlineData("pod/ledger-1", null, "Pod", null, "ledger-1")]
    [InlineData("deploy/ledger", "orders", "Deployment", "orders", "ledger")]
    [InlineData("sts/consumer", null, "StatefulSet", null, "consumer")]
    [InlineData("Deployments.apps/ledger", null, "Deployment", null, "ledger")]
    [InlineData("orders/ledger", null, null, "orders", "ledger")]
    [InlineData("cronjob/batch/nightly-report", null, "CronJob", "batch", "nightly-report")]
    [InlineData("ledger", "orders", null, "orders", "ledger")]
    [InlineData("ledger", null, null, null, "ledger")]
    public void Parses_the_target_forms(string text, string? ns, string? kind, string? expectNs, string name)
    {
        var t = Target.Parse([text], ns, Workloads);
        Assert.Equal(kind, t.Kind?.Kind);
        Assert.Equal(expectNs, t.Namespace);
        Assert.Equal(name, t.Name);
        Assert.Null(t.Selector);
        Assert.Equal(text == "orders/ledger", t.NamespaceTyped);
    }

    [Fact]
    public void An_unknown_kind_in_three_segments_is_left_to_discovery()
    {
        var t = Target.Parse(["widget/orders/w1"], null, Workloads);
        Assert.Equal((null, "widget", "orders", "w1"), (t.Kind, t.KindWord, t.Namespace, t.Name));
        var dotted = Target.Parse(["widgets.example.com/w1"], null, Workloads);
        Assert.Equal((null, "widgets.example.com", null, "w1", false), (dotted.Kind, dotted.KindWord, dotted.Namespace, dotted.Name, dotted.NamespaceTyped));
    }

    [Fact]
    public void Picks_the_target_word_among_free_text()
    {
        Assert.Equal("ledger", Target.Parse(["why", "is", "pod/ledger", "crashing"], null, Workloads).Name);
        var pair = Target.Parse(["deployment", "ledger"], null, Workloads);
        Assert.Equal(("Deployment", "ledger"), (pair.Kind!.Kind, pair.Name));
    }

    [Fact]
    public void A_cluster_scoped_kind_ignores_the_namespace_flag()
    {
        var t = Target.Parse(["namespace/shop"], "web", Pods);
        Assert.Equal(("Namespace", null, "shop"), (t.Kind!.Kind, t.Namespace, t.Name));
        Assert.Contains("cluster-scoped", Assert.Throws<KstackException>(() => Target.Parse(["ns/a/b"], null, Pods)).Message);
    }

    [Theory]
    [InlineData("app=web")]
    [InlineData("app in (web, api)")]
    [InlineData("!canary,tier=backend")]
    public void Selectors_are_targets_where_the_skill_takes_several_pods(string text)
    {
        var t = Target.Parse(text.Split(' '), "shop", Pods);
        Assert.Equal(text, t.Selector);
        Assert.Equal("shop", t.Namespace);
        var e = Assert.Throws<KstackException>(() => Target.Parse([text], null, Workloads));
        Assert.Contains("not a label selector", e.Message);
    }

    [Theory]
    [InlineData("", "Name a target for /investigate")]
    [InlineData("svc/ledger", "not \"svc\"")]
    [InlineData("node/worker-a", "not \"node\" (Node)")]
    [InlineData("pod/Bad_Name", "not a valid object name")]
    [InlineData("a/b/c/d", "Cannot read target")]
    [InlineData("my_ns/ledger", "not a valid namespace name")]
    public void Rejects_bad_targets_with_user_errors(string text, string expected)
    {
        var e = Assert.Throws<KstackException>(() => Target.Parse(text.Length == 0 ? [] : [text], null, Workloads));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Conflicting_namespaces_are_a_user_error()
    {
        var e = Assert.Throws<KstackException>(() => Target.Parse(["orders/ledger"], "payments", Workloads));
        Assert.Contains("--namespace", e.Message);
    }
}

public class LabelSelectorTests
{
    [Theory]
    [InlineData("app=web")]
    [InlineData("app==web")]
    [InlineData("app!=web")]
    [InlineData("app=")]
    [InlineData("app")]
    [InlineData("!app")]
    [InlineData("app.kubernetes.io/name=prometheus,tier in (a, b),env notin (dev)")]
    [InlineData("replicas>1")]
    [InlineData("x in ()")]
    public void Accepts_what_the_api_server_accepts(string selector) => Assert.Null(LabelSelector.Problem(selector));

    [Theory]
    [InlineData("app=a=b", "found \"=\", expected ',' or the end")]
    [InlineData("app=(x", "found \"(\", expected a value")]
    [InlineData("=x", "found \"=\", expected a label key")]
    [InlineData("a=b,,c", "found \",\", expected a label key")]
    [InlineData("a=b,", "found the end, expected a label key")]
    [InlineData("tier in (a", "expected ',' or ')'")]
    [InlineData("tier in a", "expected '(' after in")]
    [InlineData("replicas>x", "expected an integer")]
    [InlineData("-app=x", "not a valid label name")]
    [InlineData("Bad_Prefix/app=x", "invalid prefix")]
    public void Rejects_invalid_selectors_naming_them(string selector, string expected)
    {
        var e = Assert.Throws<KstackException>(() => LabelSelector.Validate(selector));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains($"Invalid label selector \"{selector}\"", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_workload_selector_becomes_selector_text()
    {
        using var doc = JsonDocument.Parse("""
            {"spec":{"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"canary","operator":"DoesNotExist"}]}}}
            """);
        var text = LabelSelector.Of(doc.RootElement);
        Assert.Equal("app=web,tier in (a,b),!canary", text);
        Assert.Null(LabelSelector.Problem(text));
    }
}

public class KindTableTests
{
    [Theory]
    [InlineData("po", "Pod")]
    [InlineData("PODS", "Pod")]
    [InlineData("deploy", "Deployment")]
    [InlineData("deployment.apps", "Deployment")]
    [InlineData("hpa", "HorizontalPodAutoscaler")]
    [InlineData("crd", "CustomResourceDefinition")]
    [InlineData("ns", "Namespace")]
    public void Finds_built_in_kinds_by_every_name_kubectl_accepts(string word, string kind) =>
        Assert.Equal(kind, KindTable.Builtin.Find(word)?.Kind);

    [Fact]
    public void Paths_follow_group_version_and_scope()
    {
        Assert.Equal("/apis/apps/v1/namespaces/orders/deployments/ledger", KindInfo.Deployment.ItemPath("orders", "ledger"));
        Assert.Equal("/api/v1/pods", KindInfo.Pod.ListPath(null));
        Assert.Equal("/api/v1/nodes/worker-a", KindInfo.Node.ItemPath("ignored", "worker-a"));
        Assert.Equal(new ObjectRef("Node", null, "worker-a"), KindInfo.Node.Ref("ignored", "worker-a"));
    }

    [Fact]
    public void Custom_resources_come_from_aggregated_and_legacy_discovery()
    {
        using var aggregated = JsonDocument.Parse("""
            {"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":"example.com"},"versions":[
              {"version":"v2","resources":[{"resource":"widgets","responseKind":{"group":"example.com","version":"v2","kind":"Widget"},"scope":"Namespaced","shortNames":["wg"]},
                                           {"resource":"widgets/status","responseKind":{"kind":"Widget"},"scope":"Namespaced"}]},
              {"version":"v1","resources":[{"resource":"widgets","responseKind":{"kind":"Widget"},"scope":"Namespaced"}]}]},
              {"metadata":{"name":"apps"},"versions":[{"version":"v1","resources":[{"resource":"deployments","responseKind":{"kind":"Deployment"},"scope":"Namespaced"}]}]}]}
            """);
        var table = KindTable.Builtin.With(KindTable.FromAggregated(aggregated.RootElement));
        var widget = table.Find("wg")!;
        Assert.Equal(("Widget", "example.com/v2", true, true), (widget.Kind, widget.ApiVersion, widget.Namespaced, widget.Discovered));
        Assert.Equal("/apis/example.com/v2/namespaces/a/widgets/w", widget.ItemPath("a", "w"));
        Assert.Same(KindInfo.Deployment, table.Find("deployments"));
        Assert.Equal(KindTable.Builtin.All.Count + 1, table.All.Count);

        using var legacy = JsonDocument.Parse("""
            {"kind":"APIResourceList","groupVersion":"stable.example.com/v1","resources":[
              {"name":"crontabs","singularName":"crontab","namespaced":false,"kind":"CronTab","shortNames":["ct"]},{"name":"crontabs/status","kind":"CronTab"}]}
            """);
        var crontab = KindTable.Builtin.With(KindTable.FromResourceList(legacy.RootElement)).Find("crontab.stable.example.com")!;
        Assert.Equal(("CronTab", false, "/apis/stable.example.com/v1/crontabs/x"), (crontab.Kind, crontab.Namespaced, crontab.ItemPath("a", "x")));
    }
}

public class TargetResolverTests
{
    private static readonly IReadOnlyList<ObjectRef> PodTier = [new("Pod", "orders", "ledger-1"), new("Pod", "web", "web-1")];
    private static readonly IReadOnlyList<ObjectRef> WorkloadTier = [new("Deployment", "orders", "ledger"), new("Deployment", "shop", "web"), new("Deployment", "shop2", "web")];

    [Fact]
    public void The_first_tier_with_a_match_wins()
    {
        IReadOnlyList<IReadOnlyList<ObjectRef>> tiers = [PodTier, [.. WorkloadTier, new("Pod", "x", "ledger")]];
        Assert.Equal(new ObjectRef("Deployment", "orders", "ledger"), TargetResolver.Choose("ledger", [PodTier, WorkloadTier], "pod or workload", "everywhere"));
        Assert.Equal(new ObjectRef("Pod", "web", "web-1"), TargetResolver.Choose("web-1", tiers, "pod or workload", "everywhere"));
    }

    [Fact]
    public void Several_matches_list_them_and_none_suggests_the_closest()
    {
        var twin = Assert.Throws<KstackException>(() => TargetResolver.Choose("web", [PodTier, WorkloadTier], "pod or workload", "everywhere"));
        Assert.Contains("\"web\" matches 2 objects; name one as <kind>/<namespace>/<name>: deployment/shop/web, deployment/shop2/web.", twin.Message);
        var none = Assert.Throws<KstackException>(() => TargetResolver.Choose("ledgr", [PodTier, WorkloadTier], "pod or workload", "namespace orders"));
        Assert.Equal(ErrorKind.User, none.Kind);
        Assert.StartsWith("No pod or workload named \"ledgr\" in namespace orders. Closest: deployment/orders/ledger", none.Message);
    }

    [Fact]
    public void Kind_lists_read_as_prose() =>
        Assert.Equal("pod, deployment or namespace", TargetResolver.Or([KindInfo.Pod, KindInfo.Deployment, KindInfo.Namespace]));
}
