using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kstack.Kube;

/// <summary>
/// Copies one list item as kubectl -o json shows it: apiVersion and kind added when the server left them out,
/// metadata.managedFields dropped (bulky and never needed for troubleshooting). Works on raw bytes, no DOM.
/// </summary>
public static class ItemRewriter
{
    private static readonly byte[] ManagedFields = "managedFields"u8.ToArray();

    public static void Write(ReadOnlySpan<byte> item, byte[] typePrefix, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(item);
        reader.Read(); // StartObject
        var hasKind = false;
        int cutStart = -1, cutEnd = -1;
        while (reader.Read() && reader.CurrentDepth >= 1)
        {
            if (reader.CurrentDepth != 1 || reader.TokenType != JsonTokenType.PropertyName) continue;
            if (reader.ValueTextEquals("kind")) hasKind = true;
            if (reader.ValueTextEquals("metadata"))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) continue;
                while (reader.Read() && reader.CurrentDepth >= 2)
                {
                    if (reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(ManagedFields))
                    {
                        var nameStart = (int)reader.TokenStartIndex;
                        reader.Read();
                        reader.Skip();
                        (cutStart, cutEnd) = CommaAwareRange(item, nameStart, (int)reader.BytesConsumed);
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 2)
                    {
                        reader.Skip();
                    }
                }
                continue;
            }
            reader.Read();
            reader.Skip();
        }

        var afterBrace = 1;
        output.Write(item[..afterBrace]);
        if (!hasKind) output.Write(typePrefix);
        if (cutStart < 0) output.Write(item[afterBrace..]);
        else
        {
            output.Write(item[afterBrace..cutStart]);
            output.Write(item[cutEnd..]);
        }
    }

    /// <summary>"apiVersion":"v1","kind":"Pod", — inserted right after an item's opening brace.</summary>
    public static byte[] TypePrefix(string apiVersion, string kind) =>
        Encoding.UTF8.GetBytes($"\"apiVersion\":{JsonSerializerString(apiVersion)},\"kind\":{JsonSerializerString(kind)},");

    private static string JsonSerializerString(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Extends a property's byte range to swallow exactly one neighbouring comma.</summary>
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
