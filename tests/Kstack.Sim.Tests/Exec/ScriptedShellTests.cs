using System.Text;
using System.Text.Json.Nodes;
using Kstack.Sim.Exec;
using Xunit;

namespace Kstack.Sim.Tests.Exec;

public class ScriptedShellTests
{
    private static readonly ShellContext Ctx = new("web-1", true, true, new Dictionary<string, string> { ["MODE"] = "test" },
        new Dictionary<string, string> { ["/etc/app/config.yaml"] = "level: debug" });

    private static async Task<(ScriptedShell Shell, StringBuilder Out)> Start(bool tty, params string[] argv)
    {
        var sb = new StringBuilder();
        var shell = new ScriptedShell(Ctx, tty, s => { sb.Append(s); return Task.CompletedTask; });
        await shell.StartAsync(argv);
        return (shell, sb);
    }

    [Fact]
    public async Task Probe_script_prints_the_first_shell_found()
    {
        var (shell, output) = await Start(false, "sh", "-c", "command -v bash || command -v sh");
        Assert.Equal("/bin/bash\n", output.ToString());
        Assert.Equal(0, shell.ExitCode);
    }

    [Fact]
    public async Task Exec_script_becomes_an_interactive_shell_with_echo_and_crlf()
    {
        var (shell, output) = await Start(true, "sh", "-c", "command -v bash >/dev/null && exec bash; exec sh");
        Assert.True(shell.Interactive);
        Assert.Null(shell.ExitCode);
        Assert.Equal("root@web-1:/# ", output.ToString());
        output.Clear();
        await shell.InputAsync(Encoding.UTF8.GetBytes("hostnamx\u007fe\r"));
        Assert.Equal("hostnamx\b \be\r\nweb-1\r\nroot@web-1:/# ", output.ToString());
        output.Clear();
        await shell.InputAsync(Encoding.UTF8.GetBytes("cat /etc/app/config.yaml /nope\r"));
        Assert.Contains("level: debug\r\ncat: /nope: No such file or directory\r\n", output.ToString());
        await shell.InputAsync(Encoding.UTF8.GetBytes("env\recho $MODE\rexit 4\r"));
        Assert.Contains("MODE=test", output.ToString());
        Assert.Contains("\r\ntest\r\n", output.ToString());
        Assert.Equal(4, shell.ExitCode);
    }

    [Fact]
    public async Task Missing_binaries_and_shell_less_images_fail_like_a_runtime()
    {
        var (shell, output) = await Start(false, "nosuch");
        Assert.Equal(126, shell.ExitCode);
        Assert.Contains("executable file not found", output.ToString());

        var sb = new StringBuilder();
        var none = new ScriptedShell(Ctx with { HasShell = false }, false, s => { sb.Append(s); return Task.CompletedTask; });
        await none.StartAsync(["sh"]);
        Assert.Equal(126, none.ExitCode);
        Assert.False(none.Interactive);
    }

    [Fact]
    public async Task Unknown_commands_exit_127_and_short_circuits_follow_sh()
    {
        var (shell, output) = await Start(false, "sh", "-c", "frob || echo fallback; false && echo never");
        Assert.Equal("sh: frob: not found\nfallback\n", output.ToString());
        Assert.Equal(1, shell.ExitCode);
    }
}

public class PodSecurityTests
{
    private static JsonObject NodeShellPod() => JsonNode.Parse("""
        {"metadata":{"name":"kstack-node-shell-x"},"spec":{"nodeName":"n1","hostPID":true,"hostNetwork":true,
         "containers":[{"name":"shell","image":"i","securityContext":{"privileged":true}}],
         "volumes":[{"name":"host","hostPath":{"path":"/"}}]}}
        """)!.AsObject();

    [Fact]
    public void Privileged_and_unlabelled_namespaces_admit_the_node_shell()
    {
        Assert.Null(PodSecurity.Check(null, NodeShellPod()));
        Assert.Null(PodSecurity.Check(new JsonObject { [PodSecurity.EnforceLabel] = "privileged" }, NodeShellPod()));
    }

    [Fact]
    public void Baseline_rejects_it_with_the_admission_message()
    {
        var denied = PodSecurity.Check(new JsonObject { [PodSecurity.EnforceLabel] = "baseline" }, NodeShellPod());
        Assert.Equal("pods \"kstack-node-shell-x\" is forbidden: violates PodSecurity \"baseline:latest\": hostNetwork=true, hostPID=true, "
                     + "privileged (container \"shell\" must not set securityContext.privileged=true), hostPath volumes (volume \"host\")", denied);
        var plain = JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i"}]}}""")!.AsObject();
        Assert.Null(PodSecurity.Check(new JsonObject { [PodSecurity.EnforceLabel] = "restricted" }, plain));
    }

    [Fact]
    public void Node_bound_pods_start_running_and_unbound_ones_pend()
    {
        var now = DateTimeOffset.Parse("2026-01-01T10:00:00Z");
        Assert.Equal("Running", (string?)PodSecurity.InitialStatus(NodeShellPod(), now)["phase"]);
        Assert.Equal("Pending", (string?)PodSecurity.InitialStatus(new JsonObject { ["spec"] = new JsonObject() }, now)["phase"]);
    }
}
