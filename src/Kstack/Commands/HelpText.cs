using System.Text;

namespace Kstack.Commands;

/// <summary>A skill's --help text and its SKILL.md flags table, both rendered from its <see cref="SkillDescriptor"/>.</summary>
internal static class HelpText
{
    public const string DocsBase = "https://kstack.sh/reference/skills/";
    private const int UsageWidth = 110;

    public static string For(string skill, string slot) =>
        SkillCatalogue.Find(skill) is { } d ? For(d, slot) : $"/{slot}\n\nReference docs: {DocsBase}{skill}";

    /// <summary>The help in the agent's syntax: every `/slot` the user would type becomes the invocation (`$kstack-logs`).</summary>
    public static string For(SkillDescriptor skill, string slot, string invocation) =>
        invocation == "/" + slot ? For(skill, slot) : For(skill, slot).Replace("/" + slot, invocation, StringComparison.Ordinal);

    public static string For(SkillDescriptor skill, string slot)
    {
        var sb = new StringBuilder();
        sb.Append($"/{slot} — {skill.Summary}\n\n");
        sb.Append(Usage(skill, slot)).Append("\n\n");

        var rows = new List<(string Left, string Right)>();
        if (skill.Target is { } target) rows.Add((target.ValueName, target.Help));
        rows.AddRange(skill.Flags.Select(f => (f.Synopsis, f.Description)));
        var global = GlobalFlags.For(skill).Select(f => (f.Synopsis, f.Description)).ToList();
        var width = rows.Concat(global).Max(r => r.Item1.Length) + 2;
        foreach (var (left, right) in rows) sb.Append("  ").Append(left.PadRight(width)).Append(right).Append('\n');
        if (rows.Count > 0) sb.Append('\n');
        sb.Append("Global flags:\n");
        foreach (var (left, right) in global) sb.Append("  ").Append(left.PadRight(width)).Append(right).Append('\n');

        sb.Append("\nExamples:\n");
        var exampleWidth = skill.Examples.Max(e => Invocation(slot, e).Length) + 2;
        foreach (var e in skill.Examples) sb.Append("  ").Append(Invocation(slot, e).PadRight(exampleWidth)).Append(e.What).Append('\n');

        if (skill.Notes is { } notes) sb.Append('\n').Append(notes.TrimEnd()).Append('\n');
        sb.Append($"\nReference docs: {DocsBase}{skill.Name}");
        return sb.ToString();
    }

    private static string Invocation(string slot, SkillExample e) => e.Args.Length == 0 ? $"/{slot}" : $"/{slot} {e.Args}";

    /// <summary>"Usage: /slot &lt;target&gt; [--flag &lt;value&gt;] …", wrapped under the first word.</summary>
    public static string Usage(SkillDescriptor skill, string slot)
    {
        var head = $"Usage: /{slot}";
        var words = skill.TargetWords().Concat(skill.AllFlags.Where(f => f != GlobalFlags.Help).Select(f => $"[{f.Synopsis.Replace(", ", "|", StringComparison.Ordinal)}]"));
        var sb = new StringBuilder(head);
        var line = head.Length;
        foreach (var w in words)
        {
            if (line + 1 + w.Length > UsageWidth)
            {
                sb.Append('\n').Append(' ', head.Length);
                line = head.Length;
            }
            sb.Append(' ').Append(w);
            line += 1 + w.Length;
        }
        return sb.ToString();
    }

    /// <summary>The flags section of the rendered SKILL.md: one Markdown table row per accepted flag, with the rule for the agent.</summary>
    public static string FlagsTable(SkillDescriptor skill)
    {
        var sb = new StringBuilder("| Flag | Rule |\n|---|---|\n");
        if (skill.Target is { } target) sb.Append($"| `{target.ValueName}` | {Cell(target.Help)} |\n");
        foreach (var f in skill.AllFlags)
            sb.Append($"| {Cell(string.Join(", ", f.Spellings.Select(s => $"`{s}{(f.ValueName is null ? "" : " " + f.ValueName)}`")))} | {Cell(f.AgentRule ?? f.Description)} |\n");
        return sb.ToString().TrimEnd('\n');
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
