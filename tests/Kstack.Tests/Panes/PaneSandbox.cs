using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Panes;

/// <summary>
/// kstack-sim plus a private tmux server (TMUX_TMPDIR inside the sim's temp dir): kstack runs with that environment,
/// and disposal kills the tmux server, which ends every pane process the test started.
/// </summary>
public sealed class PaneSandbox : IAsyncDisposable
{
    private PaneSandbox(SimCluster sim, string tmuxDir)
    {
        Sim = sim;
        TmuxDir = tmuxDir;
    }

    public SimCluster Sim { get; }
    public string TmuxDir { get; }

    public static Task<PaneSandbox> StartAsync(string scenario, string? faultsYaml = null) => StartMergedAsync([scenario], faultsYaml);

    public static async Task<PaneSandbox> StartMergedAsync(IReadOnlyList<string> scenarios, string? faultsYaml = null)
    {
        var sim = await SimCluster.StartMergedAsync(scenarios, faultsYaml);
        // Short path: tmux sockets must fit in sun_path.
        var tmux = Directory.CreateTempSubdirectory("kt-").FullName;
        return new PaneSandbox(sim, tmux);
    }

    public Dictionary<string, string?> Env => new()
    {
        ["KUBECONFIG"] = Sim.Server.KubeconfigPath, ["KSTACK_ROOT"] = Sim.Root, ["HOME"] = Sim.Home, ["TMUX_TMPDIR"] = TmuxDir,
        ["TMUX"] = null, ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null,
    };

    public SimCluster.Run Kstack(params string[] args) => SimCluster.KstackIn(Env, args);

    public KstackProcess.Output Tmux(params string[] args) => KstackProcess.Run("tmux", args, Env, timeoutMs: 10_000);

    public KstackProcess.Output Kubectl(string? stdin, params string[] args) =>
        KstackProcess.Run("kubectl", args, Env, stdin: stdin, timeoutMs: 30_000);

    public string Capture(string session) => Tmux("capture-pane", "-p", "-J", "-t", $"={session}:", "-S", "-1000").Stdout;

    /// <summary>Polls the pane until the predicate holds (or fails the test after the timeout).</summary>
    public async Task<string> WaitForPane(string session, Func<string, bool> done, int timeoutMs = 15_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        string text;
        while (!done(text = Capture(session)))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"pane {session} never matched; it shows:\n{text}");
            await Task.Delay(100);
        }
        return text;
    }

    public static string Session(SimCluster.Run run)
    {
        var m = System.Text.RegularExpressions.Regex.Match(run.Content, @"tmux attach -t (kstack-[a-z0-9-]+)");
        Assert.True(m.Success, "no tmux attach command in: " + run.Content);
        return m.Groups[1].Value;
    }

    public JsonObject? Record(string session)
    {
        var path = Path.Combine(Sim.Root, "state", "panes", session + ".json");
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : null;
    }

    public async ValueTask DisposeAsync()
    {
        Tmux("kill-server");
        try { Directory.Delete(TmuxDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Sim.DisposeAsync();
    }
}
