using System.Text.Json.Nodes;
using Kstack.Envelope;
using Kstack.Mcp;
using Kstack.Tests.Install;
using Kstack.Tests.Support;
using ModelContextProtocol.Client;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>`kstack install --mcp`: each client's configuration merged without touching other entries; uninstall removes only kstack's.</summary>
public sealed class McpClientConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-mcpcfg-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static McpClientConfig Client(string agent) => McpClientConfig.Find(agent)!;

    [Fact]
    public void Claude_json_gains_a_typed_stdio_entry_and_keeps_everything_else()
    {
        var file = Path.Combine(_dir, ".claude.json");
        File.WriteAllText(file, """{"numStartups": 7, "projects": {"/p": {"x": 1}}, "mcpServers": {"github": {"command": "gh-mcp", "args": []}}}""");
        Assert.Equal("added", Client("claude").Write(file, "/opt/kstack/bin/kstack"));
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal(7, (int)json["numStartups"]!);
        Assert.Equal(1, (int)json["projects"]!["/p"]!["x"]!);
        Assert.Equal("gh-mcp", (string?)json["mcpServers"]!["github"]!["command"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"stdio","command":"/opt/kstack/bin/kstack","args":["mcp"]}"""), json["mcpServers"]!["kstack"]));
        Assert.Equal("unchanged", Client("claude").Write(file, "/opt/kstack/bin/kstack"));
        Assert.Equal("updated", Client("claude").Write(file, "/new/kstack"));

        Assert.True(Client("claude").Remove(file));
        json = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Null(json["mcpServers"]!["kstack"]);
        Assert.Equal("gh-mcp", (string?)json["mcpServers"]!["github"]!["command"]);
        Assert.Equal(7, (int)json["numStartups"]!);
        Assert.False(Client("claude").Remove(file));
    }

    [Fact]
    public void Cursor_file_is_created_when_missing()
    {
        var file = Path.Combine(_dir, "proj", ".cursor", "mcp.json");
        Assert.Equal("added", Client("cursor").Write(file, "/k/bin/kstack"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"mcpServers":{"kstack":{"command":"/k/bin/kstack","args":["mcp"]}}}"""), JsonNode.Parse(File.ReadAllText(file))));
    }

    [Fact]
    public void A_file_that_is_not_json_is_left_as_it_was()
    {
        var file = Path.Combine(_dir, "mcp.json");
        File.WriteAllText(file, "{ not json");
        var e = Assert.Throws<KstackException>(() => Client("cursor").Write(file, "/k"));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Equal("{ not json", File.ReadAllText(file));
    }

    [Fact]
    public void Codex_toml_table_is_added_replaced_and_removed_alone()
    {
        var file = Path.Combine(_dir, "config.toml");
        const string before = "model = \"gpt-5\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
        File.WriteAllText(file, before);
        Assert.Equal("added", Client("codex").Write(file, "/home/u/.config/kstack/bin/kstack"));
        Assert.Equal(before + "\n[mcp_servers.kstack]\ncommand = \"/home/u/.config/kstack/bin/kstack\"\nargs = [\"mcp\"]\n", File.ReadAllText(file));
        Assert.Equal("unchanged", Client("codex").Write(file, "/home/u/.config/kstack/bin/kstack"));

        // A hand-edited kstack table (with a sub-table) between two others is replaced in place.
        File.WriteAllText(file, "[mcp_servers.a]\ncommand = \"a\"\n\n[mcp_servers.kstack]\ncommand = \"old\"\n[mcp_servers.kstack.env]\nX = \"1\"\n\n[mcp_servers.b]\ncommand = \"b\"\n");
        Assert.Equal("updated", Client("codex").Write(file, "/k \"quoted\""));
        Assert.Equal("[mcp_servers.a]\ncommand = \"a\"\n\n[mcp_servers.kstack]\ncommand = \"/k \\\"quoted\\\"\"\nargs = [\"mcp\"]\n\n[mcp_servers.b]\ncommand = \"b\"\n", File.ReadAllText(file));

        Assert.True(Client("codex").Remove(file));
        Assert.Equal("[mcp_servers.a]\ncommand = \"a\"\n\n[mcp_servers.b]\ncommand = \"b\"\n", File.ReadAllText(file));
    }

    [Fact]
    public async Task Install_mcp_writes_each_clients_config_the_server_starts_and_uninstall_removes_only_kstacks_entry()
    {
        using var box = new Sandbox();
        var claudeUser = Path.Combine(box.Home, ".claude.json");
        File.WriteAllText(claudeUser, """{"mcpServers":{"other":{"command":"x"}},"theme":"dark"}""");
        var codex = Path.Combine(box.Home, ".codex", "config.toml");
        Directory.CreateDirectory(Path.GetDirectoryName(codex)!);
        File.WriteAllText(codex, "[mcp_servers.docs]\ncommand = \"docs\"\n");

        var run = box.Install("--mcp", "--agent", "claude", "--agent", "codex", "--agent", "cursor").AssertOk();
        var command = Path.Combine(box.GlobalRoot, "bin", "kstack");
        Assert.Contains($"{command} mcp", run.Content);
        Assert.Equal(command, (string?)JsonNode.Parse(File.ReadAllText(claudeUser))!["mcpServers"]!["kstack"]!["command"]);
        Assert.Contains($"[mcp_servers.kstack]\ncommand = \"{command}\"", File.ReadAllText(codex));
        Assert.Equal(command, (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(box.Home, ".cursor", "mcp.json")))!["mcpServers"]!["kstack"]!["command"]);

        // The configured command is a working MCP server.
        await using (var client = await McpHarness.StdioAsync(new Dictionary<string, string?> { ["HOME"] = box.Home }, command: command))
            Assert.Contains("cluster_status", (await client.ListToolsAsync()).Select(t => t.Name));

        var local = box.Install("--mcp", "--local", "--agent", "claude").AssertOk();
        Assert.Contains(Path.Combine(box.Project, ".mcp.json"), local.Content);
        Assert.Equal(Path.Combine(box.LocalRoot, "bin", "kstack"), (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(box.Project, ".mcp.json")))!["mcpServers"]!["kstack"]!["command"]);

        box.Install("--mcp", "--agent", "opencode").AssertUserError("`install --mcp` knows no MCP configuration for agent `opencode`. Supported: claude, codex, cursor.");

        box.Run("uninstall", "--force").AssertOk();
        var claude = JsonNode.Parse(File.ReadAllText(claudeUser))!;
        Assert.Null(claude["mcpServers"]!["kstack"]);
        Assert.Equal("x", (string?)claude["mcpServers"]!["other"]!["command"]);
        Assert.Equal("dark", (string?)claude["theme"]);
        Assert.Equal("[mcp_servers.docs]\ncommand = \"docs\"\n", File.ReadAllText(codex));
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(box.Home, ".cursor", "mcp.json")))!["mcpServers"]!["kstack"]);
        Assert.False(File.Exists(command));
    }
}
