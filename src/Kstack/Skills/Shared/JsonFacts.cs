using System.Globalization;
using System.Text.Json;

namespace Kstack.Skills.Shared;

/// <summary>Null-safe readers for fields of Kubernetes objects.</summary>
internal static class JsonFacts
{
    public static JsonElement? Get(this JsonElement e, params string[] path)
    {
        var cur = e;
        foreach (var p in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(p, out var next)) return null;
            cur = next;
        }
        return cur.ValueKind == JsonValueKind.Null ? null : cur;
    }

    public static string? Str(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public static long? Long(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var v) ? v : null;

    public static bool Bool(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.True };

    public static DateTimeOffset? Time(this JsonElement e, params string[] path) =>
        e.Str(path) is { Length: > 0 } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public static IEnumerable<JsonElement> Array(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    public static IEnumerable<JsonProperty> Props(this JsonElement e, params string[] path) =>
        e.Get(path) is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject() : [];
}
