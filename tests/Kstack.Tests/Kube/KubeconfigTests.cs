using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Kube;

/// <summary>Broken kubeconfigs are typed user errors (or an empty config), never a crash or an unbounded read.</summary>
public class KubeconfigTests
{
    private static string Write(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kstack-kubeconfig-").FullName, "config");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t\n")]
    public void Empty_and_whitespace_files_contribute_no_contexts(string text)
    {
        var kc = Kubeconfig.Load([Write(text)]);
        Assert.Empty(kc.ContextNames);
        Assert.Null(kc.CurrentContext);
    }

    [Fact]
    public void Dev_null_is_an_empty_kubeconfig()
    {
        var kc = Kubeconfig.Load(["/dev/null"]);
        Assert.Empty(kc.ContextNames);
    }

    [Fact]
    public void A_nul_filled_file_is_a_user_error()
    {
        var e = Assert.Throws<KstackException>(() => Kubeconfig.Load([Write(new string('\0', 4096))]));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("NUL bytes", e.Message);
    }

    [Fact]
    public void Dev_zero_is_refused_after_a_bounded_read()
    {
        var e = Assert.Throws<KstackException>(() => Kubeconfig.Load(["/dev/zero"]));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("/dev/zero", e.Message);
    }

    [Fact]
    public void Binary_data_is_a_user_error()
    {
        var path = Write("");
        File.WriteAllBytes(path, [0xff, 0xfe, 0x80, 0x81, 0xc3, 0x28, 0x41]);
        var e = Assert.Throws<KstackException>(() => Kubeconfig.Load([path]));
        Assert.Equal(ErrorKind.User, e.Kind);
    }

    [Theory]
    [InlineData("clusters: 5\n")]
    [InlineData("contexts: {a: b}\n")]
    [InlineData("users:\n- name: [1, 2]\n")]
    [InlineData("- just\n- a list\n")]
    public void Wrong_types_are_user_errors(string text)
    {
        var e = Assert.Throws<KstackException>(() => Kubeconfig.Load([Write(text)]));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.StartsWith("Unable to read kubeconfig ", e.Message);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:6443")]
    [InlineData("unix:///var/run/k8s.sock")]
    [InlineData("not a url")]
    public void An_unsupported_server_scheme_is_a_user_error_naming_the_setting(string server)
    {
        var kc = Kubeconfig.Load([Write(FakeApiServer.Kubeconfig(server))]);
        var e = Assert.Throws<KstackException>(() => new KubeApi(kc, "fake", TimeSpan.FromSeconds(2)));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("server:", e.Message);
    }

    [Theory]
    [InlineData("socks4://127.0.0.1:1080")]
    [InlineData("ftp://proxy:21")]
    [InlineData("::not-a-url")]
    public void An_unusable_proxy_url_is_a_user_error_naming_the_setting(string proxy)
    {
        var kc = Kubeconfig.Load([Write(FakeApiServer.Kubeconfig("https://127.0.0.1:6443", $"proxy-url: \"{proxy}\""))]);
        var e = Assert.Throws<KstackException>(() => new KubeApi(kc, "fake", TimeSpan.FromSeconds(2)));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("proxy-url:", e.Message);
    }

    [Fact]
    public void Proxy_url_is_read_per_cluster()
    {
        var kc = Kubeconfig.Load([Write(FakeApiServer.Kubeconfig("https://127.0.0.1:6443", "proxy-url: socks5://127.0.0.1:1080"))]);
        Assert.Equal("socks5://127.0.0.1:1080", kc.ProxyUrlOf("fake"));
    }
}
