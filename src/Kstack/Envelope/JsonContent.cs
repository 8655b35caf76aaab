using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kstack.Envelope;

/// <summary>
/// The bound on <c>--json</c> content: every string in it — values and property names — is at most
/// <see cref="MaxString"/> UTF-16 units; a longer one is cut there (never inside a surrogate pair) and ends with '…',
/// as text mode caps cluster text. One hostile 100 KB value therefore adds at most that much per place it appears.
/// </summary>
internal static class JsonContent
{
    public const int MaxString = 1000;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The document with every over-long string cut; content that is not JSON is returned unchanged.</summary>
    public static string Cap(string json, int max = MaxString)
    {
        // A document no longer than the cap cannot hold a string longer than it.
        if (json.Length <= max) return json;
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(bytes.Length, 1 << 16));
        var cut = false;
        try
        {
            using var w = new Utf8JsonWriter(buffer, Options);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: w.WriteStartObject(); break;
                    case JsonTokenType.EndObject: w.WriteEndObject(); break;
                    case JsonTokenType.StartArray: w.WriteStartArray(); break;
                    case JsonTokenType.EndArray: w.WriteEndArray(); break;
                    case JsonTokenType.PropertyName: w.WritePropertyName(Cut(reader.GetString()!, max, ref cut)); break;
                    case JsonTokenType.String: w.WriteStringValue(Cut(reader.GetString()!, max, ref cut)); break;
                    case JsonTokenType.Number: w.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                    case JsonTokenType.True: w.WriteBooleanValue(true); break;
                    case JsonTokenType.False: w.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: w.WriteNullValue(); break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return json;
        }
        return cut ? Encoding.UTF8.GetString(buffer.WrittenSpan) : json;
    }

    private static string Cut(string s, int max, ref bool cut)
    {
        if (s.Length <= max) return s;
        cut = true;
        var n = Math.Max(max - 1, 0);
        if (n > 0 && char.IsHighSurrogate(s[n - 1])) n--;
        return s[..n] + "…";
    }
}
