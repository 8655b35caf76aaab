using System.Text.Json.Nodes;
using Kstack.Tests.Mcp;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Cleanup;

/// <summary>/cleanup over MCP: the server makes the plan, and only the user's own approval in the client deletes anything.</summary>
public class CleanupMcpTests
{
    private static int Deletes(SimCluster sim) => sim.Audit().Count(e => (string?)e["method"] == "DELETE");

    [Fact]
    public async Task Without_the_users_approval_nothing_is_deleted()
    {
        await using var sim = await SimCluster.StartAsync("cleanup");
        await using (var client = await McpHarness.StdioAsync(sim))
        {
            var result = await client.CallAsync("cleanup");
            Assert.True(result.IsError);
            var s = McpHarness.Structured(result);
            McpHarness.ValidAgainstOutputSchema((await client.ListToolsAsync()).Single(t => t.Name == "cleanup"), result);
            Assert.Equal("denied", (string?)s["error"]!["kind"]);
            Assert.Equal("unavailable", (string?)s["confirmation"]!["answer"]);
            Assert.Contains("Delete 9 object(s) kstack created", (string?)s["plan"]);
            Assert.Matches(@"^kstack cleanup --context sim-admin --confirm plan-[0-9a-f]{16}$", (string?)s["user_command"]);
            // A plan id handed back by the model is refused.
            var id = System.Text.RegularExpressions.Regex.Match((string)s["user_command"]!, "plan-[0-9a-f]{16}").Value;
            var forged = await client.CallAsync("cleanup", new JsonObject { ["confirm"] = id });
            Assert.Equal("user", (string?)McpHarness.Structured(forged)["error"]!["kind"]);
        }
        foreach (var (action, approve) in new (string, bool?)[] { ("decline", null), ("cancel", null), ("accept", false) })
        {
            string? shown = null;
            await using var client = await McpHarness.StdioAsync(sim, elicit: (request, _) =>
            {
                shown = request!.Message;
                return McpHarness.Answer(action, approve);
            });
            var result = await client.CallAsync("cleanup", new JsonObject { ["session"] = "kstack-exec-web" });
            Assert.True(result.IsError);
            Assert.Contains("configmap shop/kstack-exec-notes  uid", shown);
            Assert.DoesNotContain("kstack-node-shell-node-1-a1b2c3  uid", shown);
        }
        Assert.Equal(0, Deletes(sim));
    }

    [Fact]
    public async Task The_users_approval_carries_out_exactly_the_plan_shown()
    {
        await using var sim = await SimCluster.StartAsync("cleanup");
        var asked = 0;
        await using var client = await McpHarness.StdioAsync(sim, elicit: (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return McpHarness.Answer("accept", true);
        });
        var result = await client.CallAsync("cleanup", new JsonObject { ["session"] = "kstack-exec-node-node-1" });
        Assert.True(result.IsError is not true, McpHarness.Text(result));
        Assert.Equal(1, asked);
        Assert.Contains("Counts: 3 deleted", McpHarness.Text(result));
        Assert.Equal(3, Deletes(sim));

        // Nothing left to plan for that session: answered without asking.
        var again = await client.CallAsync("cleanup", new JsonObject { ["session"] = "kstack-exec-node-node-1" });
        Assert.True(again.IsError is not true, McpHarness.Text(again));
        Assert.Contains("Nothing to clean up", McpHarness.Text(again));
        Assert.Equal(1, asked);
        Assert.Equal(3, Deletes(sim));
    }
}
