using System.Text;
using System.Text.Json.Nodes;
using Kstack.Cache;
using Kstack.Mcp;
using Kstack.Tests.Support;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>`kstack mcp` over stdio (the built binary) with the SDK's own client, against kstack-sim over HTTPS.</summary>
public class McpSimTests
{
    private static readonly (string Tool, JsonObject? Args)[] ReadCalls =
    [
        ("cluster_status", null),
        ("events", null),
        ("metrics", null),
        ("audit_security", null),
        ("audit_network", null),
        ("audit_cost", null),
        ("karpenter", null),
        ("investigate", new JsonObject { ["target"] = "deployment/ledger", ["namespace"] = "orders" }),
    ];

    [Fact]
    public async Task Every_read_tool_answers_within_its_output_schema_and_the_token_budget()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using var client = await McpHarness.StdioAsync(sim);
        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name);
        foreach (var (name, args) in ReadCalls)
        {
            var result = await client.CallAsync(name, args);
            Assert.True(result.IsError is not true, $"{name}: {McpHarness.Text(result)}");
            McpHarness.ValidAgainstOutputSchema(tools[name], result);
            var structured = McpHarness.Structured(result);
            Assert.Equal("sim-admin", (string?)structured["context"]);
            Assert.Equal("sim-admin", (string?)structured["pinned_context"]);
            Assert.NotNull(structured["document"]);
            Assert.StartsWith($"kstack {name.Replace('_', '-')} · context sim-admin", McpHarness.Text(result));
            Assert.True(McpHarness.Tokens(result) < KstackMcpServer.MaxResultTokens, $"{name}: ≈{McpHarness.Tokens(result)} tokens");
        }
        var status = McpHarness.Structured(await client.CallAsync("cluster_status"));
        Assert.Equal("sim-admin", (string?)status["document"]!["context"]);
        Assert.True((int)status["document"]!["issuesTotal"]! > 0);
    }

    [Fact]
    public async Task Answers_the_same_over_the_2025_06_18_2025_11_25_and_2026_07_28_revisions()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        foreach (var revision in new[] { "2025-06-18", "2025-11-25", "2026-07-28" })
        {
            await using var client = await McpHarness.StdioAsync(sim, protocolVersion: revision);
            Assert.Equal(revision, client.NegotiatedProtocolVersion);
            var tools = await client.ListToolsAsync();
            var result = await client.CallAsync("cluster_status");
            Assert.True(result.IsError is not true, $"{revision}: {McpHarness.Text(result)}");
            McpHarness.ValidAgainstOutputSchema(tools.Single(t => t.Name == "cluster_status"), result);
        }
    }

    [Fact]
    public async Task Cache_files_are_linked_and_read_back_in_pages()
    {
        await using var sim = await SimCluster.StartAsync("healthy", generatePods: 300);
        await using var client = await McpHarness.StdioAsync(sim);
        var result = await client.CallAsync("cluster_status");
        var links = result.Content.OfType<ResourceLinkBlock>().ToList();
        var pods = links.Single(l => l.Name.EndsWith("/pods.json", StringComparison.Ordinal));
        Assert.StartsWith("kstack://cache/sim-admin/", pods.Uri);
        Assert.True(pods.Size > CacheResources.PageBytes, $"pods.json is {pods.Size} bytes");

        var pages = new StringBuilder();
        string? next = pods.Uri;
        var count = 0;
        while (next is not null)
        {
            var read = await client.ReadResourceAsync(next);
            var text = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents));
            Assert.True(Encoding.UTF8.GetByteCount(text.Text) <= CacheResources.PageBytes + 4);
            pages.Append(text.Text);
            next = (string?)text.Meta!["kstack"]!["next"];
            count++;
        }
        Assert.Equal((int)((pods.Size!.Value + CacheResources.PageBytes - 1) / CacheResources.PageBytes), count);
        var dir = new InstallRoot(sim.Root).CacheDirFor("sim-admin");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, pods.Name)), pages.ToString());

        foreach (var bad in new[]
                 {
                     "kstack://cache/sim-admin/../../state/x.json", "kstack://cache/other/pods.json", "file:///etc/passwd",
                     pods.Uri + "?page=0", pods.Uri + "?page=999", "kstack://cache/sim-admin/%2E%2E/%2E%2E/kubeconfig",
                 })
        {
            var e = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync(bad).AsTask());
            Assert.Contains("cannot be read", e.Message);
        }
    }

    [Fact]
    public async Task The_first_context_is_pinned_and_another_must_be_named()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using var client = await McpHarness.StdioAsync(sim);
        Assert.Equal("sim-admin", (string?)McpHarness.Structured(await client.CallAsync("cluster_status"))["pinned_context"]);

        // The kubeconfig's current-context moves; the session keeps its pinned context.
        var kubeconfig = sim.Server.KubeconfigPath;
        File.WriteAllText(kubeconfig, File.ReadAllText(kubeconfig).Replace("current-context: sim-admin", "current-context: sim-elsewhere"));
        var again = McpHarness.Structured(await client.CallAsync("events"));
        Assert.True((bool)again["ok"]!);
        Assert.Equal("sim-admin", (string?)again["context"]);

        var other = await client.CallAsync("events", new JsonObject { ["context"] = "sim-elsewhere" });
        Assert.True(other.IsError);
        var structured = McpHarness.Structured(other);
        Assert.Equal("user", (string?)structured["error"]!["kind"]);
        Assert.Equal("sim-elsewhere", (string?)structured["context"]);
        Assert.Equal("sim-admin", (string?)structured["pinned_context"]);
    }

    [Fact]
    public async Task No_result_carries_the_kubeconfig_or_its_credentials()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using var client = await McpHarness.StdioAsync(sim);
        var kubeconfig = File.ReadAllText(sim.Server.KubeconfigPath);
        var secrets = kubeconfig.Split('\n').Where(l => l.Contains("token:") || l.Contains("-data:"))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim().Trim('"')).Where(s => s.Length > 8).ToList();
        Assert.NotEmpty(secrets);
        foreach (var (name, args) in ReadCalls)
        {
            var wire = System.Text.Json.JsonSerializer.Serialize(await client.CallAsync(name, args), McpJsonUtilities.DefaultOptions);
            Assert.DoesNotContain(sim.Server.KubeconfigPath, wire);
            Assert.All(secrets, s => Assert.DoesNotContain(s, wire));
        }
    }

    [Fact]
    public async Task Hostile_cluster_text_is_neutralised_as_in_the_cli()
    {
        await using var sim = await SimCluster.StartAsync("hostile");
        await using var client = await McpHarness.StdioAsync(sim);
        foreach (var tool in new[] { "cluster_status", "events" })
        {
            var result = await client.CallAsync(tool);
            Assert.True(result.IsError is not true, McpHarness.Text(result));
            var text = McpHarness.Text(result);
            HostileAssert.ContentIsNeutralised(text);
            HostileAssert.PayloadsOnlyInsideQuotes(text);
            HostileAssert.ContentIsNeutralised(result.StructuredContent!.Value.GetRawText());
        }
    }

    [Fact]
    public async Task Bad_arguments_and_unknown_tools_are_typed_errors()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        await using var client = await McpHarness.StdioAsync(sim);
        var bad = await client.CallAsync("metrics", new JsonObject { ["top"] = "many" });
        Assert.True(bad.IsError);
        Assert.Equal("user", (string?)McpHarness.Structured(bad)["error"]!["kind"]);
        var missing = await client.CallAsync("investigate", new JsonObject { ["target"] = "deployment/nothing-here" });
        Assert.True(missing.IsError);
        Assert.Equal("user", (string?)McpHarness.Structured(missing)["error"]!["kind"]);
        await Assert.ThrowsAsync<McpProtocolException>(() => client.CallAsync("no_such_tool"));
    }

    [Fact]
    public async Task Progress_is_notified_when_the_call_carries_a_token()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using var client = await McpHarness.StdioAsync(sim);
        var seen = new List<ProgressNotificationValue>();
        var progress = new SynchronousProgress(v => { lock (seen) seen.Add(v); });
        var result = await client.CallAsync("cluster_status", new JsonObject { ["refresh"] = true }, progress);
        Assert.True(result.IsError is not true);
        lock (seen)
        {
            Assert.NotEmpty(seen);
            Assert.Contains("cluster_status: context sim-admin", seen[0].Message);
        }
    }

    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }

    [Fact]
    public async Task Every_call_leaves_one_audit_line_in_the_context_state()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        await using (var client = await McpHarness.StdioAsync(sim))
        {
            await client.CallAsync("cluster_status");
            await client.CallAsync("metrics", new JsonObject { ["top"] = "x\u001b[31mred" });
        }
        var path = Path.Combine(new InstallRoot(sim.Root).StateDirFor("sim-admin"), McpAuditLog.FileName);
        var lines = File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("cluster_status", (string?)lines[0]["tool"]);
        Assert.Equal("ok", (string?)lines[0]["outcome"]);
        Assert.False((bool)lines[0]["confirmation_asked"]!);
        Assert.Equal("sim-admin", (string?)lines[0]["context"]);
        Assert.Equal("user", (string?)lines[1]["outcome"]);
        // Refused before it named a context: the line lands in the pinned context's state, with no context claimed.
        Assert.Null(lines[1]["context"]);
        Assert.DoesNotContain('\u001b', File.ReadAllText(path));
    }

    [Fact]
    public async Task Read_only_mode_hides_every_tool_that_is_not_read_only()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        await using var client = await McpHarness.StdioAsync(sim, ["--read-only"]);
        var names = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Equal(["alerts", "audit_cost", "audit_network", "audit_security", "cluster_status", "events", "investigate", "karpenter", "metrics"], names);
        Assert.All(await client.ListToolsAsync(), t => Assert.True(t.ProtocolTool.Annotations!.ReadOnlyHint));
        var e = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallAsync("exec", new JsonObject { ["target"] = "web" }));
        Assert.Contains("--read-only", e.Message);
    }

    [Fact]
    public async Task Answers_stay_under_the_budget_at_50000_pods()
    {
        await using var sim = await SimCluster.StartAsync("healthy", generatePods: 50_000);
        await using var client = await McpHarness.StdioAsync(sim);
        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name);
        foreach (var name in new[] { "cluster_status", "events", "audit_security" })
        {
            var result = await client.CallAsync(name);
            Assert.True(result.IsError is not true, $"{name}: {McpHarness.Text(result)}");
            McpHarness.ValidAgainstOutputSchema(tools[name], result);
            Assert.True(McpHarness.Tokens(result) < KstackMcpServer.MaxResultTokens, $"{name}: ≈{McpHarness.Tokens(result)} tokens");
        }
    }
}
