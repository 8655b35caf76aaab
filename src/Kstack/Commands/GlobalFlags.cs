using System.CommandLine;
using System.CommandLine.Parsing;
using Kstack.Envelope;

namespace Kstack.Commands;

/// <summary>The flags every skill accepts, and the mapping of parse failures to the canonical user errors.</summary>
public sealed class GlobalFlags(bool cached)
{
    public Option<string?> Context { get; } = new("--context") { Description = "Kubeconfig context to use" };
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Scope to one namespace" };
    public Option<bool> Json { get; } = new("--json") { Description = "Emit structured JSON content" };
    public Option<bool> Refresh { get; } = new("--refresh") { Description = "Ignore the cache" };
    public Option<string?> Ttl { get; } = new("--ttl") { Description = "Cache TTL (30s, 15m, 2h, 1d)" };
    public Argument<string[]> Text { get; } = new("text") { Arity = ArgumentArity.ZeroOrMore };

    public Command BuildCommand(string name, IEnumerable<Option> skillOptions)
    {
        var command = new Command(name) { Context, Namespace, Json, Text };
        if (cached)
        {
            command.Options.Add(Refresh);
            command.Options.Add(Ttl);
        }
        foreach (var o in skillOptions) command.Options.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    public void ThrowOnParseErrors(ParseResult parsed, string slot)
    {
        var flagLike = parsed.UnmatchedTokens.Concat(parsed.GetValue(Text) ?? [])
            .FirstOrDefault(t => t.Length > 1 && t[0] == '-');
        if (flagLike is not null)
            throw KstackException.User($"Unknown flag `{FlagName(flagLike)}`. Run `/{slot} --help` for usage.");
        foreach (var error in parsed.Errors)
        {
            if (error.SymbolResult is OptionResult option)
                throw KstackException.User($"Flag {option.Option.Name} requires a value.");
            throw KstackException.User($"{error.Message} Run `/{slot} --help` for usage.");
        }
    }

    private static string FlagName(string token)
    {
        var eq = token.IndexOf('=');
        return eq > 0 ? token[..eq] : token;
    }
}
