using System.Text.Json;

namespace Kstack.Sim.Api;

/// <summary>
/// The JSONPath subset CRD additionalPrinterColumns use (kubectl's syntax): <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c>,
/// <c>['key.with.dots']</c> and filters <c>[?(@.type=="Ready")]</c>; an optional <c>{…}</c> around it.
/// </summary>
internal static class SimpleJsonPath
{
    public static IReadOnlyList<JsonElement> Evaluate(JsonElement root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}')) p = p[1..^1].Trim();
        if (p.StartsWith('$')) p = p[1..];
        IEnumerable<JsonElement> current = [root];
        var i = 0;
        while (i < p.Length)
        {
            if (p[i] == '.')
            {
                var start = ++i;
                while (i < p.Length && p[i] != '.' && p[i] != '[') i++;
                var name = p[start..i];
                if (name.Length == 0) continue;
                current = current.SelectMany(e => Child(e, name)).ToList();
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end].Trim();
                i = end + 1;
                current = current.SelectMany(e => Index(e, inner)).ToList();
            }
            else return [];
        }
        return current.Where(e => e.ValueKind != JsonValueKind.Undefined).ToList();
    }

    private static int FindClose(string p, int open)
    {
        var quote = '\0';
        for (var j = open + 1; j < p.Length; j++)
        {
            if (quote != '\0') { if (p[j] == quote) quote = '\0'; continue; }
            if (p[j] is '"' or '\'') quote = p[j];
            else if (p[j] == ']') return j;
        }
        return p.Length - 1;
    }

    private static IEnumerable<JsonElement> Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? [v] : [];

    private static IEnumerable<JsonElement> Index(JsonElement e, string inner)
    {
        if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0]) return Child(e, inner[1..^1]);
        if (e.ValueKind != JsonValueKind.Array) return inner == "*" && e.ValueKind == JsonValueKind.Object ? e.EnumerateObject().Select(p => p.Value).ToList() : [];
        var items = e.EnumerateArray().ToList();
        if (inner == "*") return items;
        if (int.TryParse(inner, out var n)) return n >= 0 && n < items.Count ? [items[n]] : n < 0 && -n <= items.Count ? [items[^-n]] : [];
        if (inner.StartsWith("?(") && inner.EndsWith(')')) return items.Where(x => Matches(x, inner[2..^1].Trim())).ToList();
        return [];
    }

    /// <summary>A filter <c>@.path == "value"</c> (or <c>!=</c>); <c>@.path</c> alone tests that the path exists.</summary>
    private static bool Matches(JsonElement item, string filter)
    {
        var op = filter.Contains("!=") ? "!=" : filter.Contains("==") ? "==" : null;
        var left = op is null ? filter : filter[..filter.IndexOf(op, StringComparison.Ordinal)].Trim();
        if (!left.StartsWith('@')) return false;
        var found = Evaluate(item, left[1..]);
        if (op is null) return found.Count > 0;
        var right = filter[(filter.IndexOf(op, StringComparison.Ordinal) + 2)..].Trim();
        if (right.Length >= 2 && right[0] is '\'' or '"' && right[^1] == right[0]) right = right[1..^1];
        var equal = found.Any(f => (f.ValueKind == JsonValueKind.String ? f.GetString() : f.GetRawText()) == right);
        return op == "==" ? equal : !equal;
    }
}
