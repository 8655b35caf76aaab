using System.Diagnostics;
using System.Text;
using Xunit;

namespace Kstack.Tests.Support;

/// <summary>Locates the repository and the built binaries, and runs them as real processes.</summary>
public static class KstackProcess
{
    public sealed record Output(int Exit, string Stdout, string Stderr);

    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Kstack.slnx"))) return d.FullName;
            throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>KSTACK_BIN, else &lt;repo&gt;/artifacts/bin/kstack; a missing binary fails the test (the test command builds it).</summary>
    public static string KstackBin
    {
        get
        {
            var bin = Environment.GetEnvironmentVariable("KSTACK_BIN") is { Length: > 0 } b ? b : Path.Combine(RepoRoot, "artifacts", "bin", "kstack");
            Assert.True(File.Exists(bin), $"kstack binary not found at {bin}: run `make build-kstack` first (or set KSTACK_BIN).");
            return bin;
        }
    }

    /// <summary>
    /// Runs a binary with the given environment overrides (null removes a variable; kstack's own variables are always
    /// cleared first) and waits for it; fails the test on a hang.
    /// </summary>
    public static Output Run(string binary, IEnumerable<string> args, IReadOnlyDictionary<string, string?> env,
        string? cwd = null, string? stdin = null, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = new UTF8Encoding(false, throwOnInvalidBytes: true),
            UseShellExecute = false,
        };
        if (cwd is not null) psi.WorkingDirectory = cwd;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var v in new[] { "KSTACK_ROOT", "KSTACK_KUBE_CONTEXT", "KUBECONFIG", "KSTACK_DEBUG", "XDG_CONFIG_HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "HERMES_HOME", "PI_CODING_AGENT_DIR", "KSTACK_CACHE_DIR", "KSTACK_UPDATE_FEED" }) psi.Environment.Remove(v);
        // No test asks a real feed: the update-check tests enable it (null) and point KSTACK_UPDATE_FEED at a local server.
        psi.Environment["KSTACK_NO_UPDATE_CHECK"] = "1";
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(binary)} {string.Join(' ', args)} did not exit within {timeoutMs / 1000} s");
        }
        return new Output(p.ExitCode, stdout.Result, stderr.Result);
    }
}
