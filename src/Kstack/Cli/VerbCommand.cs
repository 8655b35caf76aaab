using System.CommandLine;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Cli;

/// <summary>
/// One call of a verb: the parse of the whole command line (made on first use: a skill parses its own arguments, so
/// its calls never pay for parsing the whole tree), and the arguments after the verb's own words.
/// </summary>
internal sealed class VerbCall(Func<ParseResult> parse, IReadOnlyList<string> args)
{
    private ParseResult? _parsed;

    public ParseResult Parsed => _parsed ??= parse();

    public IReadOnlyList<string> Args { get; } = args;
}

/// <summary>A command on kstack's root that answers with one envelope.</summary>
internal sealed class VerbCommand(string name, string description, Func<VerbCall, CancellationToken, Task<Env>> run) : Command(name, description)
{
    public Task<Env> RunAsync(VerbCall call, CancellationToken ct) => run(call, ct);

    /// <summary>Its answer is text another program reads (a completion script): printed as it is unless --json; errors stay envelopes.</summary>
    public bool RawOutput { get; init; }
}

/// <summary>A command that writes to the terminal itself and returns an exit code (the /logs pane follower).</summary>
internal sealed class StreamCommand(string name, string description, Func<ParseResult, CancellationToken, Task<int>> run) : Command(name, description)
{
    public Task<int> RunAsync(ParseResult parsed, CancellationToken ct) => run(parsed, ct);
}
