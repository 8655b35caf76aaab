using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Alerts;

/// <summary>
/// One alert as kstack reads it: from Alertmanager's gettableAlert (status.state active, suppressed or unprocessed;
/// status.silencedBy, inhibitedBy, and mutedBy from 0.28 — null when the server does not send it) or from Prometheus's
/// /api/v1/alerts (state firing → active, pending kept as pending; activeAt as the start).
/// </summary>
internal sealed record AlertItem(
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, DateTimeOffset? StartsAt, string State,
    IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string>? MutedBy, string Fingerprint)
{
    public string Name => Labels.GetValueOrDefault("alertname") ?? "";
    public string Namespace => Labels.GetValueOrDefault("namespace") ?? "";
    public string Severity => Labels.GetValueOrDefault("severity") ?? "";
    public string Summary => Annotations.GetValueOrDefault("summary") is { Length: > 0 } s ? s : Annotations.GetValueOrDefault("description") ?? "";

    public static AlertItem FromAlertmanager(JsonElement a) => new(
        Strings(a, "labels"), Strings(a, "annotations"), a.Time("startsAt"),
        a.Str("status", "state") ?? "unknown",
        List(a, "silencedBy"), List(a, "inhibitedBy"),
        a.Get("status", "mutedBy") is { ValueKind: JsonValueKind.Array } ? List(a, "mutedBy") : null,
        a.Str("fingerprint") ?? "");

    public static AlertItem FromPrometheus(JsonElement a) => new(
        Strings(a, "labels"), Strings(a, "annotations"), a.Time("activeAt"),
        a.Str("state") switch { "firing" => "active", "pending" => "pending", var s => s ?? "unknown" },
        [], [], null, "");

    private static Dictionary<string, string> Strings(JsonElement e, string key) =>
        e.Props(key).Where(p => p.Value.ValueKind == JsonValueKind.String).GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value.GetString()!, StringComparer.Ordinal);

    private static List<string> List(JsonElement a, string key) =>
        a.Array("status", key).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList();
}

/// <summary>One silence: who made it, why, until when, and what it matches.</summary>
internal sealed record SilenceItem(string Id, string State, string CreatedBy, string Comment, DateTimeOffset? EndsAt, IReadOnlyList<string> Matchers)
{
    public static SilenceItem From(JsonElement s) => new(
        s.Str("id") ?? "", s.Str("status", "state") ?? "", s.Str("createdBy") ?? "", s.Str("comment") ?? "", s.Time("endsAt"),
        s.Array("matchers").Select(m =>
            (m.Str("name") ?? "") + ((m.Get("isEqual") is { ValueKind: JsonValueKind.False }, m.Bool("isRegex")) switch
            {
                (false, false) => "=", (true, false) => "!=", (false, true) => "=~", (true, true) => "!~",
            }) + (m.Str("value") ?? "")).ToList());
}
