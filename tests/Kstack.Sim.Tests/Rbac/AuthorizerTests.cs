using Kstack.Sim.Rbac;
using Xunit;

namespace Kstack.Sim.Tests.Rbac;

public sealed class AuthorizerTests
{
    private static RequestAttributes Attrs(string verb, string resource, string ns = "", string name = "", string group = "", string sub = "") => new()
    {
        User = "dev", Groups = ["team-a-devs", "system:authenticated"], Verb = verb, Resource = resource, Namespace = ns, Name = name, ApiGroup = group, Subresource = sub,
    };

    [Fact]
    public void Forbidden_messages_match_the_api_server()
    {
        Assert.Equal("pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
            Authorizer.ForbiddenMessage(Attrs("list", "pods")));
        Assert.Equal("pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-b\"",
            Authorizer.ForbiddenMessage(Attrs("list", "pods", "team-b")));
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"dev\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"a\"",
            Authorizer.ForbiddenMessage(Attrs("get", "deployments", "a", "web", "apps")));
        Assert.Equal("pods \"p\" is forbidden: User \"dev\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"a\"",
            Authorizer.ForbiddenMessage(Attrs("get", "pods", "a", "p", sub: "log")));
    }

    [Fact]
    public async Task Roles_bindings_and_masters_bypass()
    {
        await using var server = await TestSupport.StartBasic();
        var authz = new Authorizer(server.Store);
        Assert.True(authz.Authorize(Attrs("list", "pods", "team-a")));
        Assert.True(authz.Authorize(Attrs("get", "pods", "team-a", "web-1", sub: "log")));
        Assert.False(authz.Authorize(Attrs("get", "pods", "team-a", "web-1", sub: "exec")));
        Assert.False(authz.Authorize(Attrs("list", "pods", "team-b")));
        Assert.False(authz.Authorize(Attrs("list", "pods")));
        Assert.False(authz.Authorize(Attrs("delete", "pods", "team-a", "web-1")));
        Assert.True(authz.Authorize(Attrs("create", "selfsubjectaccessreviews", group: "authorization.k8s.io")));
        Assert.True(authz.Authorize(new RequestAttributes { User = "dev", Groups = ["system:authenticated"], Verb = "get", IsResourceRequest = false, Path = "/apis/apps/v1" }));
        Assert.True(authz.Authorize(new RequestAttributes { User = "admin", Groups = [Authorizer.Masters], Verb = "delete", Resource = "secrets", Namespace = "x" }));
    }

    [Fact]
    public void Rules_match_resource_names_and_subresource_wildcards()
    {
        var rule = new PolicyRule(["get"], [""], ["configmaps", "*/status"], ["allowed"], []);
        Assert.True(rule.Matches(Attrs("get", "configmaps", "a", "allowed")));
        Assert.False(rule.Matches(Attrs("get", "configmaps", "a", "other")));
        Assert.False(rule.Matches(Attrs("list", "configmaps", "a")));
    }
}
