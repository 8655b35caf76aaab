using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Terminal;

public class StderrProgressTests
{
    /// <summary>Runs a command with stderr on a pseudo-terminal and stdout on a pipe (python's pty module), returning both.</summary>
    private const string PtyRunner = """
        import json, os, pty, select, subprocess, sys
        master, slave = pty.openpty()
        p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        err = b""
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                err += chunk
            elif p.poll() is not None:
                break
        out = p.stdout.read()
        p.wait()
        sys.stdout.write(json.dumps({"exit": p.returncode, "stdout": out.decode(), "stderr": err.decode("utf-8", "replace")}))
        """;

    private const string SlowPods = "rules:\n- path: \"^/api/v1/pods\"\n  latencyMs: 3500\n  count: 1\n";

    [Fact]
    public async Task A_slow_fetch_shows_progress_on_a_terminal_stderr_and_never_on_stdout()
    {
        await using var sim = await SimCluster.StartAsync("demo", faultsYaml: SlowPods);
        var run = KstackProcess.Run("python3", ["-c", PtyRunner, KstackProcess.KstackBin, "cluster-status"], new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = sim.Server.KubeconfigPath, ["KSTACK_ROOT"] = sim.Root, ["HOME"] = sim.Home,
        });
        Assert.True(run.Exit == 0, run.Stderr);
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal(0, (int)result["exit"]!);
        var envelope = EnvelopeAssert.Valid((string)result["stdout"]!);
        Assert.Equal("ok", (string?)envelope["status"]);
        Assert.DoesNotContain("kstack: ", (string)result["stdout"]!);
        var stderr = (string)result["stderr"]!;
        // The first tick is due after 2 s; on a busy machine it may come later, so only its lower bound is asserted.
        var seconds = Assert.Single(System.Text.RegularExpressions.Regex.Matches(stderr, @"^\rkstack: cluster-status: reading context sim-admin… (\d+)s")).Groups[1].Value;
        Assert.True(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) >= 2, stderr);
        Assert.EndsWith("\r", stderr); // the line is erased when the call ends
    }

    [Fact]
    public async Task A_slow_fetch_with_redirected_stderr_prints_nothing_there()
    {
        await using var sim = await SimCluster.StartAsync("demo", faultsYaml: SlowPods);
        sim.Kstack("cluster-status").AssertOk(); // asserts an empty stderr
    }
}
