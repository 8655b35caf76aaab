using Xunit;

namespace Kstack.Sim.Tests.Api;

public sealed class ServiceAccountTokensTests
{
    [Fact]
    public async Task Kubectl_create_token_gives_a_token_with_exactly_the_accounts_rights_until_the_account_is_deleted()
    {
        await using var server = await TestSupport.StartBasic();
        Task<TestSupport.ProcessResult> K(params string[] a) => TestSupport.Kubectl(server, a);
        Assert.Equal(0, (await K("create", "namespace", "tok")).ExitCode);
        Assert.Equal(0, (await K("-n", "tok", "create", "serviceaccount", "reader")).ExitCode);
        Assert.Equal(0, (await K("-n", "tok", "create", "role", "pods", "--verb=get,list", "--resource=pods")).ExitCode);
        Assert.Equal(0, (await K("-n", "tok", "create", "rolebinding", "pods", "--role=pods", "--serviceaccount=tok:reader")).ExitCode);
        var minted = await K("-n", "tok", "create", "token", "reader");
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        var token = minted.Stdout.Trim();

        var inNamespace = await K("--token", token, "-n", "tok", "get", "pods");
        Assert.True(inNamespace.ExitCode == 0, inNamespace.Stderr);
        var clusterWide = await K("--token", token, "get", "pods", "-A");
        Assert.NotEqual(0, clusterWide.ExitCode);
        Assert.Contains("User \"system:serviceaccount:tok:reader\" cannot list resource \"pods\"", clusterWide.Stderr);

        var tooShort = await K("-n", "tok", "create", "token", "reader", "--duration=60s");
        Assert.NotEqual(0, tooShort.ExitCode);
        Assert.Contains("less than 10 minutes", tooShort.Stderr);
        Assert.NotEqual(0, (await K("-n", "tok", "create", "token", "nobody")).ExitCode);

        Assert.Equal(0, (await K("-n", "tok", "delete", "serviceaccount", "reader")).ExitCode);
        var afterDelete = await K("--token", token, "-n", "tok", "get", "pods");
        Assert.NotEqual(0, afterDelete.ExitCode);
        Assert.Matches("Unauthorized|provide credentials", afterDelete.Stderr);
    }
}
