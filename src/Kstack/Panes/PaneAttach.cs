using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Panes;

/// <summary>--attach for /logs and /exec: how to open a running kstack session of that mode.</summary>
internal static class PaneAttach
{
    /// <summary>--attach: the attach command for an existing session of this mode (matching the text when given).</summary>
    public static Env Attach(PaneStore store, string mode, string text)
    {
        var live = store.All().Where(r => r.Mode == mode && Tmux.HasSession(r.Session)).ToList();
        var slug = text.Length == 0 ? null : PaneStore.Slug(text);
        var match = slug is null ? live : live.Where(r => r.Session.StartsWith($"kstack-{mode}-{slug}", StringComparison.Ordinal)).ToList();
        if (match.Count == 0)
            throw KstackException.User(live.Count == 0 ? $"No running kstack {mode} session to attach to." : $"No running kstack {mode} session matches `{TerminalText.Clean(text)}`.");
        if (match.Count > 1)
            throw KstackException.User($"Several kstack {mode} sessions match; name one: " + string.Join(", ", match.Where(r => r.Trust != PaneTrust.Detached).Select(r => r.Session)) + ".");
        var r = match[0];
        return Env.Verbatim(string.Join('\n',
            $"Session {r.Session} is running.",
            $"  Target: {DataText.Token(r.Target, 120)}",
            $"  Trust:  {PaneLauncher.TrustLine(r.Trust)}",
            $"  tmux:   {Tmux.AttachCommand(r.Session)}",
            "  " + (r.Trust == PaneTrust.Detached ? "Open it yourself in a terminal with the tmux command above." : PaneLauncher.TryOpenWindow(r.Session))),
            PaneLauncher.AgentContext(r));
    }
}
