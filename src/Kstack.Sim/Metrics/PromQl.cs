using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Kstack.Sim.Metrics;

/// <summary>A PromQL expression kstack-sim cannot parse or does not support; answered as Prometheus's bad_data.</summary>
internal sealed class PromQlException(string message) : Exception(message);

/// <summary>One label matcher: =, !=, =~, !~ (regexes are fully anchored, as in Prometheus).</summary>
internal sealed record LabelMatcher(string Label, string Op, string Value)
{
    private readonly Regex? _regex = Op is "=~" or "!~" ? Compile(Value) : null;

    private static Regex Compile(string value)
    {
        try { return new Regex("^(?:" + value + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
        catch (ArgumentException e) { throw new PromQlException($"invalid regular expression in matcher: {e.Message}"); }
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var v = labels.GetValueOrDefault(Label, "");
        return Op switch
        {
            "=" => v == Value,
            "!=" => v != Value,
            "=~" => _regex!.IsMatch(v),
            _ => !_regex!.IsMatch(v),
        };
    }
}

/// <summary>
/// The subset of PromQL kstack-sim answers (see tests/scenarios/README.md):
/// <c>[sum|max|min|avg|count [by|without (l, ...)]] (</c> <c>rate(container_cpu_usage_seconds_total{m}[d])</c> or
/// <c>container_memory_working_set_bytes{m}</c> <c>)</c>, the grouping clause before or after the parenthesis.
/// </summary>
internal sealed record PromQuery(string? Aggregation, IReadOnlyList<string> Grouping, bool Without, string Metric, bool Rate, IReadOnlyList<LabelMatcher> Matchers)
{
    /// <summary>
    /// An outer <c>quantile_over_time(φ, …)</c>, <c>max_over_time(…)</c> or <c>count_over_time(…)</c> over a subquery
    /// <c>&lt;the expression above&gt;[Range:Step]</c>; null when the query has none.
    /// </summary>
    public string? OverTime { get; init; }
    public double Phi { get; init; }
    public double RangeSeconds { get; init; }
    public double StepSeconds { get; init; }
    private static readonly string[] OverTimeFunctions = ["quantile_over_time", "max_over_time", "count_over_time"];

    public const string CpuMetric = "container_cpu_usage_seconds_total";
    public const string MemoryMetric = "container_memory_working_set_bytes";
    private static readonly string[] Aggregations = ["sum", "max", "min", "avg", "count"];

    public static PromQuery Parse(string text)
    {
        var p = new Parser(text);
        var q = p.Expression();
        p.End();
        return q;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public PromQuery Expression()
        {
            var ident = PeekIdent();
            if (ident is not null && OverTimeFunctions.Contains(ident))
            {
                Ident();
                Expect('(');
                var phi = 0d;
                if (ident == "quantile_over_time")
                {
                    phi = Number();
                    Expect(',');
                }
                var inner = Expression();
                if (inner.OverTime is not null) throw Unsupported("nested *_over_time functions");
                Expect('[');
                var range = Duration();
                Expect(':');
                var step = Duration();
                Expect(']');
                Expect(')');
                return inner with { OverTime = ident, Phi = phi, RangeSeconds = range, StepSeconds = step };
            }
            if (ident is not null && Aggregations.Contains(ident))
            {
                Ident();
                var (grouping, without) = OptionalGrouping();
                Expect('(');
                var inner = Expression();
                Expect(')');
                if (grouping.Count == 0 && !without) (grouping, without) = OptionalGrouping();
                if (inner.Aggregation is not null) throw Unsupported("nested aggregations");
                if (inner.OverTime is not null) throw Unsupported("aggregations over *_over_time functions");
                return inner with { Aggregation = ident, Grouping = grouping, Without = without };
            }
            if (ident == "rate")
            {
                Ident();
                Expect('(');
                var (metric, matchers) = Selector();
                Expect('[');
                Duration();
                Expect(']');
                Expect(')');
                if (metric != CpuMetric) throw Unsupported($"rate() over {metric}");
                return new PromQuery(null, [], false, metric, true, matchers);
            }
            var (m, ms) = Selector();
            if (m == CpuMetric) throw Unsupported($"{CpuMetric} outside rate(...[<duration>])");
            return new PromQuery(null, [], false, m, false, ms);
        }

        private (List<string>, bool) OptionalGrouping()
        {
            var id = PeekIdent();
            if (id is not ("by" or "without")) return ([], false);
            Ident();
            Expect('(');
            var labels = new List<string>();
            while (!TryConsume(')'))
            {
                if (labels.Count > 0) Expect(',');
                if (TryConsume(')')) break;
                labels.Add(Ident());
            }
            return (labels, id == "without");
        }

        private (string, List<LabelMatcher>) Selector()
        {
            var metric = Ident();
            if (metric is not (CpuMetric or MemoryMetric)) throw Unsupported($"metric {metric}");
            var matchers = new List<LabelMatcher>();
            if (!TryConsume('{')) return (metric, matchers);
            while (!TryConsume('}'))
            {
                if (matchers.Count > 0)
                {
                    Expect(',');
                    if (TryConsume('}')) break;
                }
                var label = Ident();
                SkipSpace();
                var op = text.AsSpan(_pos).StartsWith("=~") ? "=~" : text.AsSpan(_pos).StartsWith("!~") ? "!~"
                    : text.AsSpan(_pos).StartsWith("!=") ? "!=" : text.AsSpan(_pos).StartsWith("=") ? "=" : throw Error("expected label matching operator");
                _pos += op.Length;
                matchers.Add(new LabelMatcher(label, op, String()));
            }
            return (metric, matchers);
        }

        private double Duration()
        {
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]))) _pos++;
            return MetricsScenario.ParseSeconds(text[start.._pos])?.TotalSeconds ?? throw Error($"bad duration \"{text[start.._pos]}\"");
        }

        private double Number()
        {
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            return double.TryParse(text[start.._pos], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Error("expected number");
        }

        private string String()
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] is not ('"' or '\'')) throw Error("expected string");
            var quote = text[_pos++];
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                var c = text[_pos++];
                if (c == '\\' && _pos < text.Length)
                {
                    var e = text[_pos++];
                    sb.Append(e switch { 'n' => '\n', 't' => '\t', _ => e });
                }
                else sb.Append(c);
            }
            if (_pos >= text.Length) throw Error("unterminated quoted string");
            _pos++;
            return sb.ToString();
        }

        private string? PeekIdent()
        {
            var save = _pos;
            SkipSpace();
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or ':')) _pos++;
            var id = _pos > start && !char.IsAsciiDigit(text[start]) ? text[start.._pos] : null;
            _pos = save;
            return id;
        }

        private string Ident()
        {
            var id = PeekIdent() ?? throw Error("expected identifier");
            SkipSpace();
            _pos += id.Length;
            return id;
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"expected \"{c}\"");
        }

        public void End()
        {
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected \"{text[_pos]}\"");
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private PromQlException Error(string what) =>
            new($"1:{_pos + 1}: parse error: {what}");

        private static PromQlException Unsupported(string what) =>
            new($"kstack-sim does not support {what}; it answers the forms listed in tests/scenarios/README.md");
    }
}

/// <summary>Evaluates a <see cref="PromQuery"/> over the scenario's container series at a set of evaluation times.</summary>
internal sealed class PromEvaluator(PrometheusScenario scenario, Func<string, string, string?> nodeOf, DateTimeOffset start, Func<DateTimeOffset> clock)
{
    public sealed record Result(SortedDictionary<string, string> Labels, double[] Values);

    /// <summary>
    /// The instant the newest sample stands for. Series end at start-up and advance in whole steps while the simulator
    /// runs, so a query at any time sees the full series ending within one step of now.
    /// </summary>
    public DateTimeOffset Anchor()
    {
        var step = scenario.Step.Ticks;
        var elapsed = Math.Max(0, (clock() - start).Ticks);
        return start.AddTicks(elapsed / step * step);
    }

    /// <summary>
    /// Each sample stands for its step: at time t a series has the newest sample taken at or before t if it is less than
    /// one scenario step old; a "-" sample (or none) means no value, never 0.
    /// </summary>
    public static int SampleIndex(double t, double anchor, double stepSeconds, int points)
    {
        var first = anchor - (points - 1) * stepSeconds;
        if (t < first) return -1;
        var k = (long)Math.Floor((t - first) / stepSeconds);
        return k < points ? (int)k : -1;
    }

    public List<Result> Evaluate(PromQuery q, IReadOnlyList<double> times)
    {
        if (q.OverTime is not null) return EvaluateOverTime(q, times);
        var anchor = Anchor().ToUnixTimeMilliseconds() / 1000.0;
        var step = scenario.Step.TotalSeconds;
        var raw = new List<Result>();
        // Container cgroups (labelled namespace, pod, container) and each node's root cgroup (id="/", no container label).
        var all = scenario.Series.Select(s =>
            {
                var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["__name__"] = q.Metric, ["container"] = s.Container, ["namespace"] = s.Namespace, ["pod"] = s.Pod,
                    ["job"] = "kubelet", ["metrics_path"] = "/metrics/cadvisor",
                };
                if (nodeOf(s.Namespace, s.Pod) is { Length: > 0 } node) { labels["node"] = node; labels["instance"] = node; }
                return (Labels: labels, s.Cpu, s.Memory);
            })
            .Concat(scenario.Nodes.Select(n => (Labels: new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["__name__"] = q.Metric, ["id"] = "/", ["node"] = n.Node, ["instance"] = n.Node, ["job"] = "kubelet", ["metrics_path"] = "/metrics/cadvisor",
            }, n.Cpu, n.Memory)));
        foreach (var s in all)
        {
            var labels = s.Labels;
            if (!q.Matchers.All(m => m.Matches(labels))) continue;
            var samples = q.Metric == PromQuery.CpuMetric ? s.Cpu : s.Memory;
            var values = new double[times.Count];
            var any = false;
            for (var i = 0; i < times.Count; i++)
            {
                var idx = SampleIndex(times[i], anchor, step, scenario.Points);
                values[i] = idx < 0 ? double.NaN : samples[idx];
                any |= !double.IsNaN(values[i]);
            }
            if (!any) continue;
            if (q.Rate) labels.Remove("__name__");
            raw.Add(new Result(labels, values));
        }
        if (q.Aggregation is null) return Sorted(raw);
        var groups = new Dictionary<string, (SortedDictionary<string, string> Labels, List<double[]> Members)>(StringComparer.Ordinal);
        foreach (var r in raw)
        {
            var key = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in r.Labels)
                if (k != "__name__" && (q.Without ? !q.Grouping.Contains(k) : q.Grouping.Contains(k))) key[k] = v;
            var id = string.Join('\u0001', key.Select(kv => kv.Key + "=" + kv.Value));
            if (!groups.TryGetValue(id, out var g)) groups[id] = g = (key, []);
            g.Members.Add(r.Values);
        }
        var result = new List<Result>();
        foreach (var (labels, members) in groups.Values)
        {
            var values = new double[times.Count];
            for (var i = 0; i < times.Count; i++)
            {
                var present = members.Select(m => m[i]).Where(v => !double.IsNaN(v)).ToList();
                values[i] = present.Count == 0 ? double.NaN : q.Aggregation switch
                {
                    "sum" => present.Sum(), "max" => present.Max(), "min" => present.Min(), "avg" => present.Average(), _ => present.Count,
                };
            }
            result.Add(new Result(labels, values));
        }
        return Sorted(result);
    }

    /// <summary>
    /// <c>f_over_time(expr[range:step])</c> at each time t: expr evaluated at the multiples of step in (t − range, t]
    /// (Prometheus aligns subquery steps to absolute time), then reduced per series over its present values. The result
    /// drops <c>__name__</c>, as Prometheus's functions do.
    /// </summary>
    private List<Result> EvaluateOverTime(PromQuery q, IReadOnlyList<double> times)
    {
        var inner = q with { OverTime = null };
        var step = q.StepSeconds;
        var byKey = new Dictionary<string, (SortedDictionary<string, string> Labels, double[] Values)>(StringComparer.Ordinal);
        for (var i = 0; i < times.Count; i++)
        {
            var t = times[i];
            var first = Math.Floor((t - q.RangeSeconds) / step) * step + step;
            var sub = new List<double>();
            for (var k = first; k <= t + 1e-9; k += step) sub.Add(k);
            foreach (var r in Evaluate(inner, sub))
            {
                var present = r.Values.Where(v => !double.IsNaN(v)).ToList();
                if (present.Count == 0) continue;
                var labels = new SortedDictionary<string, string>(r.Labels.Where(kv => kv.Key != "__name__").ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
                var key = string.Join('\u0001', labels.Select(kv => kv.Key + "=" + kv.Value));
                if (!byKey.TryGetValue(key, out var e)) byKey[key] = e = (labels, Enumerable.Repeat(double.NaN, times.Count).ToArray());
                e.Values[i] = q.OverTime switch
                {
                    "max_over_time" => present.Max(),
                    "count_over_time" => present.Count,
                    _ => Quantile(q.Phi, present),
                };
            }
        }
        return Sorted(byKey.Values.Select(e => new Result(e.Labels, e.Values)).ToList());
    }

    /// <summary>Prometheus's quantile: linear interpolation between the closest ranks (φ·(n−1)), φ outside [0, 1] gives ±Inf.</summary>
    public static double Quantile(double phi, List<double> values)
    {
        if (phi < 0) return double.NegativeInfinity;
        if (phi > 1) return double.PositiveInfinity;
        values.Sort();
        var rank = phi * (values.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, values.Count - 1);
        return values[lower] + (values[upper] - values[lower]) * (rank - lower);
    }

    private static List<Result> Sorted(List<Result> results) =>
        results.OrderBy(r => string.Join(',', r.Labels.Select(kv => kv.Key + "=" + kv.Value)), StringComparer.Ordinal).ToList();

    /// <summary>A sample value as Prometheus prints it (shortest decimal, never exponent notation for usage figures).</summary>
    public static string FormatValue(double v) => v.ToString("0.##############", CultureInfo.InvariantCulture);
}
