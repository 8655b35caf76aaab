using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Kstack.Kube;

/// <summary>One replacement in an item's raw bytes: [Start, End) becomes Replacement (empty to drop the range).</summary>
internal readonly record struct ByteCut(int Start, int End, byte[] Replacement);

/// <summary>
/// Copies one list item as kubectl -o json shows it: apiVersion and kind added when the server left them out,
/// metadata.managedFields dropped (bulky and never needed for troubleshooting), and for pods credential-like env values
/// replaced (<see cref="Redaction.EnvRedactor"/>). Works from the item's parsed document, cutting its raw bytes: the
/// rest of the item is copied byte for byte.
/// </summary>
internal static class ItemRewriter
{
    /// <summary>
    /// Writes the rewritten item; true when env values were replaced (the written bytes then differ from the parsed item
    /// beyond managedFields). With <paramref name="keepWriteTime"/> managedFields becomes <c>[{"time":"&lt;newest&gt;"}]</c>:
    /// when the object was last written (a scale leaves no other timestamp), without the bulky field sets.
    /// </summary>
    public static bool Write(JsonElement item, byte[] typePrefix, bool redactEnv, IBufferWriter<byte> output, List<ByteCut> cuts, bool keepWriteTime = false)
    {
        var raw = JsonMarshal.GetRawUtf8Value(item);
        cuts.Clear();
        var hasKind = item.TryGetProperty("kind"u8, out _);
        if (item.TryGetProperty("metadata"u8, out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            foreach (var property in metadata.EnumerateObject())
                if (property.NameEquals("managedFields"u8))
                {
                    var (start, end) = PropertyRange(raw, property);
                    cuts.Add(new ByteCut(start, end, keepWriteTime ? NewestWriteTime(property.Value, raw, start, end) : []));
                }
        var before = cuts.Count;
        if (redactEnv) Redaction.EnvRedactor.AddCuts(item, raw, cuts);
        var envCut = cuts.Count > before;

        output.Write(raw[..1]);
        if (!hasKind) output.Write(typePrefix);
        WriteCut(raw, 1, cuts, output);
        return envCut;
    }

    /// <summary>The managedFields property reduced to its newest entry's time, keeping the comma the range swallowed.</summary>
    private static byte[] NewestWriteTime(JsonElement fields, ReadOnlySpan<byte> raw, int start, int end)
    {
        string? newest = null;
        DateTimeOffset newestAt = default;
        if (fields.ValueKind == JsonValueKind.Array)
            foreach (var f in fields.EnumerateArray())
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("time"u8, out var t) && t.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(t.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                    && (newest is null || at > newestAt))
                    (newest, newestAt) = (t.GetString(), at);
        if (newest is null) return [];
        var value = $"\"managedFields\":[{{\"time\":{JsonSerializerString(newest)}}}]";
        // The range swallowed one neighbouring comma: give it back on the same side.
        if (raw[start] == (byte)',') value = "," + value;
        else if (raw[end - 1] == (byte)',') value += ",";
        return Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Writes raw[from..] with the cuts applied (sorted here; a cut before <paramref name="from"/> is ignored).</summary>
    public static void WriteCut(ReadOnlySpan<byte> raw, int from, List<ByteCut> cuts, IBufferWriter<byte> output)
    {
        var at = from;
        if (cuts.Count > 1) cuts.Sort((a, b) => a.Start.CompareTo(b.Start));
        foreach (var cut in cuts)
        {
            if (cut.Start < at) continue; // overlapping cuts cannot occur in valid JSON; never write backwards
            output.Write(raw[at..cut.Start]);
            output.Write(cut.Replacement);
            at = cut.End;
        }
        output.Write(raw[at..]);
    }

    /// <summary>The same, from raw bytes (parsed here).</summary>
    public static void Write(ReadOnlySpan<byte> item, byte[] typePrefix, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(item);
        using var doc = JsonDocument.ParseValue(ref reader);
        Write(doc.RootElement, typePrefix, redactEnv: false, output, []);
    }

    /// <summary>"apiVersion":"v1","kind":"Pod", — inserted right after an item's opening brace.</summary>
    public static byte[] TypePrefix(string apiVersion, string kind) =>
        Encoding.UTF8.GetBytes($"\"apiVersion\":{JsonSerializerString(apiVersion)},\"kind\":{JsonSerializerString(kind)},");

    /// <summary>Offset of a value (or property name) inside the raw bytes of the document element that contains it.</summary>
    public static int OffsetIn(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> part) =>
        raw.Overlaps(part, out var offset) ? offset : throw new InvalidOperationException("The element is not part of this item.");

    /// <summary>A property's byte range (name through value), extended to swallow exactly one neighbouring comma.</summary>
    private static (int Start, int End) PropertyRange(ReadOnlySpan<byte> raw, JsonProperty property)
    {
        var nameStart = OffsetIn(raw, JsonMarshal.GetRawUtf8PropertyName(property)) - 1;
        var value = JsonMarshal.GetRawUtf8Value(property.Value);
        return CommaAwareRange(raw, nameStart, OffsetIn(raw, value) + value.Length);
    }

    private static string JsonSerializerString(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static (int Start, int End) CommaAwareRange(ReadOnlySpan<byte> json, int start, int end)
    {
        var i = start - 1;
        while (i >= 0 && IsSpace(json[i])) i--;
        if (i >= 0 && json[i] == (byte)',') return (i, end);
        var j = end;
        while (j < json.Length && IsSpace(json[j])) j++;
        if (j < json.Length && json[j] == (byte)',') return (start, j + 1);
        return (start, end);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';
}
