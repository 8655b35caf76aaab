using System.Diagnostics;
using Kstack.Envelope;

namespace Kstack.Panes;

/// <summary>
/// The tmux commands kstack uses. Session targets are always exact (`=name`), so a name can never prefix-match
/// someone else's session. The server is the user's default one (TMUX_TMPDIR / TMUX socket rules apply).
/// </summary>
internal static class Tmux
{
    public sealed record Result(int Exit, string Stdout, string Stderr);

    public static bool Available() => Which("tmux") is not null;

    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    public static string AttachCommand(string session) => $"tmux attach -t {session}";

    public static bool HasSession(string session) => Run(["has-session", "-t", "=" + session]).Exit == 0;

    public static IReadOnlyList<string> Sessions()
    {
        var r = Run(["list-sessions", "-F", "#{session_name}"]);
        return r.Exit != 0 ? [] : r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Starts a detached session running argv directly (no shell), keeping the pane after the command exits, with
    /// <paramref name="status"/> as the left of its status line (tmux formats escaped: `#` doubled, length capped).
    /// </summary>
    public static void NewSession(string session, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, string? status = null)
    {
        var args = new List<string> { "new-session", "-d", "-s", session, "-x", "200", "-y", "50" };
        foreach (var (k, v) in env) { args.Add("-e"); args.Add($"{k}={v}"); }
        args.Add("--");
        args.AddRange(argv);
        // Same server round-trip: the option is set before the child can exit, so errors stay readable in the pane.
        args.AddRange([";", "set-option", "-w", "-t", $"={session}:", "remain-on-exit", "on"]);
        if (status is not null)
            args.AddRange([";", "set-option", "-t", $"={session}:", "status-left", FormatLiteral(status),
                ";", "set-option", "-t", $"={session}:", "status-left-length", "100"]);
        var r = Run(args);
        if (r.Exit != 0) throw KstackException.Infra($"tmux could not start session {session}: {FirstLine(r.Stderr)}");
    }

    /// <summary>Text shown literally in a tmux format option: `#` starts a format (#(cmd) would run a command), so it is doubled.</summary>
    public static string FormatLiteral(string text) => text.Replace("#", "##");

    /// <summary>Replaces the program in the session's pane (kills the running one) with argv; the pane history stays.</summary>
    public static void Respawn(string session, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env)
    {
        var args = new List<string> { "respawn-pane", "-k", "-t", $"={session}:" };
        foreach (var (k, v) in env) { args.Add("-e"); args.Add($"{k}={v}"); }
        args.Add("--");
        args.AddRange(argv);
        var r = Run(args);
        if (r.Exit != 0) throw KstackException.Infra($"tmux could not restart the pane of {session}: {FirstLine(r.Stderr)}");
    }

    /// <summary>"running", "exited (status N)" when the pane's program ended (remain-on-exit keeps the pane), or "ended".</summary>
    public static string PaneState(string session)
    {
        var r = Run(["list-panes", "-t", $"={session}:", "-F", "#{pane_dead} #{pane_dead_status}"]);
        if (r.Exit != 0) return "ended";
        var parts = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(' ') ?? [];
        if (parts.Length == 0 || parts[0] != "1") return "running";
        return parts.Length > 1 && parts[1].Length > 0 ? $"exited (status {parts[1]})" : "exited";
    }

    /// <summary>The pane's history and screen, joined lines, trailing blank lines removed.</summary>
    public static IReadOnlyList<string> Capture(string session, int historyLines)
    {
        var r = Run(["capture-pane", "-p", "-J", "-t", $"={session}:", "-S", $"-{historyLines}"]);
        if (r.Exit != 0) throw KstackException.User($"tmux could not read session {session}: {FirstLine(r.Stderr)}");
        var lines = r.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>Types text literally (no key-name interpretation), then Enter.</summary>
    public static void SendLine(string session, string text)
    {
        var r = Run(["send-keys", "-t", $"={session}:", "-l", "--", text]);
        if (r.Exit == 0) r = Run(["send-keys", "-t", $"={session}:", "Enter"]);
        if (r.Exit != 0) throw KstackException.User($"tmux could not type into session {session}: {FirstLine(r.Stderr)}");
    }

    public static bool KillSession(string session) => Run(["kill-session", "-t", "=" + session]).Exit == 0;

    public static Result Run(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Inside a tmux client TMUX points at the current server; kstack targets the default one by socket rules.
        psi.Environment.Remove("TMUX");
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000))
            {
                p.Kill(entireProcessTree: true);
                return new Result(124, "", "tmux did not answer within 10s");
            }
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw KstackException.User("tmux is not installed or not on PATH. Install it (apt install tmux / brew install tmux) and run the skill again.");
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
