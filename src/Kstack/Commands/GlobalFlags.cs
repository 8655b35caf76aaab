using System.CommandLine;
using System.CommandLine.Parsing;
using Kstack.Envelope;

namespace Kstack.Commands;

/// <summary>The flags every skill accepts (cached skills add --refresh and --ttl), and the mapping of parse failures to the canonical user errors.</summary>
internal static class GlobalFlags
{
    public static readonly TextFlag Context = new("--context", "<ctx>", "Use this kubeconfig context instead of the current-context")
    {
        AgentRule = "Use this kubeconfig context; it becomes the pinned context. Never fall back to the current-context when the user supplied one.",
    };

    public static readonly TextFlag Namespace = new("--namespace", "<ns>", "Scope the run to one namespace (default: all you can read)")
    {
        Aliases = ["-n"],
        AgentRule = "Scope to one namespace: add `-n <ns>` to your commands and skip any `--all-namespaces` default.",
    };

    public static readonly SwitchFlag Json = new("--json", "Return structured JSON content instead of a text summary")
    {
        AgentRule = "The answer is one JSON document (`render: agent`); never mix prose and JSON in your reply.",
    };

    public static readonly SwitchFlag Refresh = new("--refresh", "Ignore cached snapshots and fetch again");

    public static readonly SwitchFlag Help = new("--help", "Show this help")
    {
        Aliases = ["-h"],
        AgentRule = "Handled by the entrypoint (help text in a `verbatim` envelope); no action of yours.",
    };

    /// <summary>--ttl for a cached skill, with that skill's default.</summary>
    public static DurationFlag Ttl(string defaultTtl) => new("--ttl", "Reuse a snapshot younger than this: 30s, 15m, 2h, 1d") { Default = defaultTtl };

    /// <summary>The global flags that apply to this skill, in help order.</summary>
    public static IReadOnlyList<FlagSpec> For(SkillDescriptor skill) =>
        skill.DefaultTtl is { } ttl ? [Context, Namespace, Json, Refresh, Ttl(ttl), Help] : [Context, Namespace, Json, Help];

    /// <summary>Free words after the flags: hints for the skill, never an error.</summary>
    public const string TextArgument = "text";

    /// <summary>The System.CommandLine command for a skill: every flag of <see cref="SkillDescriptor.AllFlags"/> plus the free text.</summary>
    public static Command BuildCommand(SkillDescriptor skill) => Populate(new Command(skill.Name, skill.Summary), skill);

    public static T Populate<T>(T command, SkillDescriptor skill) where T : Command
    {
        foreach (var flag in skill.AllFlags) command.Options.Add(flag.Build());
        command.Arguments.Add(new Argument<string[]>(TextArgument) { Arity = ArgumentArity.ZeroOrMore });
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    public static IReadOnlyList<string> FreeText(ParseResult parsed) => parsed.GetValue<string[]>(TextArgument) ?? [];

    /// <param name="invocation">What the user typed to run the skill (`/kstack-events`, `$kstack-events`).</param>
    public static void ThrowOnParseErrors(ParseResult parsed, string invocation)
    {
        var flagLike = parsed.UnmatchedTokens.Concat(FreeText(parsed))
            .FirstOrDefault(t => t.Length > 1 && t[0] == '-');
        if (flagLike is not null)
            throw KstackException.User($"Unknown flag `{ArgumentText.Cap(FlagName(flagLike))}`. Run `{invocation} --help` for usage.");
        ThrowOnOptionErrors(parsed, $" Run `{invocation} --help` for usage.");
    }

    /// <summary>A flag without its value, a value a flag cannot take, or anything else the parser rejected.</summary>
    public static void ThrowOnOptionErrors(ParseResult parsed, string usageHint)
    {
        foreach (var error in parsed.Errors)
        {
            if (error.SymbolResult is OptionResult option)
            {
                var name = option.Option.Name;
                if (option.Tokens.Count == 0) throw KstackException.User($"Flag {name} requires a value.");
                if (option.Tokens.Count > 1) throw KstackException.User($"Flag {name} takes one value; it was given {option.Tokens.Count}.");
                throw KstackException.User($"Flag {name} cannot take the value {ArgumentText.Quote(option.Tokens[0].Value)}.");
            }
            throw KstackException.User(ArgumentText.Cap(error.Message) + usageHint);
        }
    }

    private static string FlagName(string token)
    {
        var eq = token.IndexOf('=');
        return eq > 0 ? token[..eq] : token;
    }
}
