using System.CommandLine;
using System.Text.RegularExpressions;
using Kstack.Commands;
using Kstack.Install;
using Xunit;

namespace Kstack.Tests.Commands;

/// <summary>--help and the SKILL.md flags table come from the descriptor, so they list exactly what the parser accepts.</summary>
public sealed partial class HelpTextTests
{
    public static TheoryData<string> Skills()
    {
        var data = new TheoryData<string>();
        foreach (var name in SkillCatalogue.Names) data.Add(name);
        return data;
    }

    /// <summary>Every spelling of every option of the command the skill's parser is built from.</summary>
    private static SortedSet<string> Accepted(SkillDescriptor skill) =>
        new(GlobalFlags.BuildCommand(skill).Options.SelectMany(o => o.Aliases.Prepend(o.Name)), StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z-]*")]
    private static partial Regex FlagWord();

    [Theory]
    [MemberData(nameof(Skills))]
    public void Help_lists_exactly_the_options_the_parser_accepts(string name)
    {
        var skill = SkillCatalogue.Find(name)!;
        var help = HelpText.For(skill, "kstack-" + name);
        // The option table: lines "  -x, --flag <value>   description".
        var listed = new SortedSet<string>(help.Split('\n').Where(l => l.StartsWith("  -", StringComparison.Ordinal))
            .SelectMany(l => FlagWord().Matches(l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[0]).Select(m => m.Value)), StringComparer.Ordinal);
        Assert.Equal(Accepted(skill), listed);
        // No flag the parser rejects anywhere in the text (usage, examples, notes).
        var mentioned = FlagWord().Matches(help).Select(m => m.Value).ToHashSet();
        Assert.Empty(mentioned.Except(Accepted(skill)));
    }

    [Theory]
    [MemberData(nameof(Skills))]
    public void Every_skill_has_two_examples_that_parse_cleanly(string name)
    {
        var skill = SkillCatalogue.Find(name)!;
        Assert.True(skill.Examples.Count >= 2, $"{name} has fewer than two examples");
        foreach (var example in skill.Examples)
        {
            var words = Regex.Matches(example.Args, @"'[^']*'|\S+").Select(m => m.Value.Trim('\'')).ToArray();
            var parsed = GlobalFlags.BuildCommand(skill).Parse(words, Kstack.Cli.KstackApp.Parser);
            Assert.Empty(parsed.Errors);
            Assert.Empty(parsed.UnmatchedTokens);
            Assert.DoesNotContain(GlobalFlags.FreeText(parsed), w => w.StartsWith('-'));
            Assert.Contains($"/kstack-{name} {example.Args}".TrimEnd(), HelpText.For(skill, "kstack-" + name));
        }
    }

    [Fact]
    public void Cached_skills_alone_take_refresh_and_ttl_with_their_default()
    {
        foreach (var skill in SkillCatalogue.All)
        {
            var help = HelpText.For(skill, skill.Name);
            Assert.Equal(skill.Cached, help.Contains("--refresh"));
            Assert.Equal(skill.Cached, help.Contains("--ttl <duration>"));
            if (skill.DefaultTtl is { } ttl) Assert.Contains($"(default {ttl})", help);
        }
        Assert.Equal(["alerts", "audit-cost", "audit-network", "audit-security", "cluster-status", "events", "karpenter", "metrics"], SkillCatalogue.All.Where(s => s.Cached).Select(s => s.Name));
    }

    [Theory]
    [MemberData(nameof(Skills))]
    public void The_rendered_flags_table_has_one_row_per_accepted_flag(string name)
    {
        var skill = SkillCatalogue.Find(name)!;
        var md = SkillRenderer.Embedded.Render(name, "kstack-" + name, AgentTable.Find("claude")!, "/r", "/s/kstack-" + name).SkillMd;
        var section = md[md.IndexOf("\n## Flags\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| `-", StringComparison.Ordinal)).ToList();
        Assert.Equal(skill.AllFlags.Count, rows.Count);
        var inRows = new SortedSet<string>(rows.SelectMany(r => FlagWord().Matches(r.Split(" | ")[0]).Select(m => m.Value)), StringComparer.Ordinal);
        Assert.Equal(Accepted(skill), inRows);
    }

    [Fact]
    public void Logs_help_lists_timeout_and_uncached_skills_do_not_offer_refresh()
    {
        var logs = HelpText.For(SkillCatalogue.Find("logs")!, "logs");
        Assert.Contains("--timeout <duration>", logs);
        Assert.DoesNotContain("--refresh", logs);
        Assert.DoesNotContain("--ttl", logs);
    }

    [Fact]
    public void User_invoked_only_matches_the_template_frontmatter()
    {
        foreach (var skill in SkillCatalogue.All)
        {
            var template = Kstack.Cli.Embedded.ReadText(SkillRenderer.TemplateName(skill.Name))!;
            Assert.True(skill.UserInvokedOnly == template.Contains("\ndisable-model-invocation: true\n"), $"{skill.Name}: descriptor and template disagree");
        }
    }

    [Fact]
    public void Argument_hint_and_schemas_come_from_the_typed_flags()
    {
        var metrics = SkillCatalogue.Find("metrics")!;
        Assert.StartsWith("[<target or question>] [--since <duration>] [--top <N>] [--by cpu|memory]", metrics.ArgumentHint);
        var top = metrics.Flags.Single(f => f.Name == "--top");
        Assert.Equal(new ValueSchema("integer") { Minimum = 1, Maximum = int.MaxValue }, top.Schema);
        Assert.Equal(["cpu", "memory"], metrics.Flags.Single(f => f.Name == "--by").Schema.Choices);
        Assert.Equal(DurationFlag.DurationPattern, metrics.Flags.Single(f => f.Name == "--since").Schema.Pattern);
        Assert.Equal("boolean", GlobalFlags.Json.Schema.JsonType);
    }
}
