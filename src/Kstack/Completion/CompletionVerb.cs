using System.CommandLine;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Completion;

/// <summary>
/// `kstack completion bash|zsh|fish` prints the shell's completion script; `kstack completion targets` prints the
/// cached target names the scripts offer. Both print their text as it is (a shell reads it), the envelope with --json
/// and for errors.
/// </summary>
internal static class CompletionVerb
{
    public const string Usage =
        """
        kstack completion — shell completion for kstack's skills, commands and flags.

        Usage: kstack completion bash|zsh|fish

          bash   source <(kstack completion bash)      (or save it as ~/.local/share/bash-completion/completions/kstack)
          zsh    source <(kstack completion zsh)       (after compinit; or save it as _kstack on your $fpath)
          fish   kstack completion fish | source      (or save it as ~/.config/fish/completions/kstack.fish)
          -h, --help   Show this help

        The script is written from kstack's command definitions, so it matches this binary; write it again after an
        upgrade. For a skill's target (/investigate, /logs, /exec, /metrics) it offers the pod and node names of the
        current context's cached snapshot while that is fresh (15m); it never asks the cluster.
        """;

    private static readonly Argument<string?> Shell = CreateShellArgument();

    private static Argument<string?> CreateShellArgument()
    {
        var shell = new Argument<string?>("shell") { Arity = ArgumentArity.ZeroOrOne, Description = "bash, zsh or fish" };
        shell.CompletionSources.Add(ShellScripts.Shells);
        return shell;
    }
    private static readonly Option<bool> Help = new("--help", "-h") { Description = "Show this help" };
    private static readonly Option<bool> Json = new("--json") { Description = "Answer with the envelope" };

    private static readonly Option<string?> Context = new("--context") { Description = "The context whose cache to read" };
    private static readonly Option<string?> Namespace = new("--namespace", "-n") { Description = "Only pods in this namespace" };

    public static VerbCommand Build()
    {
        var targets = new VerbCommand("targets", "Print the cached target names the completion scripts offer",
            (call, _) => Task.FromResult(Targets(call.Parsed))) { Hidden = true, RawOutput = true, Options = { Context, Namespace, Json } };
        return new VerbCommand("completion", "Print the shell completion script (bash, zsh or fish)", (call, _) => Task.FromResult(Script(call.Parsed)))
        {
            RawOutput = true,
            Arguments = { Shell },
            Options = { Help, Json },
            Subcommands = { targets },
            TreatUnmatchedTokensAsErrors = false,
        };
    }

    private static Env Script(ParseResult parsed)
    {
        if (parsed.GetValue(Help)) return Env.Verbatim(Usage);
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown)
            return Env.UserError($"Unknown flag `{ArgumentText.Cap(unknown)}`. Run `kstack completion --help` for usage.");
        var shell = parsed.GetValue(Shell);
        if (shell is null) return Env.UserError("Name a shell: `kstack completion bash`, `zsh` or `fish`.");
        if (!ShellScripts.Shells.Contains(shell))
            return Env.UserError($"No completion for the shell `{ArgumentText.Cap(shell)}`; kstack writes it for bash, zsh and fish.");
        return Env.Verbatim(ShellScripts.For(shell, CompletionModel.Build(), KstackApp.Version));
    }

    private static Env Targets(ParseResult parsed)
    {
        try
        {
            if (CompletionTargets.Context(parsed.GetValue(Context)) is not { } context) return Env.Verbatim("");
            var dir = CompletionTargets.CacheDir(InstallRoot.Resolve(), context);
            return Env.Verbatim(string.Join("\n", CompletionTargets.Names(dir, parsed.GetValue(Namespace), DateTime.UtcNow)));
        }
        catch (KstackException e)
        {
            return e.ToEnvelope();
        }
    }
}
