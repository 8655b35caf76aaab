using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kstack.Cache;
using Kstack.Mcp;
using Kstack.Tests.Panes;
using Kstack.Tests.Support;
using ModelContextProtocol.Protocol;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>
/// Confirmation the agent cannot give itself: exec and forget run only after the user's own answer in the client's
/// form elicitation; a client that cannot ask gets the plan and the terminal command; a plan id from the model is refused.
/// The simulator's audit log shows what reached the cluster.
/// </summary>
public class McpConsentTests
{
    private const string Pod = "web-6c9d8f7b5d-2xkzr";
    private static readonly JsonObject ExecArgs = new() { ["target"] = Pod, ["namespace"] = "shop" };

    private static List<string> Writes(SimCluster sim) =>
        sim.Audit().Where(e => (string?)e["method"] is "POST" or "DELETE" or "PATCH" or "PUT")
            .Select(e => $"{(string?)e["method"]} {(string?)e["path"]}").ToList();

    private static string Sessions(PaneSandbox box) => box.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim();

    private static JsonObject AuditLine(SimCluster sim) =>
        JsonNode.Parse(File.ReadAllLines(Path.Combine(new InstallRoot(sim.Root).StateDirFor("sim-admin"), McpAuditLog.FileName))[^1])!.AsObject();

    [Fact]
    public async Task A_client_without_elicitation_gets_deny_the_plan_and_the_terminal_command()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        await using var client = await McpHarness.StdioAsync(box.Env);
        var result = await client.CallAsync("exec", ExecArgs.DeepClone());
        Assert.True(result.IsError);
        var s = McpHarness.Structured(result);
        McpHarness.ValidAgainstOutputSchema((await client.ListToolsAsync()).Single(t => t.Name == "exec"), result);
        Assert.Equal("denied", (string?)s["error"]!["kind"]);
        Assert.False((bool)s["confirmation"]!["asked"]!);
        Assert.Equal("unavailable", (string?)s["confirmation"]!["answer"]);
        Assert.Contains("Exec plan plan-", (string?)s["plan"]);
        Assert.Contains($"Target:     pod shop/{Pod}", (string?)s["plan"]);
        Assert.Matches(@"^kstack exec --context sim-admin --confirm plan-[0-9a-f]{16}$", (string?)s["user_command"]);
        Assert.Contains("cannot ask the user", McpHarness.Text(result));
        Assert.Empty(Writes(box.Sim));
        Assert.Empty(Sessions(box));
        var audit = AuditLine(box.Sim);
        Assert.Equal(("exec", "denied", false, "unavailable"),
            ((string?)audit["tool"], (string?)audit["outcome"], (bool)audit["confirmation_asked"]!, (string?)audit["confirmation_answer"]));
    }

    [Theory]
    [InlineData("decline", null, "decline")]
    [InlineData("cancel", null, "cancel")]
    [InlineData("accept", false, "decline")]
    public async Task A_user_who_does_not_approve_leaves_nothing_created(string action, bool? approve, string answer)
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        string? shown = null;
        await using var client = await McpHarness.StdioAsync(box.Env, elicit: (request, _) =>
        {
            shown = request!.Message;
            return McpHarness.Answer(action, approve);
        });
        var result = await client.CallAsync("exec", ExecArgs.DeepClone());
        Assert.True(result.IsError);
        var s = McpHarness.Structured(result);
        Assert.True((bool)s["confirmation"]!["asked"]!);
        Assert.Equal(answer, (string?)s["confirmation"]!["answer"]);
        Assert.Contains("Exec plan plan-", shown);
        Assert.Contains($"pod shop/{Pod}", shown);
        Assert.Empty(Writes(box.Sim));
        Assert.Empty(Sessions(box));
        Assert.Equal(answer, (string?)AuditLine(box.Sim)["confirmation_answer"]);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task The_user_approving_in_the_client_opens_the_shell(string revision)
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        var asked = 0;
        await using var client = await McpHarness.StdioAsync(box.Env, elicit: (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return McpHarness.Answer("accept", true);
        }, protocolVersion: revision);
        var result = await client.CallAsync("exec", ExecArgs.DeepClone());
        Assert.True(result.IsError is not true, McpHarness.Text(result));
        Assert.Equal(1, asked);
        Assert.True(McpHarness.Structured(result)["agent_context"] is not null, result.StructuredContent!.Value.GetRawText() + "\n" + McpHarness.Text(result));
        var s = McpHarness.Structured(result);
        Assert.Equal("accept", (string?)s["confirmation"]!["answer"]);
        Assert.Equal($"kstack-exec-{Pod}", (string?)s["agent_context"]!["session"]);
        Assert.Contains($"kstack-exec-{Pod}", Sessions(box));
        Assert.Equal("accept", (string?)AuditLine(box.Sim)["confirmation_answer"]);
    }

    [Fact]
    public async Task A_plan_id_passed_back_by_the_model_never_authorises_anything()
    {
        await using var box = await PaneSandbox.StartAsync("healthy");
        await using var client = await McpHarness.StdioAsync(box.Env);
        var denied = McpHarness.Structured(await client.CallAsync("exec", ExecArgs.DeepClone()));
        var id = Regex.Match((string)denied["user_command"]!, "plan-[0-9a-f]{16}").Value;

        foreach (var attempt in new[]
                 {
                     new JsonObject { ["target"] = Pod, ["namespace"] = "shop", ["confirm"] = id },
                     new JsonObject { ["target"] = $"--confirm {id}" },
                     new JsonObject { ["target"] = Pod, ["plan_id"] = id },
                 })
        {
            var result = await client.CallAsync("exec", attempt);
            Assert.True(result.IsError);
            Assert.Equal("user", (string?)McpHarness.Structured(result)["error"]!["kind"]);
        }
        Assert.Empty(Writes(box.Sim));
        Assert.Empty(Sessions(box));
        // The id is still unused: the user can carry it out in their own terminal.
        var run = box.Kstack("exec", "--confirm", id).AssertOk();
        Assert.Contains($"kstack-exec-{Pod}", run.Content);
    }

    [Fact]
    public async Task Forget_without_the_users_answer_keeps_the_cache()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using var client = await McpHarness.StdioAsync(sim);
        Assert.True((await client.CallAsync("cluster_status")).IsError is not true);
        var dir = new InstallRoot(sim.Root).CacheDirFor("sim-admin");
        Assert.True(Directory.Exists(dir));
        var result = await client.CallAsync("forget");
        Assert.True(result.IsError);
        var s = McpHarness.Structured(result);
        Assert.Equal("denied", (string?)s["error"]!["kind"]);
        Assert.Equal("kstack forget --context sim-admin", (string?)s["user_command"]);
        Assert.True(Directory.Exists(dir));
    }
}
