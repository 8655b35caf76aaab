using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>An independent client: the MCP Inspector's CLI mode (npm, pinned in scripts/test.sh) against `kstack mcp` and kstack-sim.</summary>
public class McpInspectorTests
{
    /// <summary>MCP_INSPECTOR_BIN, else &lt;repo&gt;/tools/node_modules/.bin/mcp-inspector; missing → failure (the test command installs it).</summary>
    private static string Inspector
    {
        get
        {
            var bin = Environment.GetEnvironmentVariable("MCP_INSPECTOR_BIN") is { Length: > 0 } b
                ? b
                : Path.Combine(KstackProcess.RepoRoot, "tools", "node_modules", ".bin", "mcp-inspector");
            Assert.True(File.Exists(bin), $"MCP Inspector not found at {bin}: run `cd tools && npm install @modelcontextprotocol/inspector@2.12.0` (scripts/test.sh does)");
            return bin;
        }
    }

    private static JsonObject Run(SimCluster sim, params string[] method)
    {
        string[] args =
        [
            "--cli", "-e", $"KUBECONFIG={sim.Server.KubeconfigPath}", "-e", $"KSTACK_ROOT={sim.Root}", "-e", $"HOME={sim.Home}",
            "-e", "KSTACK_NO_UPDATE_CHECK=1", KstackProcess.KstackBin, "mcp", .. method,
        ];
        var output = KstackProcess.Run(Inspector, args, new Dictionary<string, string?> { ["HOME"] = sim.Home }, timeoutMs: 120_000);
        Assert.True(output.Exit == 0, $"inspector {string.Join(' ', method)}: exit {output.Exit}: {output.Stdout}{output.Stderr}");
        return JsonNode.Parse(output.Stdout)!.AsObject();
    }

    [Fact]
    public async Task The_inspector_lists_the_tools_and_calls_cluster_status()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var list = Run(sim, "--method", "tools/list");
        var names = list["tools"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.Equal(["alerts", "audit_cost", "audit_network", "audit_security", "cleanup", "cluster_status", "events", "exec", "forget", "investigate", "karpenter", "logs", "metrics"], names);

        var call = Run(sim, "--method", "tools/call", "--tool-name", "cluster_status");
        Assert.NotEqual(true, (bool?)call["isError"]);
        Assert.StartsWith("kstack cluster-status · context sim-admin\nCluster: sim-admin", (string?)call["content"]![0]!["text"]);
        Assert.Equal("sim-admin", (string?)call["structuredContent"]!["pinned_context"]);
        Assert.Contains("resource_link", call["content"]!.AsArray().Select(c => (string?)c!["type"]));
    }
}
