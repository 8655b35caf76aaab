using System.Text.Json;

namespace Kstack.Skills.Shared;

/// <summary>
/// A metav1.LabelSelector evaluated in process: matchLabels and matchExpressions ANDed, <c>{}</c> selects everything.
/// An unknown operator selects nothing, as the API server would have refused it.
/// </summary>
internal sealed record Selector(IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<(string Key, string Op, string[] Values)> Expressions)
{
    public static readonly Selector Everything = new([], []);

    public bool IsEmpty => Labels.Count == 0 && Expressions.Count == 0;

    /// <summary>A LabelSelector object, or null when the field is absent.</summary>
    public static Selector? From(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } s) return null;
        var labels = s.Props("matchLabels").Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.ToString())).ToList();
        var expressions = s.Array("matchExpressions")
            .Select(x => (x.Str("key") ?? "", x.Str("operator") ?? "", x.Array("values").Select(v => v.GetString() ?? "").ToArray())).ToList();
        return new Selector(labels, expressions);
    }

    /// <summary>A Service's spec.selector (a plain map): null or empty means the Service selects no pods itself.</summary>
    public static Selector? FromMap(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } s) return null;
        var labels = s.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? "")).ToList();
        return labels.Count == 0 ? null : new Selector(labels, []);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in Labels)
            if (!labels.TryGetValue(k, out var actual) || actual != v) return false;
        foreach (var (key, op, values) in Expressions)
        {
            var has = labels.TryGetValue(key, out var actual);
            var ok = op switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>The selector as kubectl's -l syntax, for the observed value of a finding.</summary>
    public override string ToString()
    {
        if (IsEmpty) return "{} (everything)";
        var parts = Labels.Select(kv => $"{kv.Key}={kv.Value}").Concat(Expressions.Select(x => x.Op switch
        {
            "In" => $"{x.Key} in ({string.Join(",", x.Values)})",
            "NotIn" => $"{x.Key} notin ({string.Join(",", x.Values)})",
            "Exists" => x.Key,
            "DoesNotExist" => "!" + x.Key,
            _ => $"{x.Key} {x.Op} ({string.Join(",", x.Values)})",
        }));
        return string.Join(",", parts);
    }
}
