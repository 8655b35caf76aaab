using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kstack.Redaction;

/// <summary>
/// Pod specs carry literal env values. Before a pod list reaches the cache, the value of every env entry whose name
/// looks like a credential (Polaris' and Kubescape's name patterns) or whose value has a credential shape the
/// <see cref="Redactor"/> knows is replaced by a marker with a short hash of the value, so a change stays visible
/// and the value does not. Works on raw bytes: items without such an entry are copied untouched.
/// </summary>
public static partial class EnvRedactor
{
    public const string MarkerPrefix = "[REDACTED:env sha256:";

    public static string Marker(string value) => $"{MarkerPrefix}{Cache.InstallRoot.ShortSha(value)[..8]}]";

    public static bool IsMarker(string value) => value.StartsWith(MarkerPrefix, StringComparison.Ordinal);

    /// <summary>A literal value is a credential when its name says so and it is not a path or reference, or when its shape says so.</summary>
    public static bool LooksLikeCredential(string name, string value)
    {
        if (value.Length == 0) return false;
        if (IsMarker(value) || Redactor.Redact(value) != value) return true;
        if (!SensitiveName().IsMatch(name)) return false;
        return !(value.StartsWith('/') || value.StartsWith("$(", StringComparison.Ordinal) || value is "true" or "false" || value.Length < 4);
    }

    /// <summary>The item with credential-like env values replaced, or the item itself when there is none.</summary>
    public static ReadOnlySpan<byte> Apply(ReadOnlySpan<byte> item, ArrayBufferWriter<byte> scratch)
    {
        if (item.IndexOf("\"env\""u8) < 0) return item;
        var cuts = new List<(int Start, int End, string Replacement)>();
        var reader = new Utf8JsonReader(item);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("env")) continue;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray) { reader.Skip(); continue; }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                string? name = null, value = null;
                int valueStart = -1, valueEnd = -1;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var isName = reader.ValueTextEquals("name");
                    var isValue = reader.ValueTextEquals("value");
                    reader.Read();
                    if (isName && reader.TokenType == JsonTokenType.String) name = reader.GetString();
                    else if (isValue && reader.TokenType == JsonTokenType.String)
                    {
                        value = reader.GetString();
                        valueStart = (int)reader.TokenStartIndex;
                        valueEnd = (int)reader.BytesConsumed;
                    }
                    else reader.Skip();
                }
                if (value is not null && !IsMarker(value) && LooksLikeCredential(name ?? "", value))
                    cuts.Add((valueStart, valueEnd, "\"" + Marker(value) + "\""));
            }
        }
        if (cuts.Count == 0) return item;
        scratch.ResetWrittenCount();
        var at = 0;
        foreach (var (start, end, replacement) in cuts)
        {
            scratch.Write(item[at..start]);
            scratch.Write(Encoding.UTF8.GetBytes(replacement));
            at = end;
        }
        scratch.Write(item[at..]);
        return scratch.WrittenSpan;
    }

    [GeneratedRegex(@"^(AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS|AZURE_.+KEY|OCI_CLI_KEY_CONTENT)$|password|passwd|pwd|token|bearer|secret|api_?key|jwt|credential",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SensitiveName();
}
