using System.Text;
using Kstack.Cli;
using Kstack.Commands;
using Kstack.Envelope;

namespace Kstack.Install;

/// <summary>The files of one rendered slot directory.</summary>
/// <param name="Invocation">What the user types in this agent (`/kstack-exec`, `$kstack-exec`); written to references/invocation.txt.</param>
/// <param name="OpenAiYaml">agents/openai.yaml for Codex's user-only policy, or null.</param>
internal sealed record RenderedSkill(string SkillMd, string HelpMd, string DocsUrl, string Invocation, string? OpenAiYaml);

/// <summary>
/// Renders skills/&lt;skill&gt;/SKILL.md.tmpl for one agent and slot: partial markers on their own line are replaced
/// by the partial, then placeholders are substituted in one literal pass (values are never re-scanned, so `&amp;`,
/// `$` or `{{` in a path are copied as is), then the frontmatter is adapted to the agent and checked.
/// </summary>
internal sealed class SkillRenderer(Func<string, string?> read)
{
    public static readonly SkillRenderer Embedded = new(Cli.Embedded.ReadText);

    public const string TemplateFile = "SKILL.md.tmpl";
    public static readonly string[] Partials = ["ENTRYPOINT", "GLOBAL_FLAGS", "PREAMBLE"];
    public const int MaxDescriptionLength = 1024;

    public const string DisableModelInvocation = "disable-model-invocation";
    public const string UserInvokedOnlyMetadata = "kstack-user-invoked-only";
    public const string ArgumentHint = "argument-hint";

    /// <summary>agents/openai.yaml: Codex keeps the skill out of the model's list; only `$slot` typed by the user runs it.</summary>
    public static string OpenAiPolicy(string invocation) =>
        $"# Written by kstack install: Codex runs this skill only when the user types {invocation}.\npolicy:\n  allow_implicit_invocation: false\n";

    /// <summary>The keys `skills-ref validate` accepts.</summary>
    public static readonly IReadOnlySet<string> StandardKeys =
        new HashSet<string>(["name", "description", "license", "compatibility", "allowed-tools", "metadata"], StringComparer.Ordinal);

    public static string TemplateName(string skill) => $"skills/{skill}/{TemplateFile}";

    public static string PartialName(string marker) => $"skills/_partials/{marker.ToLowerInvariant().Replace('_', '-')}.md";

    public bool HasTemplate(string skill) => read(TemplateName(skill)) is not null;

    public RenderedSkill Render(string skill, string slot, Agent agent, string rootDir, string skillDir)
    {
        var template = read(TemplateName(skill)) ?? throw KstackException.Infra($"Skill `{skill}` has no {TemplateFile} in this kstack build.");
        var kstack = Path.Combine(rootDir, "bin", OperatingSystem.IsWindows() ? "kstack.exe" : "kstack");
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["KSTACK"] = kstack,
            ["KSTACK_SH"] = ShellQuote(kstack),
            ["ROOT_DIR"] = rootDir,
            ["SKILL_DIR"] = skillDir,
            ["SKILL_DIR_SH"] = ShellQuote(skillDir),
            ["SKILL_NAME"] = slot,
            ["SKILL"] = skill,
            ["AGENT"] = agent.Name,
            ["SKILL_FLAGS"] = SkillCatalogue.Find(skill) is { } descriptor ? HelpText.FlagsTable(descriptor) : "",
            ["INVOKE"] = agent.Invocation(slot),
        };
        var text = Substitute(ExpandPartials(Normalise(template)), values);
        var help = (SkillCatalogue.Find(skill) is { } d ? HelpText.For(d, slot, agent.Invocation(slot)) : HelpText.For(skill, slot)).TrimEnd() + "\n";
        var claude = agent == AgentTable.Claude ? ClaudeKeys(skill, kstack, skillDir) : [];
        var (skillMd, userOnly) = AdaptFrontmatter(text, agent, slot, claude);
        var policy = userOnly && agent.Control == UserOnlyControl.OpenAiPolicyFile ? OpenAiPolicy(agent.Invocation(slot)) : null;
        return new RenderedSkill(skillMd, help, HelpText.DocsBase + skill + "\n", agent.Invocation(slot) + "\n", policy);
    }

    /// <summary>
    /// Claude Code only: `argument-hint` (the usage line of the skill's help) and, for skills the model may run,
    /// `allowed-tools` pre-approving exactly this skill's entrypoint command (with and without arguments) and nothing else.
    /// User-invoked-only skills get no pre-approval: Claude asks before each of their calls.
    /// </summary>
    private List<string> ClaudeKeys(string skill, string kstack, string skillDir)
    {
        var lines = new List<string>();
        if (SkillHints.ArgumentHint(read, skill) is { Length: > 0 } hint) lines.Add($"{ArgumentHint}: {YamlQuote(hint)}");
        if (SkillHints.IsUserInvokedOnly(read, skill)) return lines;
        var command = $"{ShellQuote(kstack)} entrypoint --skill-dir={ShellQuote(skillDir)} --";
        // A rule with parentheses, a wildcard or a quote in the path would not mean exactly this command: pre-approve nothing.
        if (command.Any(c => c is '(' or ')' or '*' or '"' or '\\' || char.IsControl(c))) return lines;
        lines.Add("allowed-tools:");
        lines.Add($"  - {YamlQuote($"Bash({command})")}");
        lines.Add($"  - {YamlQuote($"Bash({command} *)")}");
        return lines;
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    public static string YamlQuote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private string ExpandPartials(string template)
    {
        var sb = new StringBuilder(template.Length * 4);
        foreach (var line in template.Split('\n'))
        {
            var trimmed = line.Trim();
            var marker = Partials.FirstOrDefault(m => trimmed == "{{" + m + "}}");
            if (marker is null)
            {
                sb.Append(line).Append('\n');
                continue;
            }
            var partial = read(PartialName(marker)) ?? throw KstackException.Infra($"Partial {PartialName(marker)} is missing from this kstack build.");
            sb.Append(Normalise(partial).TrimEnd('\n')).Append('\n');
        }
        return sb.ToString(0, sb.Length - 1);
    }

    /// <summary>Replaces every `{{NAME}}` with its value in one left-to-right pass; an unknown NAME is an error.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder(text.Length + 256);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) break;
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) break;
            var name = text[(open + 2)..close];
            sb.Append(text, i, open - i);
            if (!IsPlaceholderName(name))
            {
                sb.Append("{{");
                i = open + 2;
                continue;
            }
            if (!values.TryGetValue(name, out var value))
                throw KstackException.Infra($"Unknown placeholder {{{{{name}}}}} in a skill template of this kstack build.");
            sb.Append(value);
            i = close + 2;
        }
        sb.Append(text, i, text.Length - i);
        return sb.ToString();
    }

    /// <summary>`[A-Z][A-Z0-9_]*`; anything else between braces (e.g. a Go template) is copied literally.</summary>
    private static bool IsPlaceholderName(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>
    /// Adapts the template's frontmatter to the agent: `disable-model-invocation` stays for agents that honour it, else it
    /// is recorded under `metadata` (Codex additionally gets agents/openai.yaml); Claude's own keys are added; the result
    /// is validated. Returns the text and whether the skill is user-invoked-only.
    /// </summary>
    private static (string Text, bool UserOnly) AdaptFrontmatter(string text, Agent agent, string slot, IReadOnlyList<string> extraLines)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count < 3 || lines[0] != "---") throw Bad(slot, "it does not start with a --- frontmatter block");
        var end = lines.IndexOf("---", 1);
        if (end < 0) throw Bad(slot, "its frontmatter is not closed with ---");

        var front = lines.GetRange(1, end - 1);
        var dmi = front.FindIndex(l => TopLevelKey(l) == DisableModelInvocation);
        var userOnly = dmi >= 0 && front[dmi][(DisableModelInvocation.Length + 1)..].Trim().Trim('"', '\'') == "true";
        var nativeKey = agent.Control == UserOnlyControl.DisableModelInvocation;
        if (dmi >= 0 && !nativeKey)
        {
            var value = front[dmi][(DisableModelInvocation.Length + 1)..].Trim().Trim('"', '\'');
            front.RemoveAt(dmi);
            var recorded = $"  {UserInvokedOnlyMetadata}: \"{value}\"";
            var meta = front.FindIndex(l => TopLevelKey(l) == "metadata");
            if (meta < 0) { front.Add("metadata:"); front.Add(recorded); }
            else front.Insert(meta + 1, recorded);
        }
        front.AddRange(extraLines);

        var keys = front.Select(TopLevelKey).OfType<string>().ToList();
        var name = Value(front, "name");
        if (name != slot || !SlotName.IsValid(name)) throw Bad(slot, $"its name `{name}` is not the slot name");
        var description = Value(front, "description");
        if (description is null || description.Length == 0 || description.Length > MaxDescriptionLength)
            throw Bad(slot, $"its description must be 1–{MaxDescriptionLength} characters on one line");
        var allowed = StandardKeys.ToHashSet();
        if (nativeKey) allowed.Add(DisableModelInvocation);
        if (agent == AgentTable.Claude) allowed.Add(ArgumentHint);
        if (keys.FirstOrDefault(k => !allowed.Contains(k)) is { } extra) throw Bad(slot, $"its frontmatter key `{extra}` is not allowed for {agent.Name}");
        if (keys.Count != keys.Distinct().Count()) throw Bad(slot, "its frontmatter repeats a key");

        return (string.Join('\n', new[] { "---" }.Concat(front).Concat(lines.Skip(end))), userOnly);
    }

    private static string? TopLevelKey(string line)
    {
        if (line.Length == 0 || line[0] is ' ' or '\t' or '#' or '-') return null;
        var colon = line.IndexOf(':');
        return colon > 0 ? line[..colon] : null;
    }

    private static string? Value(List<string> front, string key) =>
        front.FirstOrDefault(l => TopLevelKey(l) == key) is { } line ? line[(key.Length + 1)..].Trim() : null;

    private static KstackException Bad(string slot, string why) =>
        KstackException.Infra($"The SKILL.md rendered for /{slot} is invalid: {why}. This kstack build is broken.");

    /// <summary>A path as one POSIX shell word: as is when it only has safe characters, else single-quoted.</summary>
    public static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ',' or ':' or '@' or '%' or '=')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
