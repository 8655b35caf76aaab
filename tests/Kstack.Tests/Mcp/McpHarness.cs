using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Kstack.Mcp;
using Kstack.Tests.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>MCP clients for the tests: the SDK's own client, in-process over pipes or over stdio against the built binary.</summary>
public static class McpHarness
{
    /// <summary>`kstack mcp` as a child process with exactly this environment for kstack (kubeconfig, root, HOME…).</summary>
    public static Task<McpClient> StdioAsync(IReadOnlyDictionary<string, string?> env, string[]? args = null,
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null, string? protocolVersion = null, string? command = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["KSTACK_ROOT"] = null, ["KSTACK_KUBE_CONTEXT"] = null, ["KUBECONFIG"] = null, ["KSTACK_DEBUG"] = null, ["KSTACK_CACHE_DIR"] = null,
            ["KSTACK_NO_UPDATE_CHECK"] = "1",
        };
        foreach (var (k, v) in env) variables[k] = v;
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = command ?? KstackProcess.KstackBin,
            Arguments = ["mcp", .. args ?? []],
            EnvironmentVariables = variables,
            Name = "kstack",
        });
        return McpClient.CreateAsync(transport, Options(elicit, protocolVersion));
    }

    public static Task<McpClient> StdioAsync(SimCluster sim, string[]? args = null,
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null, string? protocolVersion = null) =>
        StdioAsync(SimEnv(sim), args, elicit, protocolVersion);

    public static Dictionary<string, string?> SimEnv(SimCluster sim) =>
        new() { ["KUBECONFIG"] = sim.Server.KubeconfigPath, ["KSTACK_ROOT"] = sim.Root, ["HOME"] = sim.Home };

    /// <summary>The server in this process, its client over two pipes: no binary, no cluster.</summary>
    public static async Task<(McpClient Client, IAsyncDisposable Server)> InProcessAsync(bool readOnly = false,
        Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit = null)
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var server = McpServer.Create(new StreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream()),
            new KstackMcpServer(readOnly).Options());
        var running = server.RunAsync();
        var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
            Options(elicit, null));
        return (client, new Stopper(client, server, running));
    }

    private sealed class Stopper(McpClient client, McpServer server, Task running) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await server.DisposeAsync();
            try { await running; } catch (OperationCanceledException) { }
        }
    }

    private static McpClientOptions Options(Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>>? elicit, string? protocolVersion) => new()
    {
        ClientInfo = new Implementation { Name = "kstack-tests", Version = "1.0" },
        ProtocolVersion = protocolVersion,
        Handlers = new McpClientHandlers { ElicitationHandler = elicit },
    };

    public static ValueTask<ElicitResult> Answer(string action, bool? approve = null)
    {
        var result = new ElicitResult { Action = action };
        if (approve is { } a) result.Content = new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(a) };
        return ValueTask.FromResult(result);
    }

    public static Task<CallToolResult> CallAsync(this McpClient client, string tool, object? args = null, IProgress<ModelContextProtocol.ProgressNotificationValue>? progress = null)
    {
        var arguments = new Dictionary<string, object?>();
        if (args is JsonObject obj)
            foreach (var (k, v) in obj) arguments[k] = v is null ? null : JsonSerializer.SerializeToElement(v);
        return client.CallToolAsync(tool, arguments, progress).AsTask();
    }

    public static JsonObject Structured(CallToolResult result)
    {
        Assert.NotNull(result.StructuredContent);
        return JsonNode.Parse(result.StructuredContent!.Value.GetRawText())!.AsObject();
    }

    public static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    /// <summary>The structured content is valid against the tool's declared output schema (JSON Schema 2020-12).</summary>
    public static void ValidAgainstOutputSchema(McpClientTool tool, CallToolResult result)
    {
        Assert.NotNull(tool.ProtocolTool.OutputSchema);
        var schema = JsonSchema.FromText(tool.ProtocolTool.OutputSchema!.Value.GetRawText());
        var evaluation = schema.Evaluate(result.StructuredContent!.Value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, $"{tool.Name}: " + string.Join("; ", (evaluation.Details ?? [])
            .Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))));
    }

    /// <summary>Tokens of everything the model receives from a result (text blocks, links, structured content), estimated.</summary>
    public static int Tokens(CallToolResult result) =>
        KstackMcpServer.EstimateTokens(JsonSerializer.Serialize(result, ModelContextProtocol.McpJsonUtilities.DefaultOptions).Length);
}
