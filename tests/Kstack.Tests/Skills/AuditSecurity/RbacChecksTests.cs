using System.Text.Json;
using Kstack.Skills.AuditSecurity;
using Xunit;

namespace Kstack.Tests.Skills.AuditSecurity;

/// <summary>The RBAC graph: aggregation, RoleBinding scoping, bootstrap objects. Pure, in-process.</summary>
public class RbacChecksTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement;

    private static RbacRole ClusterRole(string json) => RbacRole.From(J(json), "ClusterRole");

    private static RbacBinding Binding(string kind, string json) => RbacBinding.From(J(json), kind);

    [Fact]
    public void Aggregated_cluster_roles_contribute_their_rules()
    {
        var graph = new RbacGraph(
        [
            ClusterRole("""{"metadata":{"name":"agg"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"x/agg","operator":"In","values":["true"]}]}]},"rules":[]}"""),
            ClusterRole("""{"metadata":{"name":"part","labels":{"x/agg":"true"}},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}]}"""),
            ClusterRole("""{"metadata":{"name":"other","labels":{"x/agg":"false"}},"rules":[{"apiGroups":[""],"resources":["nodes/proxy"],"verbs":["get"]}]}"""),
        ], [], [Binding("ClusterRoleBinding", """{"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"agg"},"subjects":[{"kind":"User","name":"u"}]}""")]);
        var hits = RbacChecks.Evaluate(graph, (_, _) => null).ToList();
        var secrets = Assert.Single(hits, h => h.Check == SecurityChecks.SecretsRead);
        Assert.Equal("user/u", secrets.Subject.ToString());
        Assert.Contains("aggregates clusterrole/part", secrets.Field);
        Assert.DoesNotContain(hits, h => h.Check == SecurityChecks.NodesProxy);
    }

    [Fact]
    public void A_role_binding_to_a_cluster_role_grants_only_namespaced_resources_in_its_namespace()
    {
        var graph = new RbacGraph(
            [ClusterRole("""{"metadata":{"name":"wide"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["get","create"]}]}""")], [],
            [Binding("RoleBinding", """{"metadata":{"name":"rb","namespace":"team"},"roleRef":{"kind":"ClusterRole","name":"wide"},"subjects":[{"kind":"ServiceAccount","name":"ci"}]}""")]);
        var hits = RbacChecks.Evaluate(graph, (_, _) => true).ToList();
        Assert.Contains(hits, h => h.Check == SecurityChecks.SecretsRead && h.Subject.ToString() == "serviceaccount/team/ci" && h.Observed.EndsWith("in namespace team", StringComparison.Ordinal));
        Assert.Contains(hits, h => h.Check == SecurityChecks.PodExec);
        Assert.DoesNotContain(hits, h => h.Check == SecurityChecks.NodesProxy || h.Check == SecurityChecks.CreatePv || h.Check == SecurityChecks.CsrApprove);
        Assert.Contains(hits, h => h.Check == SecurityChecks.Wildcard && h.Subject.Name == "wide");
        Assert.Equal(Kstack.Audit.Scope.Namespace, hits.First(h => h.Check == SecurityChecks.SecretsRead).Scope);
    }

    [Fact]
    public void Bootstrap_objects_cluster_admin_and_missing_references()
    {
        var graph = new RbacGraph(
            [ClusterRole("""{"metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}""")], [],
            [
                Binding("ClusterRoleBinding", """{"metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"Group","name":"system:masters"}]}"""),
                Binding("ClusterRoleBinding", """{"metadata":{"name":"ops"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"Group","name":"ops"}]}"""),
                Binding("RoleBinding", """{"metadata":{"name":"gone","namespace":"a"},"roleRef":{"kind":"Role","name":"nope"},"subjects":[{"kind":"ServiceAccount","name":"ghost","namespace":"a"}]}"""),
            ]);
        var hits = RbacChecks.Evaluate(graph, (ns, name) => name != "ghost").ToList();
        var admin = Assert.Single(hits, h => h.Check == SecurityChecks.ClusterAdmin);
        Assert.Equal("clusterrolebinding/ops", admin.Subject.ToString());
        Assert.DoesNotContain(hits, h => h.Check == SecurityChecks.Wildcard || h.Check == SecurityChecks.SystemMasters);
        // The all-wildcard grant is one cluster-admin finding, not one per right.
        Assert.DoesNotContain(hits, h => h.Check == SecurityChecks.SecretsRead);
        Assert.Contains(hits, h => h.Check == SecurityChecks.MissingRole && h.Subject.Name == "gone");
        Assert.Contains(hits, h => h.Check == SecurityChecks.MissingSubject && h.Observed == "serviceaccount/a/ghost");
        // Roles not readable: a missing role is unknown, not reported.
        var blind = new RbacGraph(null, null, graph.Bindings);
        Assert.DoesNotContain(RbacChecks.Evaluate(blind, (_, _) => null), h => h.Check == SecurityChecks.MissingRole);
    }

    [Theory]
    [InlineData("pods/exec", "pods/*", true)]
    [InlineData("deployments/scale", "*/scale", true)]
    [InlineData("pods", "pods/*", false)]
    [InlineData("secrets", "*", true)]
    public void Resource_patterns_match_as_rbac_does(string resource, string pattern, bool granted)
    {
        var rule = new RbacRule(["get"], [""], [pattern], [], []);
        Assert.Equal(granted, rule.Grants("get", "", resource));
    }
}
