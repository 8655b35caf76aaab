using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Install;

namespace Kstack.Mcp;

/// <summary>
/// One MCP client's configuration file and how kstack's entry looks in it. Formats (checked against each client's docs):
/// Claude Code `mcpServers.kstack` with `"type": "stdio"` in `.mcp.json` (project) or `~/.claude.json` (user scope;
/// `$CLAUDE_CONFIG_DIR/.claude.json` when set); Cursor `mcpServers.kstack` in `.cursor/mcp.json` or `~/.cursor/mcp.json`;
/// Codex a `[mcp_servers.kstack]` table in `.codex/config.toml` (trusted projects) or `$CODEX_HOME/config.toml`
/// (default `~/.codex/config.toml`). Writing merges: every other entry and line is kept; removing deletes only kstack's.
/// </summary>
internal sealed record McpClientConfig(string Agent, Func<AgentHomes, string> GlobalFile, string LocalFile, bool Toml, bool TypedStdio)
{
    public const string EntryName = "kstack";

    public static readonly IReadOnlyList<McpClientConfig> All =
    [
        new("claude", h => Path.Combine(h.Env.TryGetValue("CLAUDE_CONFIG_DIR", out var d) ? Path.GetFullPath(d, h.Home) : h.Home, ".claude.json"), ".mcp.json", Toml: false, TypedStdio: true),
        new("codex", h => Path.Combine(h.Dir("CODEX_HOME", ".codex"), "config.toml"), Path.Combine(".codex", "config.toml"), Toml: true, TypedStdio: false),
        new("cursor", h => Path.Combine(h.Home, ".cursor", "mcp.json"), Path.Combine(".cursor", "mcp.json"), Toml: false, TypedStdio: false),
    ];

    public static string SupportedList => string.Join(", ", All.Select(c => c.Agent));

    public static McpClientConfig? Find(string agent) => All.FirstOrDefault(c => c.Agent == agent);

    public string FileFor(InstallTarget target) =>
        target.Mode == InstallMode.Global ? GlobalFile(target.Homes) : Path.Combine(target.AgentBase, LocalFile);

    /// <summary>Adds or updates kstack's entry; returns what happened ("added", "updated", "unchanged").</summary>
    public string Write(string file, string command)
    {
        var before = File.Exists(file) ? File.ReadAllText(file) : null;
        var after = Toml ? TomlWith(before ?? "", command) : JsonWith(file, before, command);
        if (after == before) return "unchanged";
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        AtomicFile.WriteAllText(file, after);
        return before is null || !Contains(before) ? "added" : "updated";
    }

    /// <summary>Removes kstack's entry, leaving everything else; false when the file has none.</summary>
    public bool Remove(string file)
    {
        if (!File.Exists(file)) return false;
        var before = File.ReadAllText(file);
        if (!Contains(before)) return false;
        string after;
        if (Toml)
        {
            after = TomlWithout(before);
        }
        else
        {
            var root = ParseJson(file, before);
            var servers = root["mcpServers"] as JsonObject;
            servers!.Remove(EntryName);
            after = Serialise(root);
        }
        AtomicFile.WriteAllText(file, after);
        return true;
    }

    private bool Contains(string text)
    {
        if (Toml) return TomlSpan(text.Split('\n')) is not null;
        try { return JsonNode.Parse(text) is JsonObject { } o && o["mcpServers"] is JsonObject s && s.ContainsKey(EntryName); }
        catch (JsonException) { return false; }
    }

    // ------------------------------------------------------------------ JSON (Claude Code, Cursor)

    private string JsonWith(string file, string? before, string command)
    {
        var root = before is null || before.Trim().Length == 0 ? new JsonObject() : ParseJson(file, before);
        if (root["mcpServers"] is not JsonObject servers)
        {
            if (root["mcpServers"] is not null) throw KstackException.User($"{file}: `mcpServers` is not an object; kstack left the file as it was.");
            root["mcpServers"] = servers = new JsonObject();
        }
        var entry = new JsonObject();
        if (TypedStdio) entry["type"] = "stdio";
        entry["command"] = command;
        entry["args"] = new JsonArray("mcp");
        if (servers[EntryName] is JsonObject existing && JsonNode.DeepEquals(existing, entry)) return before!;
        servers[EntryName] = entry;
        return Serialise(root);
    }

    private static JsonObject ParseJson(string file, string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                   ?? throw KstackException.User($"{file} is not a JSON object; kstack left it as it was.");
        }
        catch (JsonException e)
        {
            throw KstackException.User($"{file} is not valid JSON ({e.Message.Split('\n')[0]}); kstack left it as it was.");
        }
    }

    private static string Serialise(JsonObject root)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            root.WriteTo(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    // ------------------------------------------------------------------ TOML (Codex)

    /// <summary>The lines of the `[mcp_servers.kstack]` table and its sub-tables: [start, end).</summary>
    private static (int Start, int End)? TomlSpan(string[] lines)
    {
        static string Header(string line) => line.Trim().Replace(" ", "", StringComparison.Ordinal);
        var start = Array.FindIndex(lines, l => Header(l) is "[mcp_servers.kstack]" or "[mcp_servers.\"kstack\"]");
        if (start < 0) return null;
        var end = start + 1;
        while (end < lines.Length)
        {
            var h = Header(lines[end]);
            if (h.StartsWith('[') && !h.StartsWith("[mcp_servers.kstack.", StringComparison.Ordinal)) break;
            end++;
        }
        // Blank lines before the next table belong to the gap, not to kstack's table.
        while (end > start + 1 && lines[end - 1].Trim().Length == 0) end--;
        return (start, end);
    }

    private static string TomlWith(string before, string command)
    {
        var table = $"[mcp_servers.{EntryName}]\ncommand = {TomlString(command)}\nargs = [\"mcp\"]";
        var lines = before.Split('\n');
        if (TomlSpan(lines) is { } span)
        {
            var current = string.Join('\n', lines[span.Start..span.End]);
            if (current == table) return before;
            return string.Join('\n', [.. lines[..span.Start], table, .. lines[span.End..]]);
        }
        var head = before.TrimEnd('\n');
        return (head.Length == 0 ? "" : head + "\n\n") + table + "\n";
    }

    private static string TomlWithout(string before)
    {
        var lines = before.Split('\n');
        var span = TomlSpan(lines)!.Value;
        var rest = lines[..span.Start].Concat(lines[span.End..].SkipWhile(l => l.Trim().Length == 0)).ToList();
        return string.Join('\n', rest).TrimEnd('\n') is { Length: > 0 } text ? text + "\n" : "";
    }

    private static string TomlString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (char.IsControl(c)) sb.Append($"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}

/// <summary>`kstack install --mcp`: the binary into &lt;root&gt;/bin, then kstack's entry into each agent's MCP configuration.</summary>
internal static class McpInstall
{
    public static Envelope.Envelope Run(InstallTarget target, IReadOnlyList<string> agentNames, string? path, string executable)
    {
        var notes = new List<string>();
        IReadOnlyList<McpClientConfig> clients;
        if (agentNames.Count > 0)
        {
            clients = agentNames.Distinct().Select(n => McpClientConfig.Find(n)
                    ?? throw KstackException.User($"`install --mcp` knows no MCP configuration for agent {ArgumentText.Quote(n)}. Supported: {McpClientConfig.SupportedList}."))
                .ToList();
        }
        else
        {
            var detected = AgentTable.Detect(path).Select(a => McpClientConfig.Find(a.Name)).OfType<McpClientConfig>().ToList();
            if (detected.Count == 0) notes.Add("No MCP client CLI (claude, codex, cursor) detected on PATH — configuring claude by default.");
            clients = detected.Count > 0 ? detected : [McpClientConfig.Find("claude")!];
        }
        SelfInstall.CopyTo(executable, Path.Combine(target.Root, "bin"));
        var command = Path.Combine(target.Root, "bin", SelfInstall.ExecutableName);
        var manifest = new Manifest(target.Root);
        Directory.CreateDirectory(manifest.Dir);
        var log = new List<string>(notes) { $"🔌 kstack MCP server ({target.Label}): {command} mcp", "" };
        var written = new List<(string, string)>();
        foreach (var client in clients)
        {
            var file = client.FileFor(target);
            var what = client.Write(file, command);
            written.Add((client.Agent, file));
            log.Add($"   ✓ {client.Agent}: {what} `{McpClientConfig.EntryName}` in {file}");
        }
        manifest.WriteMcp(manifest.ReadMcp().Concat(written));
        log.Add("");
        log.Add("Restart the agent to load the server. `kstack uninstall` removes only kstack's entry.");
        return Envelope.Envelope.Verbatim(string.Join("\n", log));
    }
}
