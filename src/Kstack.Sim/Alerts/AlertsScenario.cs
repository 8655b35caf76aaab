using System.Globalization;
using System.Text.Json.Nodes;
using Kstack.Sim.Logs;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Alerts;

/// <summary>A Service behind the service proxy: &lt;namespace&gt;/&lt;name&gt;:&lt;port number&gt;.</summary>
internal sealed record ProxiedService(string Namespace, string Name, int Port)
{
    public static ProxiedService Parse(string text, string file, int doc, string where)
    {
        var slash = text.IndexOf('/');
        var colon = text.LastIndexOf(':');
        if (slash <= 0 || colon < slash + 2 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ScenarioException(file, doc, $"{where} \"{text}\" must be <namespace>/<name>:<port>");
        return new ProxiedService(text[..slash], text[(slash + 1)..colon], port);
    }
}

/// <summary>One alert as Alertmanager holds it; state is active, suppressed or unprocessed.</summary>
internal sealed record SimAlert(
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, DateTimeOffset StartsAt, DateTimeOffset UpdatedAt,
    DateTimeOffset EndsAt, string State, IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string> MutedBy,
    IReadOnlyList<string> Receivers, string GeneratorUrl)
{
    /// <summary>Prometheus's label-set fingerprint (FNV-1a 64 over sorted name, 0xff, value, 0xff), as Alertmanager prints it.</summary>
    public string Fingerprint => Fingerprints.Of(Labels);
}

internal sealed record SilenceMatcher(string Name, string Value, bool IsRegex, bool IsEqual);

/// <summary>A silence; its state (expired, active, pending) follows from its times unless the file sets it.</summary>
internal sealed record SimSilence(
    string Id, IReadOnlyList<SilenceMatcher> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset UpdatedAt, string CreatedBy,
    string Comment, string? State, IReadOnlyDictionary<string, string>? Annotations)
{
    public string StateAt(DateTimeOffset now) => State ?? (EndsAt <= now ? "expired" : StartsAt > now ? "pending" : "active");
}

/// <summary>An alerting rule's alert as Prometheus's /api/v1/alerts lists it (state firing or pending).</summary>
internal sealed record PromRuleAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, string State, DateTimeOffset ActiveAt, string Value);

internal sealed record AlertmanagerScenario(ProxiedService Service, Version Version, IReadOnlyList<SimAlert> Alerts, IReadOnlyList<SimSilence> Silences)
{
    /// <summary>status.mutedBy exists from Alertmanager 0.28.0.</summary>
    public bool HasMutedBy => Version >= new Version(0, 28, 0);
}

internal sealed record PrometheusAlertsScenario(ProxiedService Service, IReadOnlyList<PromRuleAlert> Alerts);

/// <summary>A scenario's alerts.yaml: an Alertmanager (alerts and silences) and/or a Prometheus's rule alerts.</summary>
internal sealed class AlertsScenario
{
    public AlertmanagerScenario? Alertmanager { get; private set; }
    public PrometheusAlertsScenario? Prometheus { get; private set; }

    /// <summary>The last alerts.yaml of the sources wins, section by section; null when none has one.</summary>
    public static AlertsScenario? Load(IEnumerable<ScenarioSource> sources, DateTimeOffset now, TimeSpan shift)
    {
        AlertsScenario? result = null;
        foreach (var src in sources)
            foreach (var (rel, read) in src.Files)
                if (rel.ToLowerInvariant() is "alerts.yaml" or "alerts.yml")
                {
                    result ??= new AlertsScenario();
                    result.Merge($"{src.Name}/{rel}", read(), now, shift);
                }
        return result;
    }

    public static AlertsScenario Parse(string file, string text, DateTimeOffset now, TimeSpan shift = default)
    {
        var a = new AlertsScenario();
        a.Merge(file, text, now, shift);
        return a;
    }

    private void Merge(string file, string text, DateTimeOffset now, TimeSpan shift)
    {
        foreach (var d in YamlToJson.Parse(text))
        {
            if (d.Error != null) throw new ScenarioException(file, d.Index, d.Error);
            if (d.Node is null) continue;
            if (d.Node is not JsonObject root) throw new ScenarioException(file, d.Index, "alerts.yaml must be a mapping");
            var reader = new Reader(file, d.Index, now, shift);
            if (root.Select(p => p.Key).FirstOrDefault(k => k is not ("alertmanager" or "prometheus")) is { } unknown)
                throw new ScenarioException(file, d.Index, $"unknown key \"{unknown}\" (alertmanager, prometheus)");
            if (root["alertmanager"] is { } am) Alertmanager = reader.Alertmanager(am as JsonObject ?? throw reader.Error("alertmanager must be a mapping"));
            if (root["prometheus"] is { } p) Prometheus = reader.Prometheus(p as JsonObject ?? throw reader.Error("prometheus must be a mapping"));
        }
    }

    private sealed class Reader(string file, int doc, DateTimeOffset now, TimeSpan shift)
    {
        public ScenarioException Error(string reason) => new(file, doc, reason);

        public AlertmanagerScenario Alertmanager(JsonObject o)
        {
            var service = ProxiedService.Parse(Str(o["service"], "alertmanager.service") ?? throw Error("alertmanager.service is required (<namespace>/<name>:<port>)"),
                file, doc, "alertmanager.service");
            var versionText = Str(o["version"], "alertmanager.version") ?? "0.28.1";
            if (!Version.TryParse(versionText, out var version)) throw Error($"alertmanager.version \"{versionText}\" must be a version such as 0.27.0");
            var silences = Items(o["silences"], "alertmanager.silences").Select((s, i) => Silence(s, $"alertmanager.silences[{i}]")).ToList();
            var alerts = Items(o["alerts"], "alertmanager.alerts").Select((a, i) => Alert(a, $"alertmanager.alerts[{i}]", version >= new Version(0, 28, 0))).ToList();
            return new AlertmanagerScenario(service, version, alerts, silences);
        }

        public PrometheusAlertsScenario Prometheus(JsonObject o)
        {
            var service = ProxiedService.Parse(Str(o["service"], "prometheus.service") ?? throw Error("prometheus.service is required (<namespace>/<name>:<port>)"),
                file, doc, "prometheus.service");
            var alerts = Items(o["alerts"], "prometheus.alerts").Select((a, i) =>
            {
                var where = $"prometheus.alerts[{i}]";
                var state = Str(a["state"], where + ".state") ?? "firing";
                if (state is not ("firing" or "pending")) throw Error($"{where}.state must be firing or pending");
                return new PromRuleAlert(Map(a["labels"], where + ".labels"), Map(a["annotations"], where + ".annotations"), state,
                    Time(a["activeAt"], where + ".activeAt") ?? now, Str(a["value"], where + ".value") ?? "1e+00");
            }).ToList();
            return new PrometheusAlertsScenario(service, alerts);
        }

        private SimAlert Alert(JsonObject a, string where, bool mutedBy)
        {
            Known(a, where, "labels", "annotations", "startsAt", "updatedAt", "endsAt", "state", "silencedBy", "inhibitedBy", "mutedBy", "receivers", "generatorURL");
            var labels = Map(a["labels"], where + ".labels");
            if (!labels.ContainsKey("alertname")) throw Error($"{where}.labels.alertname is required");
            var silenced = List(a["silencedBy"], where + ".silencedBy");
            var inhibited = List(a["inhibitedBy"], where + ".inhibitedBy");
            var muted = List(a["mutedBy"], where + ".mutedBy");
            if (!mutedBy && muted.Count > 0) throw Error($"{where}.mutedBy needs Alertmanager 0.28.0 or later (alertmanager.version)");
            var suppressed = silenced.Count + inhibited.Count + muted.Count > 0;
            var state = Str(a["state"], where + ".state") ?? (suppressed ? "suppressed" : "active");
            if (state is not ("active" or "suppressed" or "unprocessed")) throw Error($"{where}.state must be active, suppressed or unprocessed");
            if (suppressed != (state == "suppressed")) throw Error($"{where}: state {state} contradicts silencedBy/inhibitedBy/mutedBy");
            var starts = Time(a["startsAt"], where + ".startsAt") ?? now;
            var receivers = List(a["receivers"], where + ".receivers");
            return new SimAlert(labels, Map(a["annotations"], where + ".annotations"), starts, Time(a["updatedAt"], where + ".updatedAt") ?? now,
                Time(a["endsAt"], where + ".endsAt") ?? now + TimeSpan.FromMinutes(4), state, silenced, inhibited, muted,
                receivers.Count > 0 ? receivers : ["default"],
                Str(a["generatorURL"], where + ".generatorURL") ?? $"http://prometheus.local/graph?g0.expr=ALERTS%7Balertname%3D%22{Uri.EscapeDataString(labels["alertname"])}%22%7D");
        }

        private SimSilence Silence(JsonObject s, string where)
        {
            Known(s, where, "id", "matchers", "startsAt", "endsAt", "updatedAt", "createdBy", "comment", "state", "annotations");
            var id = Str(s["id"], where + ".id") ?? throw Error($"{where}.id is required");
            var matchers = Items(s["matchers"], where + ".matchers").Select((m, i) => new SilenceMatcher(
                Str(m["name"], $"{where}.matchers[{i}].name") ?? throw Error($"{where}.matchers[{i}].name is required"),
                Str(m["value"], $"{where}.matchers[{i}].value") ?? "", Bool(m["isRegex"]) ?? false, Bool(m["isEqual"]) ?? true)).ToList();
            if (matchers.Count == 0) throw Error($"{where}.matchers must list at least one matcher");
            var state = Str(s["state"], where + ".state");
            if (state is not (null or "active" or "pending" or "expired")) throw Error($"{where}.state must be active, pending or expired");
            var starts = Time(s["startsAt"], where + ".startsAt") ?? now - TimeSpan.FromHours(1);
            return new SimSilence(id, matchers, starts, Time(s["endsAt"], where + ".endsAt") ?? now + TimeSpan.FromHours(1),
                Time(s["updatedAt"], where + ".updatedAt") ?? starts, Str(s["createdBy"], where + ".createdBy") ?? "", Str(s["comment"], where + ".comment") ?? "",
                state, s["annotations"] is null ? null : Map(s["annotations"], where + ".annotations"));
        }

        private void Known(JsonObject o, string where, params string[] keys)
        {
            if (o.Select(p => p.Key).FirstOrDefault(k => !keys.Contains(k)) is { } unknown) throw Error($"{where}: unknown key \"{unknown}\"");
        }

        private IEnumerable<JsonObject> Items(JsonNode? node, string where) => node switch
        {
            null => [],
            JsonArray a => a.Select((x, i) => x as JsonObject ?? throw Error($"{where}[{i}] must be a mapping")),
            _ => throw Error($"{where} must be a list"),
        };

        private string? Str(JsonNode? node, string where) => node switch
        {
            null => null,
            JsonValue v => v.ToString(),
            _ => throw Error($"{where} must be a scalar"),
        };

        private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

        private IReadOnlyList<string> List(JsonNode? node, string where) => node switch
        {
            null => [],
            JsonArray a => a.Select((x, i) => Str(x, $"{where}[{i}]") ?? throw Error($"{where}[{i}] must be a string")).ToList(),
            _ => throw Error($"{where} must be a list"),
        };

        private Dictionary<string, string> Map(JsonNode? node, string where) => node switch
        {
            null => new Dictionary<string, string>(StringComparer.Ordinal),
            JsonObject o => o.ToDictionary(p => p.Key, p => Str(p.Value, $"{where}.{p.Key}") ?? "", StringComparer.Ordinal),
            _ => throw Error($"{where} must be a mapping"),
        };

        /// <summary>now, now-5m, or an absolute RFC 3339 time shifted by the scenario's anchor.</summary>
        private DateTimeOffset? Time(JsonNode? node, string where)
        {
            if (Str(node, where) is not { } s) return null;
            if (RelativeTime.TryParse(s, now, out var t)) return t;
            if (LogStore.TryParseAbsolute(s, out t)) return t + shift;
            throw Error($"{where} \"{s}\" must be now, now-<duration> or an RFC 3339 time");
        }
    }
}

internal static class Fingerprints
{
    public static string Of(IReadOnlyDictionary<string, string> labels)
    {
        const ulong offset = 14695981039346656037UL, prime = 1099511628211UL;
        var h = offset;
        void Add(string s)
        {
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(s)) { h ^= b; h *= prime; }
            h ^= 0xff;
            h *= prime;
        }
        foreach (var (k, v) in labels.OrderBy(p => p.Key, StringComparer.Ordinal)) { Add(k); Add(v); }
        return h.ToString("x16", CultureInfo.InvariantCulture);
    }
}
