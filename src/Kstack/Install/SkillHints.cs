using Kstack.Commands;

namespace Kstack.Install;

/// <summary>Per-skill facts the installer renders into agent-specific frontmatter, from the skill descriptor.</summary>
internal static class SkillHints
{
    public static string? ArgumentHint(Func<string, string?> read, string skill) =>
        SkillCatalogue.Find(skill)?.ArgumentHint is { Length: > 0 } hint ? hint : null;

    /// <summary>True when the descriptor says so or the skill's template sets `disable-model-invocation: true` (exec, forget).</summary>
    public static bool IsUserInvokedOnly(Func<string, string?> read, string skill) =>
        SkillCatalogue.Find(skill)?.UserInvokedOnly == true
        || read(SkillRenderer.TemplateName(skill)) is { } template
        && template.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').TakeWhile((l, i) => i == 0 || l != "---")
            .Any(l => l.Trim() == SkillRenderer.DisableModelInvocation + ": true");
}
