using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kstack.Json;

/// <summary>
/// Serialises a source-generated DTO once, with the encoder every kstack document uses (non-ASCII kept readable; the
/// envelope writer neutralises what it embeds). No reflection: every type comes with its generated <see cref="JsonTypeInfo{T}"/>.
/// </summary>
internal static class Dto
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize<T>(T value, JsonTypeInfo<T> info)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) JsonSerializer.Serialize(w, value, info);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write<T>(Stream stream, T value, JsonTypeInfo<T> info)
    {
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        JsonSerializer.Serialize(w, value, info);
    }
}
