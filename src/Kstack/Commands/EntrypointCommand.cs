using System.CommandLine;
using System.CommandLine.Parsing;
using Kstack.Cli;
using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>
/// `kstack entrypoint --skill-dir=&lt;dir&gt; -- &lt;user args&gt;`: the calling convention rendered into every SKILL.md.
/// The slot (the slash command the user typed) is the skill directory's name.
/// </summary>
internal static class EntrypointCommand
{
    private static readonly Option<string?> SkillDir = new("--skill-dir") { Description = "The installed skill directory (its name is the slot)" };
    private static readonly Argument<string[]> UserArgs = new("args") { Arity = ArgumentArity.ZeroOrMore, Description = "The user's arguments, after --" };

    /// <summary>`kstack entrypoint` on the root command (called by the rendered SKILL.md files, not by people).</summary>
    public static VerbCommand Build() => new("entrypoint", "Run a skill as its SKILL.md does: --skill-dir=<slot dir> -- <user args>",
        (call, ct) => InvokeAsync(call.Parsed, ct))
    {
        Options = { SkillDir },
        Arguments = { UserArgs },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static async Task<Env> InvokeAsync(ParseResult parsed, CancellationToken ct)
    {
        // Everything after the first `--` belongs to the user, verbatim; nothing else may stand before it.
        var tokens = parsed.Tokens;
        var separator = tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        for (var i = 0; i < (separator < 0 ? tokens.Count : separator); i++)
        {
            var isSkillDirValue = i > 0 && tokens[i - 1].Type == TokenType.Option && tokens[i - 1].Value == SkillDir.Name;
            if (tokens[i].Type == TokenType.Argument && !isSkillDirValue)
                return Env.InfraError($"Unexpected flag before '--': {ArgumentText.Cap(tokens[i].Value)}. Reinstall kstack.");
        }
        if (parsed.Errors.Count > 0 || parsed.GetValue(SkillDir) is not { Length: > 0 } skillDir)
            return Env.InfraError("--skill-dir is required. Reinstall kstack.");
        if (separator < 0) return Env.InfraError("Missing '--' separator before user args. Reinstall kstack.");

        var slot = Path.GetFileName(Path.TrimEndingDirectorySeparator(skillDir));
        var skill = SkillCatalogue.SkillForSlot(slot);
        var command = skill is null ? null : SkillCatalogue.Create(skill);
        if (command is null) return Env.InfraError($"Skill /{TerminalText.Clean(slot)} is not part of this kstack build. Reinstall kstack.");
        return await command.InvokeAsync(slot, parsed.GetValue(UserArgs) ?? [], ct, Invocation(skillDir, slot));
    }

    /// <summary>The agent's syntax for this slot, recorded by install in references/invocation.txt; `/slot` when absent.</summary>
    public static string Invocation(string skillDir, string slot)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(skillDir, "references", "invocation.txt")).Trim();
            return Install.AgentTable.All.Any(a => a.Invocation(slot) == text) ? text : "/" + slot;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "/" + slot;
        }
    }
}
