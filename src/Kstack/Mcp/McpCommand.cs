using System.CommandLine;
using Kstack.Cli;
using Kstack.Commands;
using Kstack.Envelope;
using ModelContextProtocol.Server;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Mcp;

/// <summary>`kstack mcp [--read-only]`: the MCP server on stdio. stdout carries JSON-RPC only; the SDK logs nothing.</summary>
internal static class McpCommand
{
    public static readonly SwitchFlag ReadOnly = new("--read-only", "Serve only the read-only tools (no exec, logs panes or forget)");

    public const string Help =
        "kstack mcp [--read-only] — serve every kstack skill as an MCP tool over stdio (JSON-RPC on stdin/stdout).\n\n"
        + "  --read-only   Serve only the read-only tools (no exec, logs panes or forget)\n\n"
        + "Results stay under 8,000 tokens; bulk data is linked as kstack://cache/<context>/<file> resources read in pages.\n"
        + "The first context used is pinned for the session. Tools that change anything run only after the user approves\n"
        + "the plan in the client's own prompt (form elicitation); a client that cannot ask gets the plan and the command\n"
        + "to run in a terminal instead. Client set-up: kstack install --mcp [--agent claude|codex|cursor]. Details: docs/agents.md.";

    public static StreamCommand Build()
    {
        var command = new StreamCommand("mcp", "Serve every skill as an MCP tool over stdio (--read-only: read tools only)", RunAsync);
        command.Options.Add(ReadOnly.Build());
        command.Options.Add(new Option<bool>("--help", "-h"));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken ct)
    {
        if (parsed.GetValue<bool>("--help"))
        {
            EnvelopeWriter.Write(Console.OpenStandardOutput(), Env.Verbatim(Help));
            return 0;
        }
        try
        {
            if (parsed.UnmatchedTokens.FirstOrDefault() is { } extra)
                throw KstackException.User($"Unknown argument {ArgumentText.Quote(extra)}. Run `kstack mcp --help` for usage.");
            GlobalFlags.ThrowOnOptionErrors(parsed, " Run `kstack mcp --help` for usage.");
        }
        catch (KstackException e)
        {
            EnvelopeWriter.Write(Console.OpenStandardOutput(), e.ToEnvelope());
            return 0;
        }
        // MCP has its own progress notifications; the skills' terminal progress line must not reach stderr.
        Environment.SetEnvironmentVariable("KSTACK_NO_PROGRESS", "1");
        var server = new KstackMcpServer(ReadOnly.Read(parsed));
        await using var mcp = McpServer.Create(new StdioServerTransport("kstack"), server.Options());
        await mcp.RunAsync(ct);
        return 0;
    }
}
