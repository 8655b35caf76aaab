using Kstack.Commands;
using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Cli;

/// <summary>Top-level dispatch: one verb, one envelope.</summary>
public static class KstackApp
{
    public static string Version =>
        typeof(KstackApp).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static async Task<Env> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help") return Env.Verbatim(TopHelp());
        if (args[0] is "--version" or "version") return Env.Verbatim($"kstack {Version}");
        var rest = args.Skip(1).ToArray();
        switch (args[0])
        {
            case "entrypoint":
                return await EntrypointCommand.InvokeAsync(rest, ct);
            case "install":
                return InstallCommand.Invoke(rest);
            case "uninstall":
                return UninstallCommand.Invoke(rest);
            case "pane":
                return await Panes.PaneCommand.InvokeAsync(rest, ct);
        }
        if (SkillCatalogue.Create(args[0]) is { } skill) return await skill.InvokeAsync(args[0], rest, ct);
        return Env.UserError($"Unknown command `{args[0]}`. Run `kstack --help` for usage.");
    }

    public static string TopHelp() =>
        $"kstack {Version} — safe Kubernetes monitoring, troubleshooting and auditing for AI agents.\n\n"
        + "Usage: kstack <skill> [flags] [free text]\n"
        + "       kstack install [--global|--local] [--agent <name>]... [--prefix <p>|--no-prefix] [--quiet]\n"
        + "       kstack uninstall [--agent <name>] [--force]\n"
        + "       kstack pane list | read <session> [--lines N] [--grep RE] | send <session> <text> | stop <session>\n\n"
        + "Skills: " + string.Join(", ", SkillCatalogue.Names) + "\n\n"
        + "Every command prints exactly one JSON response envelope on stdout. Run `kstack <skill> --help` for a skill's flags.";
}
