using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Commands;

/// <summary>
/// How a flag's value looks, in terms an input schema can state: a JSON type plus optional bounds, choices and
/// pattern. The MCP tool schemas and the help text are both derived from it.
/// </summary>
internal sealed record ValueSchema(string JsonType)
{
    public string? Pattern { get; init; }
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }
    public IReadOnlyList<string>? Choices { get; init; }
}

/// <summary>
/// One flag of a skill or verb, defined once: name, aliases, value shape, default and help. The System.CommandLine
/// option, the --help line, the SKILL.md flags table and the MCP input schema all come from it.
/// </summary>
internal abstract class FlagSpec(string name, string help)
{
    public string Name { get; } = name;
    public string Help { get; } = help;
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The placeholder after the flag in usage lines ("&lt;duration&gt;"); null for switches.</summary>
    public virtual string? ValueName => null;

    /// <summary>The default as the user would type it; null when absent means "not set".</summary>
    public string? Default { get; init; }

    /// <summary>Extra guidance for the agent in the rendered SKILL.md (defaults to the help text).</summary>
    public string? AgentRule { get; init; }

    public abstract ValueSchema Schema { get; }

    /// <summary>Name without dashes, for schema property names ("trust-pane").</summary>
    public string Key => Name.TrimStart('-');

    /// <summary>"--since &lt;duration&gt;", "-n, --namespace &lt;ns&gt;".</summary>
    public string Synopsis =>
        string.Join(", ", Aliases.Where(a => a.Length == 2).Append(Name)) + (ValueName is null ? "" : " " + ValueName);

    /// <summary>The help line's description: help text plus the default when there is one.</summary>
    public string Description => Default is null || Help.Contains("default", StringComparison.Ordinal) ? Help : $"{Help} (default {Default})";

    internal abstract Option Build();

    /// <summary>Every spelling the parser accepts.</summary>
    public IEnumerable<string> Spellings => Aliases.Prepend(Name);
}

/// <summary>A switch: present or not.</summary>
internal sealed class SwitchFlag(string name, string help) : FlagSpec(name, help)
{
    public override ValueSchema Schema { get; } = new("boolean");

    internal override Option Build() => new Option<bool>(Name, [.. Aliases]) { Description = Help };

    public bool Read(ParseResult parsed) => parsed.GetValue<bool>(Name);
}

/// <summary>A free-form text value.</summary>
internal sealed class TextFlag(string name, string valueName, string help) : FlagSpec(name, help)
{
    public override string? ValueName { get; } = valueName;
    private readonly string _helpName = valueName.Trim('<', '>');

    public override ValueSchema Schema { get; } = new("string");

    internal override Option Build() => new Option<string?>(Name, [.. Aliases]) { Description = Help, HelpName = _helpName };

    public string? Read(ParseResult parsed) => parsed.GetValue<string?>(Name);
}

/// <summary>A text value that may be given several times (--check A --check B); each occurrence takes one value.</summary>
internal sealed class ListFlag(string name, string valueName, string help) : FlagSpec(name, help)
{
    public override string? ValueName { get; } = valueName;
    private readonly string _helpName = valueName.Trim('<', '>');

    public override ValueSchema Schema { get; } = new("array");

    internal override Option Build() =>
        new Option<string[]>(Name, [.. Aliases]) { Description = Help, HelpName = _helpName, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    public IReadOnlyList<string> Read(ParseResult parsed) => parsed.GetValue<string[]>(Name) ?? [];
}

/// <summary>One of a fixed set of words (the skill may accept more spellings; the schema states the canonical ones).</summary>
internal sealed class ChoiceFlag(string name, string help, params string[] choices) : FlagSpec(name, help)
{
    public IReadOnlyList<string> Choices { get; } = choices;

    public override string? ValueName => string.Join('|', Choices);

    public override ValueSchema Schema => new("string") { Choices = Choices };

    internal override Option Build() => new Option<string?>(Name, [.. Aliases]) { Description = Help, HelpName = ValueName };

    public string? Read(ParseResult parsed) => parsed.GetValue<string?>(Name);
}

/// <summary>
/// A duration written as &lt;int&gt;s|m|h|d. <see cref="Maximum"/> bounds it to what its use supports (a timer cannot
/// wait longer than ~49.7 days); beyond it the value is a user error, not a crash.
/// </summary>
internal sealed class DurationFlag(string name, string help) : FlagSpec(name, help)
{
    public const string DurationPattern = "^[0-9]+[smhd]$";

    public override string? ValueName => "<duration>";

    public TimeSpan Maximum { get; init; } = Duration.Max;

    public override ValueSchema Schema => new("string") { Pattern = DurationPattern };

    internal override Option Build() => new Option<string?>(Name, [.. Aliases]) { Description = Help, HelpName = "duration" };

    /// <summary>The value as typed (null when absent): skills that pass it on (log follow arguments) keep the text.</summary>
    public string? Read(ParseResult parsed) => parsed.GetValue<string?>(Name);

    /// <summary>Parses a value of this flag, with the flag's bound.</summary>
    public TimeSpan Parse(string text)
    {
        var value = Duration.Parse(Name, text);
        return value > Maximum ? throw KstackException.User($"Flag {Name} must be at most {Duration.Format(Maximum)}.") : value;
    }
}

/// <summary>A whole number in [<see cref="Minimum"/>, <see cref="Maximum"/>].</summary>
internal sealed class IntegerFlag(string name, string valueName, string help) : FlagSpec(name, help)
{
    public override string? ValueName { get; } = valueName;
    private readonly string _helpName = valueName.Trim('<', '>');

    public int Minimum { get; init; } = int.MinValue;
    public int Maximum { get; init; } = int.MaxValue;

    public override ValueSchema Schema => new("integer") { Minimum = Minimum, Maximum = Maximum };

    internal override Option Build() => new Option<string?>(Name, [.. Aliases]) { Description = Help, HelpName = _helpName };

    /// <summary>Null when absent; a user error when not a whole number or outside the bounds.</summary>
    public int? Read(ParseResult parsed)
    {
        if (parsed.GetValue<string?>(Name) is not { } text) return null;
        var digits = text.StartsWith('-') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            throw KstackException.User($"Flag {Name} takes a whole number, got {ArgumentText.Quote(text)}.");
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value > Maximum)
            throw KstackException.User($"Flag {Name} is out of range: {ArgumentText.Quote(text)}. Use a whole number from {Minimum} to {Maximum}.");
        if (value < Minimum) throw KstackException.User($"Flag {Name} must be at least {Minimum}.");
        return value;
    }
}
