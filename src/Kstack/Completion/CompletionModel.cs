using System.CommandLine;
using System.CommandLine.Completions;
using Kstack.Cli;
using Kstack.Commands;

namespace Kstack.Completion;

/// <summary>One flag as the shell sees it: its spellings, whether it takes a value and the values it can take.</summary>
internal sealed record OptionShape(IReadOnlyList<string> Spellings, string Description, bool TakesValue, IReadOnlyList<string> Choices);

/// <summary>A command the leading words select (`""` is kstack itself, `pane read` a subcommand).</summary>
/// <param name="Words">Values its positional argument offers (`completion bash`), besides the subcommands.</param>
internal sealed record CommandShape(string Path, string Description, IReadOnlyList<CommandShape> Subcommands,
    IReadOnlyList<OptionShape> Options, bool TakesTarget, IReadOnlyList<string> Words);

/// <summary>
/// What the shell scripts complete, read from kstack's one command tree (every skill and verb, with the skills' flags)
/// and the skill descriptors (choices, and which skills take a target).
/// </summary>
internal static class CompletionModel
{
    public static CommandShape Build() => From(KstackApp.BuildRoot(withSkillFlags: true), "");

    private static CommandShape From(Command command, string path)
    {
        var skill = path.Contains(' ') ? null : SkillCatalogue.Find(path);
        // The pane follower (`logs follow`) is started by /logs inside tmux, not typed.
        var subcommands = command.Subcommands.Where(c => !c.Hidden && c is not StreamCommand)
            .Select(c => From(c, path.Length == 0 ? c.Name : path + " " + c.Name)).ToList();
        var options = command.Options.Where(o => !o.Hidden).Select(o => Option(o, skill)).ToList();
        var words = command.Arguments.Where(a => !a.Hidden).SelectMany(a => a.GetCompletions(CompletionContext.Empty)).Select(c => c.Label).ToList();
        return new CommandShape(path, command.Description ?? "", subcommands, options, skill?.Target is not null, words);
    }

    private static OptionShape Option(Option option, SkillDescriptor? skill)
    {
        var spellings = option.Aliases.Prepend(option.Name).Distinct(StringComparer.Ordinal).ToList();
        var takesValue = option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
        var choices = skill?.AllFlags.FirstOrDefault(f => f.Name == option.Name) is ChoiceFlag choice
            ? choice.Choices
            : takesValue ? option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList() : [];
        return new OptionShape(spellings, option.Description ?? "", takesValue, choices);
    }

    /// <summary>Every command, depth first (kstack itself first).</summary>
    public static IEnumerable<CommandShape> All(CommandShape root) =>
        root.Subcommands.SelectMany(All).Prepend(root);
}
