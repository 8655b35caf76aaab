using System.Buffers;
using System.Text.Json;

namespace Kstack.Kube;

/// <summary>List-level fields seen while streaming a Kubernetes List.</summary>
internal sealed class ListHeader
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public string? ResourceVersion { get; set; }
    public string? Continue { get; set; }
}

/// <summary>
/// Streams the items of a Kubernetes List (top-level "items" array) from a stream without holding the whole list:
/// each complete item is handed to the callback as raw UTF-8 JSON, in order. Lone surrogate escapes arrive as \ufffd
/// (<see cref="JsonEscapes"/>), and no single item may exceed <see cref="MaxItemBytes"/>.
/// </summary>
internal static class ListStreamReader
{
    public delegate void ItemHandler(ReadOnlySpan<byte> item);

    /// <summary>Far above etcd's 1.5 MiB object limit; a bigger item is a broken or hostile server, not a cluster.</summary>
    public const int MaxItemBytes = 64 << 20;

    public static async Task<ListHeader> ReadAsync(Stream stream, ItemHandler onItem, CancellationToken ct)
    {
        var header = new ListHeader();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var state = new JsonReaderState();
        var length = 0;
        var settled = 0;
        var isFinal = false;
        var inItems = false;
        try
        {
            while (true)
            {
                if (!isFinal)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxItemBytes) throw new JsonException($"An item or field is larger than {MaxItemBytes >> 20} MiB.");
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var n = await stream.ReadAsync(buffer.AsMemory(length), ct);
                    if (n == 0) isFinal = true;
                    length += n;
                }
                settled += JsonEscapes.ReplaceLoneSurrogates(buffer.AsSpan(settled, length - settled), isFinal);
                var consumed = Scan(buffer.AsSpan(0, settled), isFinal && settled == length, ref state, ref inItems, header, onItem, out var done);
                if (done) return header;
                if (isFinal) throw new JsonException("The list ended before its closing brace (truncated response).");
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
                settled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The same over a complete page held in memory (lone surrogates replaced in place): each item is handed over as
    /// a slice of <paramref name="page"/>, so its offset is known. A page that does not end in its closing brace is truncated.
    /// </summary>
    public static ListHeader ReadBuffered(Span<byte> page, ItemHandler onItem)
    {
        if (page.Length == 0) throw new JsonException("The list ended before its closing brace (truncated response).");
        JsonEscapes.ReplaceLoneSurrogates(page, final: true);
        var header = new ListHeader();
        var state = new JsonReaderState();
        var inItems = false;
        Scan(page, isFinal: true, ref state, ref inItems, header, onItem, out var done);
        if (!done) throw new JsonException("The list ended before its closing brace (truncated response).");
        return header;
    }

    private static int Scan(ReadOnlySpan<byte> data, bool isFinal, ref JsonReaderState state, ref bool inItems,
        ListHeader header, ItemHandler onItem, out bool done)
    {
        var reader = new Utf8JsonReader(data, isFinal, state);
        done = false;
        while (true)
        {
            var before = reader;
            if (!reader.Read()) break;
            if (inItems)
            {
                if (reader.TokenType == JsonTokenType.EndArray) { inItems = false; continue; }
                if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("List items must be objects.");
                var probe = reader;
                if (!probe.TrySkip()) { reader = before; break; }
                var start = (int)reader.TokenStartIndex;
                onItem(data[start..(int)probe.BytesConsumed]);
                reader = probe;
                continue;
            }
            if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject) { done = true; break; }
            if (reader.CurrentDepth != 1 || reader.TokenType != JsonTokenType.PropertyName) continue;

            var name = reader.GetString();
            if (name == "items")
            {
                if (!reader.Read()) { reader = before; break; }
                if (reader.TokenType == JsonTokenType.StartArray) inItems = true;
                else if (reader.TokenType != JsonTokenType.Null) throw new JsonException("List items must be an array.");
                continue;
            }
            var value = reader;
            if (!value.Read()) { reader = before; break; }
            var valueType = value.TokenType;
            if (!value.TrySkip()) { reader = before; break; }
            if (name is "apiVersion" or "kind" && valueType == JsonTokenType.String)
            {
                if (name == "kind") header.Kind = value.GetString(); else header.ApiVersion = value.GetString();
            }
            else if (name == "metadata" && valueType == JsonTokenType.StartObject)
            {
                var meta = reader;
                meta.Read();
                using var doc = JsonDocument.ParseValue(ref meta);
                if (doc.RootElement.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String)
                    header.ResourceVersion = rv.GetString();
                if (doc.RootElement.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String)
                    header.Continue = c.GetString();
            }
            reader = value;
        }
        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
