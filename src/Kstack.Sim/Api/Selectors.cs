using Kstack.Sim.Store;

namespace Kstack.Sim.Api;

/// <summary>A selector syntax error; answered with 400 BadRequest.</summary>
internal sealed class BadRequestException(string message) : Exception(message);

/// <summary>Label selectors: =, ==, !=, in, notin, exists, !exists.</summary>
internal sealed class LabelSelector
{
    private enum Op { Eq, NotEq, In, NotIn, Exists, NotExists }

    private readonly List<(string Key, Op Op, string[] Values)> _reqs = [];

    public bool IsEmpty => _reqs.Count == 0;

    public static LabelSelector Parse(string? s)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        var i = 0;
        while (i < s.Length)
        {
            SkipWs(s, ref i);
            var neg = false;
            if (i < s.Length && s[i] == '!') { neg = true; i++; SkipWs(s, ref i); }
            var key = ReadToken(s, ref i);
            if (key.Length == 0) throw new BadRequestException($"unable to parse requirement: found '{(i < s.Length ? s[i] : ' ')}', expected: identifier");
            SkipWs(s, ref i);
            if (neg)
            {
                sel._reqs.Add((key, Op.NotExists, []));
            }
            else if (i >= s.Length || s[i] == ',')
            {
                sel._reqs.Add((key, Op.Exists, []));
            }
            else if (s[i] == '=' || s[i] == '!')
            {
                Op op;
                if (s[i] == '!') { if (i + 1 >= s.Length || s[i + 1] != '=') throw new BadRequestException("unable to parse requirement: expected '!='"); op = Op.NotEq; i += 2; }
                else if (i + 1 < s.Length && s[i + 1] == '=') { op = Op.Eq; i += 2; }
                else { op = Op.Eq; i++; }
                SkipWs(s, ref i);
                var v = ReadToken(s, ref i);
                sel._reqs.Add((key, op, [v]));
            }
            else
            {
                var word = ReadToken(s, ref i);
                Op op = word switch { "in" => Op.In, "notin" => Op.NotIn, _ => throw new BadRequestException($"unable to parse requirement: found '{word}', expected: in, notin, =, ==, !=, gt, lt") };
                SkipWs(s, ref i);
                if (i >= s.Length || s[i] != '(') throw new BadRequestException("unable to parse requirement: found '', expected: '('");
                var close = s.IndexOf(')', i);
                if (close < 0) throw new BadRequestException("unable to parse requirement: found '', expected: ')'");
                var values = s[(i + 1)..close].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
                i = close + 1;
                sel._reqs.Add((key, op, values));
            }
            SkipWs(s, ref i);
            if (i < s.Length)
            {
                if (s[i] != ',') throw new BadRequestException($"unable to parse requirement: found '{s[i]}', expected: ','");
                i++;
            }
        }
        return sel;
    }

    private static void SkipWs(string s, ref int i) { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not (',' or '=' or '!' or '(' or ')')) i++;
        return s[start..i];
    }

    public bool Matches(StoredObject o)
    {
        foreach (var (key, op, values) in _reqs)
        {
            var v = o.Label(key);
            var ok = op switch
            {
                Op.Eq => v == values[0],
                Op.NotEq => v != values[0],
                Op.In => v != null && values.Contains(v),
                Op.NotIn => v == null || !values.Contains(v),
                Op.Exists => v != null,
                Op.NotExists => v == null,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}

/// <summary>Field selectors: comma-separated <c>path=value</c>, <c>path==value</c>, <c>path!=value</c> over indexed fields.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Path, bool Negate, string Value)> _reqs = [];

    public bool IsEmpty => _reqs.Count == 0;

    public IEnumerable<(string Path, bool Negate, string Value)> Requirements => _reqs;

    public static FieldSelector Parse(string? s, string kind, Func<string, string>? mapPath = null)
    {
        var sel = new FieldSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        StoredObject.IndexedFields.TryGetValue(kind, out var allowed);
        foreach (var part in s.Split(','))
        {
            var p = part.Trim();
            if (p.Length == 0) continue;
            string path, value;
            bool neg = false;
            int idx;
            if ((idx = p.IndexOf("!=", StringComparison.Ordinal)) > 0) { neg = true; path = p[..idx]; value = p[(idx + 2)..]; }
            else if ((idx = p.IndexOf("==", StringComparison.Ordinal)) > 0) { path = p[..idx]; value = p[(idx + 2)..]; }
            else if ((idx = p.IndexOf('=')) > 0) { path = p[..idx]; value = p[(idx + 1)..]; }
            else throw new BadRequestException($"invalid selector: '{s}'; can't understand '{p}'");
            path = path.Trim();
            if (mapPath != null) path = mapPath(path);
            if (path is not ("metadata.name" or "metadata.namespace") && (allowed == null || !allowed.Contains(path)))
                throw new BadRequestException($"field label not supported: {path}");
            sel._reqs.Add((path, neg, value.Trim()));
        }
        return sel;
    }

    public bool Matches(StoredObject o)
    {
        foreach (var (path, neg, value) in _reqs)
        {
            var v = o.Field(path) ?? "";
            if ((v == value) == neg) return false;
        }
        return true;
    }

    /// <summary>The value a selector pins metadata.namespace or metadata.name to, if any.</summary>
    public string? Exact(string path) => _reqs.FirstOrDefault(r => r.Path == path && !r.Negate).Value;
}
