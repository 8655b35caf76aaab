using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Mcp;

/// <summary>
/// The MCP audit trail: one JSON line per tool call in `state/contexts/&lt;sha12&gt;/mcp-audit.jsonl` of the context it ran
/// against (`state/global/` when none was resolved): time, tool, arguments with every string neutralised and capped,
/// context, outcome, and whether a confirmation was asked and what the user answered. Lines are appended in one write
/// each, so concurrent servers do not interleave them.
/// </summary>
internal sealed class McpAuditLog(InstallRoot root, TimeProvider clock)
{
    public const string FileName = "mcp-audit.jsonl";
    private static readonly Lock WriteLock = new();

    public string PathFor(string? context) =>
        Path.Combine(context is null ? root.GlobalStateDir : root.StateDirFor(context), FileName);

    /// <param name="stateContext">Whose state directory gets the line: the call's context, else the session's pinned one.</param>
    public void Write(string tool, IDictionary<string, JsonElement>? arguments, string? context, string? stateContext, string outcome, bool asked, string? answer)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("time", clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
            w.WriteString("tool", DataText.Token(tool, 128));
            w.WriteStartObject("arguments");
            foreach (var (key, value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                w.WritePropertyName(DataText.Token(key, 64));
                WriteValue(w, value);
            }
            w.WriteEndObject();
            if (context is null) w.WriteNull("context");
            else w.WriteString("context", DataText.Token(context, 253));
            w.WriteString("outcome", outcome);
            w.WriteBoolean("confirmation_asked", asked);
            if (answer is null) w.WriteNull("confirmation_answer");
            else w.WriteString("confirmation_answer", answer);
            w.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
        var path = PathFor(context ?? stateContext);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lock (WriteLock)
        {
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            file.Write(Encoding.UTF8.GetBytes(line));
        }
    }

    /// <summary>Arguments are the model's text: strings neutralised (controls, bidi, credentials) and capped; shapes kept.</summary>
    private static void WriteValue(Utf8JsonWriter w, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                w.WriteStringValue(DataText.Inline(value.GetString(), 200));
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in value.EnumerateArray().Take(20)) WriteValue(w, item);
                w.WriteEndArray();
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                value.WriteTo(w);
                break;
            default:
                w.WriteStringValue("(object)");
                break;
        }
    }
}
