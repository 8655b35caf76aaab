using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Skills.Shared;

namespace Kstack.Objects;

/// <summary>
/// Checks a label selector against the API server's grammar (apimachinery's labels.Parse) before it is sent:
/// requirements joined by ',' — <c>key</c>, <c>!key</c>, <c>key=v</c>, <c>key==v</c>, <c>key!=v</c>,
/// <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key&gt;1</c>, <c>key&lt;1</c> — with qualified-name keys and
/// label-value values. A bad selector is a user error naming it, never a crash or a 400 from the server.
/// </summary>
internal static partial class LabelSelector
{
    /// <summary>Looks like a selector rather than a name: has an operator character or starts with '!'.</summary>
    public static bool LooksLike(string text) =>
        text.IndexOfAny(['=', '!', '(', ')', ',', '<', '>']) >= 0 || text.Contains(" in ", StringComparison.Ordinal)
        || text.Contains(" notin ", StringComparison.Ordinal);

    /// <summary>Throws a user error unless <paramref name="selector"/> parses; returns it unchanged.</summary>
    public static string Validate(string selector)
    {
        if (Problem(selector) is { } problem)
            throw KstackException.User($"Invalid label selector {DataText.Quote(selector, 120)}: {problem}. "
                                       + "Use key=value, key!=value, key in (a,b), key notin (a,b), key or !key, joined by commas.");
        return selector;
    }

    /// <summary>matchLabels and matchExpressions of a workload's spec.selector as a label selector string.</summary>
    public static string Of(JsonElement workload)
    {
        var parts = new List<string>();
        foreach (var p in workload.Props("spec", "selector", "matchLabels")) parts.Add($"{p.Name}={p.Value.GetString()}");
        foreach (var e in workload.Array("spec", "selector", "matchExpressions"))
        {
            var key = e.Str("key") ?? "";
            var values = string.Join(",", e.Array("values").Select(v => v.GetString()));
            parts.Add((e.Str("operator") ?? "") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => throw KstackException.User($"Unsupported selector operator `{TerminalText.Clean(op)}`."),
            });
        }
        return string.Join(",", parts);
    }

    /// <summary>Why the selector does not parse, or null when it does.</summary>
    public static string? Problem(string selector)
    {
        var tokens = Lex(selector);
        var i = 0;
        if (tokens.Count == 0) return null;
        while (true)
        {
            if (Requirement(tokens, ref i) is { } bad) return bad;
            if (i >= tokens.Count) return null;
            if (tokens[i] != ",") return $"found {Show(tokens[i])}, expected ',' or the end";
            i++;
        }
    }

    private static string? Requirement(List<string> t, ref int i)
    {
        string Next(ref int j) => j < t.Count ? t[j] : "";
        if (Next(ref i) == "!")
        {
            i++;
            var key = Next(ref i);
            if (!IsIdentifier(key)) return $"found {Show(key)}, expected a label key after '!'";
            i++;
            return KeyProblem(key);
        }
        var k = Next(ref i);
        if (!IsIdentifier(k)) return $"found {Show(k)}, expected a label key";
        if (KeyProblem(k) is { } keyBad) return keyBad;
        i++;
        var op = Next(ref i);
        if (op is "" or ",") return null;
        i++;
        switch (op)
        {
            case "=" or "==" or "!=":
            {
                var v = Next(ref i);
                if (v is "" or ",") return null;
                if (!IsIdentifier(v)) return $"found {Show(v)}, expected a value after '{op}'";
                i++;
                return ValueProblem(v);
            }
            case ">" or "<":
            {
                var v = Next(ref i);
                i++;
                return long.TryParse(v, out _) ? null : $"found {Show(v)}, expected an integer after '{op}'";
            }
            case "in" or "notin":
            {
                if (Next(ref i) != "(") return $"found {Show(Next(ref i))}, expected '(' after {op}";
                i++;
                while (true)
                {
                    var v = Next(ref i);
                    if (IsIdentifier(v))
                    {
                        if (ValueProblem(v) is { } bad) return bad;
                        i++;
                        v = Next(ref i);
                    }
                    if (v == ")") { i++; return null; }
                    if (v != ",") return $"found {Show(v)}, expected ',' or ')' in the value list";
                    i++;
                }
            }
            default:
                return $"found {Show(op)}, expected an operator (=, ==, !=, in, notin, >, <)";
        }
    }

    /// <summary>Tokens: operators, parentheses, commas, and runs of other non-space characters (identifiers).</summary>
    private static List<string> Lex(string s)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '=' or '!')
            {
                var two = i + 1 < s.Length && s[i + 1] == '=';
                tokens.Add(two ? s.Substring(i, 2) : c.ToString());
                i += two ? 2 : 1;
                continue;
            }
            if (c is ',' or '(' or ')' or '<' or '>') { tokens.Add(c.ToString()); i++; continue; }
            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('=' or '!' or ',' or '(' or ')' or '<' or '>')) i++;
            tokens.Add(s[start..i]);
        }
        return tokens;
    }

    private static bool IsIdentifier(string t) => t.Length > 0 && t is not ("=" or "==" or "!=" or "!" or "," or "(" or ")" or "<" or ">");

    private static string? KeyProblem(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix)) return $"key {Show(key)} has an invalid prefix (a DNS subdomain is expected)";
        }
        return name.Length is > 0 and <= 63 && LabelName().IsMatch(name) ? null
            : $"key {Show(key)} is not a valid label name (at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric)";
    }

    private static string? ValueProblem(string value) =>
        value.Length <= 63 && LabelName().IsMatch(value) ? null
            : $"value {Show(value)} is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending alphanumeric)";

    private static string Show(string token) => token.Length == 0 ? "the end" : DataText.Quote(token, 40);

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
