using System.Diagnostics;
using System.Text.Json;
using Kstack.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Panes;

/// <summary>Starts recorded tmux sessions and words what the user and the agent get for each trust setting.</summary>
internal static class PaneLauncher
{
    /// <summary>Environment a pane command needs from this process (tmux children inherit the server's, not ours).</summary>
    public static Dictionary<string, string> PaneEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in new[] { "KUBECONFIG", "KSTACK_ROOT", "HOME", "PATH", "NO_COLOR" })
            if (Environment.GetEnvironmentVariable(k) is { Length: > 0 } v) env[k] = v;
        return env;
    }

    public static void RequireTmux()
    {
        if (!Tmux.Available())
            throw KstackException.User("tmux is not installed or not on PATH. Install it (apt install tmux / brew install tmux) and run the skill again; kstack never falls back to an unshared terminal.");
    }

    /// <summary>
    /// How a human runs this kstack: `kstack` when that name on PATH is this very binary, otherwise its full path
    /// (shell-quoted), so a banner's command works as typed.
    /// </summary>
    public static string SelfCommand()
    {
        var self = Environment.ProcessPath;
        if (self is null) return "kstack";
        var onPath = Tmux.Which("kstack");
        try
        {
            if (onPath is not null && Path.GetFullPath(new FileInfo(onPath).ResolveLinkTarget(true)?.FullName ?? onPath) == Path.GetFullPath(new FileInfo(self).ResolveLinkTarget(true)?.FullName ?? self))
                return "kstack";
        }
        catch (IOException) { }
        return ShellQuote(self);
    }

    /// <summary>
    /// The first line of every pane: mode, context, target and trust setting, what the agent may do there, and how to
    /// end it. Cluster and user text in it is framed; the whole line is neutralised when written.
    /// </summary>
    public static string PaneHeader(string mode, string context, string target, string trust, string? session, string? execMode)
    {
        var agent = trust switch
        {
            "detached" => "kstack gives the agent no way to read or type into this pane",
            "trusted" => mode == "exec"
                ? "the agent may type into this shell (kstack pane send) and read it; start with --detach for a pane it cannot type into"
                : "the agent may replace this query (kstack pane send) and read this pane",
            _ => mode == "exec"
                ? "the agent may type into this shell (kstack pane send) but not read it; start with --detach for a pane it cannot type into"
                : "the agent may replace this query (kstack pane send) but not read this pane",
        };
        var end = session is null ? "Ctrl-C ends it" : $"end it with: {SelfCommand()} pane stop {session}";
        return $"# kstack {mode} · context {DataText.Token(context, 80)} · target {DataText.Token(target, 120)}"
               + (execMode is null ? "" : $" · mode {execMode}") + $" · trust {trust} — {agent}; {end}";
    }

    /// <summary>Records the session, then starts it; the record is removed again if tmux fails.</summary>
    public static void Start(PaneStore store, PaneRecord record, IReadOnlyList<string> argv)
    {
        store.Save(record);
        try { Tmux.NewSession(record.Session, argv, PaneEnvironment(), StatusLine(record)); }
        catch
        {
            store.Delete(record.Session);
            throw;
        }
    }

    /// <summary>The tmux status line of a kstack session: mode and pinned context, neutralised.</summary>
    public static string StatusLine(PaneRecord record) =>
        Skills.Logs.LogFollower.PaneLine($"kstack {record.Mode} · {DataText.Token(record.Context, 60)} · {PaneRecord.TrustName(record.Trust)} ");

    public static PaneTrust TrustFrom(bool trustPane, bool detach)
    {
        if (trustPane && detach) throw KstackException.User("--trust-pane and --detach contradict each other: --detach gives the agent no access at all. Pick one.");
        return detach ? PaneTrust.Detached : trustPane ? PaneTrust.Trusted : PaneTrust.Default;
    }

    public static string TrustLine(PaneTrust trust) => trust switch
    {
        PaneTrust.Trusted => "trusted (--trust-pane) — the agent may type into the pane and read bounded, redacted slices of it",
        PaneTrust.Detached => "detached (--detach) — kstack gives the agent no way to read or type into this pane; only your terminal can",
        _ => "default — the agent may type into the pane but kstack refuses to let it read the pane (start with --trust-pane to allow reads)",
    };

    /// <summary>agent_context for a started pane: the handle only when the agent may use it.</summary>
    public static string? AgentContext(PaneRecord record, string? mode = null, string? ns = null, int? pods = null) =>
        record.Trust == PaneTrust.Detached ? null
            : Dto.Serialize(new PaneAgentContext(record.Session, record.Trust, record.Trust == PaneTrust.Trusted, true, mode, ns, pods),
                PaneStateJson.Default.PaneAgentContext);

    /// <summary>
    /// Opens a terminal window attached to the session when a display is present; never required and never fatal.
    /// Returns a line for the banner.
    /// </summary>
    public static string TryOpenWindow(string session)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            return "No display found: open the session in your terminal with the tmux command above.";
        foreach (var (exe, args) in new (string, string[])[]
                 {
                     ("x-terminal-emulator", ["-e", "tmux", "attach", "-t", session]),
                     ("gnome-terminal", ["--", "tmux", "attach", "-t", session]),
                 })
        {
            if (Tmux.Which(exe) is null) continue;
            try
            {
                var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi);
                return $"Opened a terminal window ({exe}) attached to the session.";
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return "Could not open a terminal window: use the tmux command above.";
    }

    /// <summary>Quotes argv for display the way a POSIX shell would read it back.</summary>
    public static string ShellJoin(IEnumerable<string> argv) => string.Join(' ', argv.Select(ShellQuote));

    public static string ShellQuote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=' or '/' or '.' or ':' or ',' or '@' or '+')
            ? a : "'" + a.Replace("'", "'\\''") + "'";
}
