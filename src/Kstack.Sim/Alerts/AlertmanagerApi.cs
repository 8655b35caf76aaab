using System.Text.Json;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Alerts;

/// <summary>
/// The Alertmanager API v2 reads kstack uses (GET /api/v2/alerts and /api/v2/silences), answered from alerts.yaml in
/// Alertmanager's shapes: gettableAlert[] sorted by fingerprint, gettableSilence[] (active, then pending, then expired).
/// API v1 answers 410 as Alertmanager 0.27+ does; writes are refused (the simulator's Alertmanager is read-only).
/// </summary>
internal sealed class AlertmanagerApi(AlertmanagerScenario scenario, Func<DateTimeOffset> clock)
{
    public AlertmanagerScenario Scenario => scenario;

    public (int Status, Action<Utf8JsonWriter> Body) Handle(string method, string path, Func<string, string?> param)
    {
        path = path.TrimEnd('/');
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal))
            return (410, w => w.WriteStringValue("The Alertmanager v1 API was deprecated in version 0.16.0 and is removed as of version 0.27.0 - please use the equivalent route in the v2 API"));
        if (method != "GET") return (405, w => w.WriteStringValue($"kstack-sim's Alertmanager answers GET only, not {method} {path}"));
        return path switch
        {
            "/api/v2/alerts" => Alerts(param),
            "/api/v2/silences" => Silences(param),
            _ => (404, w => w.WriteStringValue($"kstack-sim's Alertmanager serves /api/v2/alerts and /api/v2/silences only, not {path}")),
        };
    }

    private (int, Action<Utf8JsonWriter>) Alerts(Func<string, string?> param)
    {
        var include = new Dictionary<string, bool>();
        foreach (var name in new[] { "active", "silenced", "inhibited", "unprocessed" })
        {
            var text = param(name);
            if (text is null) { include[name] = true; continue; }
            if (!bool.TryParse(text, out var b)) return (400, w => w.WriteStringValue($"{name} in query must be of type boolean: \"{text}\""));
            include[name] = b;
        }
        if (param("filter") is not null) return (400, w => w.WriteStringValue("kstack-sim's Alertmanager does not support filter"));
        var alerts = scenario.Alerts.Where(a => a.State switch
        {
            "active" => include["active"],
            "unprocessed" => include["unprocessed"],
            _ => (a.SilencedBy.Count == 0 || include["silenced"]) && (a.InhibitedBy.Count == 0 || include["inhibited"]),
        }).OrderBy(a => a.Fingerprint, StringComparer.Ordinal).ToList();
        return (200, w =>
        {
            w.WriteStartArray();
            foreach (var a in alerts) WriteAlert(w, a);
            w.WriteEndArray();
        });
    }

    private void WriteAlert(Utf8JsonWriter w, SimAlert a)
    {
        w.WriteStartObject();
        w.WriteStartObject("annotations");
        foreach (var (k, v) in a.Annotations) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteString("endsAt", Time(a.EndsAt));
        w.WriteString("fingerprint", a.Fingerprint);
        w.WriteStartArray("receivers");
        foreach (var r in a.Receivers)
        {
            w.WriteStartObject();
            w.WriteString("name", r);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("startsAt", Time(a.StartsAt));
        w.WriteStartObject("status");
        Strings(w, "inhibitedBy", a.InhibitedBy);
        if (scenario.HasMutedBy) Strings(w, "mutedBy", a.MutedBy);
        Strings(w, "silencedBy", a.SilencedBy);
        w.WriteString("state", a.State);
        w.WriteEndObject();
        w.WriteString("updatedAt", Time(a.UpdatedAt));
        w.WriteString("generatorURL", a.GeneratorUrl);
        w.WriteStartObject("labels");
        foreach (var (k, v) in a.Labels.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private (int, Action<Utf8JsonWriter>) Silences(Func<string, string?> param)
    {
        if (param("filter") is not null) return (400, w => w.WriteStringValue("kstack-sim's Alertmanager does not support filter"));
        var now = clock();
        static int Rank(string state) => state switch { "active" => 0, "pending" => 1, _ => 2 };
        var silences = scenario.Silences
            .OrderBy(s => Rank(s.StateAt(now)))
            .ThenBy(s => s.StateAt(now) switch { "active" => s.EndsAt.UtcTicks, "pending" => s.StartsAt.UtcTicks, _ => -s.EndsAt.UtcTicks })
            .ToList();
        return (200, w =>
        {
            w.WriteStartArray();
            foreach (var s in silences)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Id);
                w.WriteStartObject("status");
                w.WriteString("state", s.StateAt(now));
                w.WriteEndObject();
                w.WriteString("updatedAt", Time(s.UpdatedAt));
                w.WriteString("comment", s.Comment);
                w.WriteString("createdBy", s.CreatedBy);
                w.WriteString("endsAt", Time(s.EndsAt));
                w.WriteStartArray("matchers");
                foreach (var m in s.Matchers)
                {
                    w.WriteStartObject();
                    w.WriteBoolean("isEqual", m.IsEqual);
                    w.WriteBoolean("isRegex", m.IsRegex);
                    w.WriteString("name", m.Name);
                    w.WriteString("value", m.Value);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("startsAt", Time(s.StartsAt));
                if (s.Annotations is { } ann)
                {
                    w.WriteStartObject("annotations");
                    foreach (var (k, v) in ann) w.WriteString(k, v);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>Alertmanager writes RFC 3339 with milliseconds.</summary>
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Prometheus's GET /api/v1/alerts: the alerts of its alerting rules, firing or pending.</summary>
internal static class PrometheusAlertsEndpoint
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<PromRuleAlert> alerts)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartObject("data");
        w.WriteStartArray("alerts");
        foreach (var a in alerts)
        {
            w.WriteStartObject();
            w.WriteStartObject("labels");
            foreach (var (k, v) in a.Labels) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteStartObject("annotations");
            foreach (var (k, v) in a.Annotations) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteString("state", a.State);
            w.WriteString("activeAt", RelativeTime.Format(a.ActiveAt));
            w.WriteString("value", a.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
