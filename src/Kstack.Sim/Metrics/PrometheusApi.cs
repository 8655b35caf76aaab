using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Metrics;

/// <summary>
/// The Prometheus HTTP API endpoints kstack uses (/api/v1/query and /api/v1/query_range), answered from the scenario's
/// series in Prometheus's own response shapes, errors included.
/// </summary>
internal sealed class PrometheusApi(PrometheusScenario scenario, PromEvaluator evaluator, Func<DateTimeOffset> clock)
{
    /// <summary>Prometheus refuses range queries with more points per series than this.</summary>
    public const int MaxPoints = 11_000;

    public PrometheusScenario Scenario => scenario;

    /// <summary>What /api/v1/alerts lists: alerts.yaml's prometheus.alerts when it names this Service.</summary>
    public IReadOnlyList<Alerts.PromRuleAlert> RuleAlerts { get; init; } = [];

    /// <summary>The status code and a writer of the JSON body for one request to the proxied Prometheus.</summary>
    public (int Status, Action<Utf8JsonWriter> Body) Handle(string path, Func<string, string?> param)
    {
        try
        {
            return path switch
            {
                "/api/v1/query" => Instant(param),
                "/api/v1/query_range" => Range(param),
                "/api/v1/alerts" => (200, w => Alerts.PrometheusAlertsEndpoint.Write(w, RuleAlerts)),
                _ => (404, w => Error(w, "not_found", $"kstack-sim's Prometheus serves only /api/v1/query, /api/v1/query_range and /api/v1/alerts, not {path}")),
            };
        }
        catch (PromQlException e)
        {
            return (400, w => Error(w, "bad_data", e.Message));
        }
    }

    private (int, Action<Utf8JsonWriter>) Instant(Func<string, string?> param)
    {
        var query = Required(param, "query");
        var time = param("time") is { Length: > 0 } t ? Time(t, "time") : clock().ToUnixTimeMilliseconds() / 1000.0;
        var q = PromQuery.Parse(query);
        var results = evaluator.Evaluate(q, [time]);
        return (200, w => Success(w, "vector", () =>
        {
            foreach (var r in results.Where(r => !double.IsNaN(r.Values[0])))
            {
                w.WriteStartObject();
                Metric(w, r);
                w.WriteStartArray("value");
                Point(w, time, r.Values[0]);
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }));
    }

    private (int, Action<Utf8JsonWriter>) Range(Func<string, string?> param)
    {
        var query = Required(param, "query");
        var start = Time(Required(param, "start"), "start");
        var end = Time(Required(param, "end"), "end");
        var step = Step(Required(param, "step"));
        if (end < start) throw new PromQlException("end timestamp must not be before start time");
        if (step <= 0) throw new PromQlException("zero or negative query resolution step widths are not accepted. Try a positive integer");
        if ((end - start) / step > MaxPoints)
            throw new PromQlException("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        var times = new List<double>();
        for (var t = start; t <= end + 1e-9; t = start + times.Count * step) times.Add(Math.Round(t, 3));
        var q = PromQuery.Parse(query);
        var results = evaluator.Evaluate(q, times);
        return (200, w => Success(w, "matrix", () =>
        {
            foreach (var r in results)
            {
                w.WriteStartObject();
                Metric(w, r);
                w.WriteStartArray("values");
                for (var i = 0; i < times.Count; i++)
                {
                    if (double.IsNaN(r.Values[i])) continue;
                    w.WriteStartArray();
                    Point(w, times[i], r.Values[i]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }));
    }

    private static void Success(Utf8JsonWriter w, string type, Action results)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartObject("data");
        w.WriteString("resultType", type);
        w.WriteStartArray("result");
        results();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Error(Utf8JsonWriter w, string type, string message)
    {
        w.WriteStartObject();
        w.WriteString("status", "error");
        w.WriteString("errorType", type);
        w.WriteString("error", message);
        w.WriteEndObject();
    }

    private static void Metric(Utf8JsonWriter w, PromEvaluator.Result r)
    {
        w.WriteStartObject("metric");
        foreach (var (k, v) in r.Labels) w.WriteString(k, v);
        w.WriteEndObject();
    }

    private static void Point(Utf8JsonWriter w, double t, double v)
    {
        w.WriteRawValue(t.ToString("0.###", CultureInfo.InvariantCulture));
        w.WriteStringValue(PromEvaluator.FormatValue(v));
    }

    private static string Required(Func<string, string?> param, string name) =>
        param(name) is { Length: > 0 } v ? v : throw new PromQlException(name == "query" ? "invalid parameter \"query\": unknown position: parse error: no expression found in input" : $"invalid parameter \"{name}\": cannot parse \"\" to a valid {(name == "step" ? "duration" : "timestamp")}");

    /// <summary>Unix seconds (fractions allowed) or RFC 3339, as Prometheus accepts.</summary>
    private static double Time(string text, string name)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return seconds;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t.ToUnixTimeMilliseconds() / 1000.0;
        throw new PromQlException($"invalid parameter \"{name}\": cannot parse \"{text}\" to a valid timestamp");
    }

    /// <summary>Float seconds or a Prometheus duration (30s, 1m, 2h).</summary>
    private static double Step(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return seconds;
        return MetricsScenario.ParseSeconds(text)?.TotalSeconds ?? throw new PromQlException($"invalid parameter \"step\": cannot parse \"{text}\" to a valid duration");
    }
}
