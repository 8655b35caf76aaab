using Kstack.Cli;

namespace Kstack.Commands;

/// <summary>Help for a skill: its embedded help.md, the global flags table and the reference docs URL.</summary>
public static class HelpText
{
    public const string DocsBase = "https://kstack.sh/reference/skills/";

    public static string For(string skill, string slot)
    {
        var body = Embedded.ReadText($"skills/{skill}/help.md")?.TrimEnd() ?? $"/{slot}";
        var flags = Embedded.ReadText("skills/_partials/global-flags-help.md")?.TrimEnd() ?? "";
        return (body + "\n\n" + flags).Replace("{{SLOT}}", slot, StringComparison.Ordinal).TrimEnd()
               + $"\n\nReference docs: {DocsBase}{skill}";
    }
}
