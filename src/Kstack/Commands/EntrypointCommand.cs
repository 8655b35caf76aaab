using Kstack.Envelope;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Commands;

/// <summary>
/// `kstack entrypoint --skill-dir=&lt;dir&gt; -- &lt;user args&gt;`: the calling convention rendered into every SKILL.md.
/// The slot (the slash command the user typed) is the skill directory's name.
/// </summary>
public static class EntrypointCommand
{
    public static async Task<Env> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        string? skillDir = null;
        var i = 0;
        for (; i < args.Count && args[i] != "--"; i++)
        {
            if (args[i].StartsWith("--skill-dir=", StringComparison.Ordinal)) skillDir = args[i]["--skill-dir=".Length..];
            else return Env.InfraError($"Unexpected flag before '--': {args[i]}. Reinstall kstack.");
        }
        if (string.IsNullOrEmpty(skillDir)) return Env.InfraError("--skill-dir is required. Reinstall kstack.");
        if (i >= args.Count) return Env.InfraError("Missing '--' separator before user args. Reinstall kstack.");

        var slot = Path.GetFileName(Path.TrimEndingDirectorySeparator(skillDir));
        var skill = SkillCatalogue.SkillForSlot(slot);
        var command = skill is null ? null : SkillCatalogue.Create(skill);
        if (command is null) return Env.InfraError($"Skill /{TerminalText.Clean(slot)} is not part of this kstack build. Reinstall kstack.");
        return await command.InvokeAsync(slot, args.Skip(i + 1).ToArray(), ct);
    }
}
