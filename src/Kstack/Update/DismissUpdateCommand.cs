using System.CommandLine;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Update;

/// <summary>`kstack dismiss-update [--for &lt;duration&gt;] [--version &lt;v&gt;]`: hides the update notice.</summary>
internal static class DismissUpdateCommand
{
    public const string Usage =
        """
        kstack dismiss-update — hide the "newer kstack available" notice.

        Usage: kstack dismiss-update [--for <duration>] [--version <v>]

          (no flag)          Hide it for the newest known release; a later release shows again
          --version <v>      Hide it for release <v> and older
          --for <duration>   Snooze every update notice for a while (e.g. 7d, 12h)
          -h, --help         Show this help

        To turn the check off: KSTACK_NO_UPDATE_CHECK=1, or create <root>/state/global/update-check-disabled.
        """;

    private static readonly Option<string?> For = new("--for") { Description = "Snooze every update notice (7d, 12h)", HelpName = "duration" };
    private static readonly Option<string?> Version = new("--version") { Description = "Hide the notice for this release and older", HelpName = "v" };
    private static readonly Option<bool> Help = new("--help", "-h") { Description = "Show this help" };

    public static VerbCommand Build() => new("dismiss-update", "Hide the update notice (for a release, or for a while)",
        (call, _) => Task.FromResult(Invoke(call.Parsed, InstallRoot.Resolve())))
    {
        Options = { For, Version, Help },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static Env Invoke(ParseResult parsed, InstallRoot root)
    {
        try
        {
            if (parsed.GetValue(Help)) return Env.Verbatim(Usage);
            if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown)
                throw KstackException.User($"Unknown flag `{ArgumentText.Cap(unknown)}`. Run `kstack dismiss-update --help` for usage.");
            foreach (var error in parsed.Errors) throw KstackException.User($"{error.Message} Run `kstack dismiss-update --help` for usage.");
            var snooze = parsed.GetValue(For) is { } text ? Duration.Parse("--for", text) : (TimeSpan?)null;
            var version = parsed.GetValue(Version);
            if (snooze is not null && version is not null) throw KstackException.User("Give --for or --version, not both.");
            return Env.Verbatim(UpdateCheck.Create(root).Dismiss(version, snooze));
        }
        catch (KstackException e)
        {
            return e.ToEnvelope();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Env.InfraError($"Cannot write the update state under {root.GlobalStateDir}: {TerminalText.Clean(e.Message)}");
        }
    }
}
