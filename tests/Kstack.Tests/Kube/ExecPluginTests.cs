using k8s.KubeConfigModels;
using Kstack.Envelope;
using Kstack.Kube;
using Xunit;

namespace Kstack.Tests.Kube;

/// <summary>Exec credential plugins: output parsed, failures named, a hanging plugin bounded and killed with its children.</summary>
public class ExecPluginTests
{
    private const string ApiVersion = "client.authentication.k8s.io/v1";

    private static (ExternalExecution Exec, string Dir) Plugin(string script)
    {
        var dir = Directory.CreateTempSubdirectory("kstack-exec-plugin-").FullName;
        var path = Path.Combine(dir, "plugin.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (new ExternalExecution { ApiVersion = ApiVersion, Command = path, Arguments = ["--flag", "with space"] }, dir);
    }

    [Fact]
    public void A_token_is_read_from_the_exec_credential()
    {
        var (exec, _) = Plugin($$$"""
            [ "$2" = "with space" ] || exit 9
            echo '{"apiVersion":"{{{ApiVersion}}}","kind":"ExecCredential","status":{"token":"tok-123"}}'
            """);
        Assert.Equal("tok-123", ExecPlugin.Run(exec, "me", TimeSpan.FromSeconds(20)).Token);
    }

    [Fact]
    public void A_failing_plugin_is_a_user_error_with_its_message()
    {
        var (exec, _) = Plugin("echo 'login required: run sso login' >&2\nexit 3\n");
        var e = Assert.Throws<KstackException>(() => ExecPlugin.Run(exec, "me", TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("failed (exit 3): login required", e.Message);
        Assert.Contains("plugin.sh", e.Message);
    }

    [Theory]
    [InlineData("echo not json")]
    [InlineData("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"t\"}}'")]
    [InlineData("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{}}'")]
    public void Unusable_output_is_a_user_error(string script)
    {
        var (exec, _) = Plugin(script + "\n");
        var e = Assert.Throws<KstackException>(() => ExecPlugin.Run(exec, "me", TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("returned", e.Message);
    }

    [Fact]
    public void A_missing_command_is_a_user_error()
    {
        var exec = new ExternalExecution { ApiVersion = ApiVersion, Command = "/nonexistent/kstack-test-plugin" };
        var e = Assert.Throws<KstackException>(() => ExecPlugin.Run(exec, "me", TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("could not be started", e.Message);
    }

    [Fact]
    public void A_hanging_plugin_is_stopped_with_its_children_and_named()
    {
        var (exec, dir) = Plugin("sleep 300 &\necho $! > \"$(dirname \"$0\")/child.pid\"\nsleep 300\n");
        var e = Assert.Throws<KstackException>(() => ExecPlugin.Run(exec, "me", TimeSpan.FromSeconds(1)));
        Assert.Equal(ErrorKind.Infra, e.Kind);
        Assert.Contains("plugin.sh", e.Message);
        Assert.Contains("did not finish within 1s", e.Message);
        Assert.Contains("KSTACK_EXEC_TIMEOUT", e.Message);

        var child = int.Parse(File.ReadAllText(Path.Combine(dir, "child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(SpinWait.SpinUntil(() => !IsRunning(child), TimeSpan.FromSeconds(10)), $"child {child} of the plugin still runs");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            // A killed child stays a zombie until reaped by init; it no longer runs.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat.Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
    }
}
