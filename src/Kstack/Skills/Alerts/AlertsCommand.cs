using System.Text.Json;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Json;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Alerts;

/// <summary>
/// /alerts: what is firing now, from Alertmanager's API v2 (GET /api/v2/alerts and /api/v2/silences) reached only through
/// the API server's service proxy; Prometheus's /api/v1/alerts when there is no Alertmanager. Read-only GETs only.
/// </summary>
internal sealed class AlertsCommand : SkillCommand
{
    public const string AlertsFile = "alerts.json";

    public override SkillDescriptor Descriptor => AlertsSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        if (run.FreeText.Count > 0)
            throw KstackException.User($"/alerts takes no target, got {DataText.Quote(string.Join(' ', run.FreeText), 120)}. Use --service <ns>/<name>[:<port>] to name the Alertmanager.");
        AlertmanagerTarget? forced = null;
        if (run.Get(AlertsSkill.Service) is { } serviceText)
            forced = AlertmanagerTarget.TryParse(serviceText) ?? throw KstackException.User(ServiceFlagText.Invalid(serviceText));

        var statePath = Path.Combine(run.StateDir, AlertSources.StateKey);
        var sources = forced is not null
            ? new AlertSources(forced.ToString(), 1, null, null, DateTimeOffset.UtcNow)
            : await SourcesAsync(run, ct);
        var now = DateTimeOffset.UtcNow;
        var notes = new List<string>();
        if (sources.Note is not null) notes.Add(sources.Note);

        string source, target;
        if (sources.AlertmanagerTarget is { } am) (source, target) = ("alertmanager", am.ToString());
        else if (sources.PrometheusTarget is { } prom) (source, target) = ("prometheus", prom.ToString());
        else return NoSource(run, sources, statePath);

        var file = Path.Combine(run.CacheDir, AlertsFile);
        var (doc, fromCache) = await LoadOrFetchAsync(run, source, target, sources, file, now, ct);
        using (doc)
        {
            var root = doc.RootElement;
            var alerts = root.Array("alerts").Select(a => source == "alertmanager" ? AlertItem.FromAlertmanager(a) : AlertItem.FromPrometheus(a)).ToList();
            var silences = root.Array("silences").Select(SilenceItem.From).ToList();
            var total = (int)(root.Long("alertsTotal") ?? alerts.Count);
            var report = AlertsAnalysis.Analyse(run.Context, source, target, sources.Matched, total, alerts, silences, notes);
            var fetchedAt = root.Time("fetchedAt") ?? now;
            var freshness = fromCache
                ? $"Used cached alerts ({Duration.Format(now - fetchedAt)} old, --refresh to update)."
                : $"Fetched now (cached for {run.TtlText}).";
            var investigate = report.Firing.SelectMany(g => g.Targets).Where(t => t.Kind != "node").Select(t => t.Command).Distinct().Take(10).ToList();
            var context = Dto.Serialize(new AlertsAgentContext(source, target, source == "alertmanager" ? sources.Matched : null, run.CacheDir, file,
                statePath, total, alerts.Count, report.FiringCount, investigate), AlertsAgentJson.Default.AlertsAgentContext);
            return Env.Agent(AlertsRenderer.Text(report, now, freshness), context);
        }
    }

    private static Env NoSource(SkillRun run, AlertSources sources, string statePath)
    {
        var text = $"Alerts: {DataText.Inline(run.Context, 60)} · source: none\n\n"
                   + "No Alertmanager and no Prometheus were found"
                   + (sources.Note is null ? "" : $" ({sources.Note})") + ".\n"
                   + "Looked for a Service labelled app.kubernetes.io/name=alertmanager or app=alertmanager, or named *alertmanager* "
                   + "(headless and -operated Services skipped), then for a Prometheus Service the same way.\n"
                   + "- If Alertmanager runs under another name: `kubectl get svc -A | grep -i alert`, then /alerts --service <ns>/<name>[:<port>].\n"
                   + "- To install one: the kube-prometheus-stack Helm chart (prometheus-community) brings Prometheus, Alertmanager and the "
                   + "default alerting rules. Installing changes the cluster: ask the user first.";
        return Env.Agent(text, Dto.Serialize(new AlertsAgentContext("none", null, null, null, null, statePath, null, null, null, null),
            AlertsAgentJson.Default.AlertsAgentContext));
    }

    /// <summary>Detects the sources once per context (state), again on --refresh; a search limited by RBAC is not remembered.</summary>
    private static async Task<AlertSources> SourcesAsync(SkillRun run, CancellationToken ct)
    {
        if (!run.Refresh && AlertSources.TryParse(StateStore.GetIn(run.StateDir, AlertSources.StateKey)) is { } cached) return cached;
        var fetcher = new SnapshotFetcher(run.LazyApi, run.CacheDir, run.Ttl);
        var all = (await fetcher.EnsureAsync([ListSpec.Services], null, ct))[ListSpec.Services.File];
        IReadOnlyList<ServiceFacts> services;
        string? note = null;
        if (all.Value is { } allFile) services = await CachedList.MapAsync(allFile.Path, s => ServiceFacts.From(s), ct);
        else
        {
            Failed(all, run);
            if (run.Namespace is null)
                return new AlertSources(null, 0, null, $"{AgentContext.Unreadable(all)} at the cluster scope, so only --service or -n <ns> can find it", DateTimeOffset.UtcNow);
            var scoped = (await new SnapshotFetcher(run.LazyApi, SnapshotDir.For(run, run.Namespace), run.Ttl).EnsureAsync([ListSpec.Services], run.Namespace, ct))[ListSpec.Services.File];
            if (scoped.Value is not { } scopedFile)
            {
                Failed(scoped, run);
                return new AlertSources(null, 0, null, $"{AgentContext.Unreadable(scoped)} in namespace {run.Namespace}", DateTimeOffset.UtcNow);
            }
            services = await CachedList.MapAsync(scopedFile.Path, s => ServiceFacts.From(s), ct);
            note = $"searched namespace {run.Namespace} only: {AgentContext.Unreadable(all)} at the cluster scope";
        }
        var (am, matched) = AlertmanagerDetection.Pick(services);
        var prom = am is null ? PrometheusDetection.Pick(services) : null;
        var detected = new AlertSources(am?.ToString(), matched, prom?.ToString(), note, DateTimeOffset.UtcNow);
        if (note is null) StateStore.SetIn(run.StateDir, AlertSources.StateKey, Dto.Serialize(detected, AlertsAgentJson.Default.AlertSources));
        return detected;
    }

    /// <summary>A services list that failed (not denied, not absent) is an infra error: "none found" would be a false answer.</summary>
    private static void Failed(Read<Snapshot> read, SkillRun run)
    {
        if (read.Problem is { Outcome: not (ReadOutcome.Forbidden or ReadOutcome.NotFound) } p)
            throw KstackException.Infra($"Unable to fetch services for context `{run.Context}` ({DataText.Quote(p.Reason, 300)}).");
    }

    /// <summary>The cached answer for this target while it is younger than the TTL, else a fresh read written atomically.</summary>
    private static async Task<(JsonDocument, bool FromCache)> LoadOrFetchAsync(SkillRun run, string source, string target, AlertSources sources, string file,
        DateTimeOffset now, CancellationToken ct)
    {
        if (!run.Refresh && File.Exists(file))
        {
            try
            {
                var cached = JsonDocument.Parse(await File.ReadAllBytesAsync(file, ct));
                var r = cached.RootElement;
                if (r.Str("source") == source && r.Str("target") == target && r.Time("fetchedAt") is { } at && now - at < run.Ttl && now >= at)
                    return (cached, true);
                cached.Dispose();
            }
            catch (JsonException) { }
            catch (IOException) { }
        }
        var bytes = source == "alertmanager"
            ? await FetchAlertmanagerAsync(run, sources.AlertmanagerTarget!, now, ct)
            : await FetchPrometheusAsync(run, sources.PrometheusTarget!, now, ct);
        await AtomicFile.WriteAsync(file, s => s.WriteAsync(bytes, ct).AsTask());
        return (JsonDocument.Parse(bytes), false);
    }

    private static async Task<byte[]> FetchAlertmanagerAsync(SkillRun run, AlertmanagerTarget am, DateTimeOffset now, CancellationToken ct)
    {
        var alerts = await ProxyGetAsync(run, am.Namespace, $"{am.Service}:{am.Port}", am.ProxyPath("api/v2/alerts"), $"Alertmanager {am}", ct);
        if (alerts.ValueKind != JsonValueKind.Array) throw KstackException.Infra($"Alertmanager {am} answered /api/v2/alerts with something that is not a list: could not parse it.");
        var silences = await ProxyGetAsync(run, am.Namespace, $"{am.Service}:{am.Port}", am.ProxyPath("api/v2/silences"), $"Alertmanager {am}", ct);
        if (silences.ValueKind != JsonValueKind.Array) throw KstackException.Infra($"Alertmanager {am} answered /api/v2/silences with something that is not a list: could not parse it.");
        return CacheDocument("alertmanager", am.ToString(), now, alerts, silences);
    }

    private static async Task<byte[]> FetchPrometheusAsync(SkillRun run, PrometheusTarget prom, DateTimeOffset now, CancellationToken ct)
    {
        var answer = await ProxyGetAsync(run, prom.Namespace, $"{prom.Service}:{prom.Port}", prom.ProxyPath("alerts"), $"Prometheus {prom}", ct);
        if (answer.Str("status") != "success" || answer.Get("data", "alerts") is not { ValueKind: JsonValueKind.Array } alerts)
            throw KstackException.Infra($"Prometheus {prom} answered /api/v1/alerts without data.alerts: could not parse it.");
        return CacheDocument("prometheus", prom.ToString(), now, alerts, null);
    }

    /// <summary>
    /// The cache file: source, target, fetchedAt, alertsTotal, and the first <see cref="AlertsAnalysis.MaxAlerts"/> alerts
    /// and every silence exactly as the server sent them.
    /// </summary>
    private static byte[] CacheDocument(string source, string target, DateTimeOffset now, JsonElement alerts, JsonElement? silences)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Dto.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("source", source);
            w.WriteString("target", target);
            w.WriteString("fetchedAt", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            var total = alerts.GetArrayLength();
            w.WriteNumber("alertsTotal", total);
            w.WriteNumber("alertsRead", Math.Min(total, AlertsAnalysis.MaxAlerts));
            w.WriteStartArray("alerts");
            foreach (var a in alerts.EnumerateArray().Take(AlertsAnalysis.MaxAlerts)) a.WriteTo(w);
            w.WriteEndArray();
            w.WriteStartArray("silences");
            if (silences is { } s)
                foreach (var x in s.EnumerateArray()) x.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One GET through the service proxy; a denial names get services/proxy; other problems are typed.</summary>
    private static async Task<JsonElement> ProxyGetAsync(SkillRun run, string ns, string serviceAndPort, string path, string what, CancellationToken ct)
    {
        var read = await run.Api.GetAsync(path, new ApiAction("get", "services/proxy", ns), ct);
        if (read.Ok) return read.Value;
        var p = read.Problem!;
        throw p.Outcome switch
        {
            ReadOutcome.Forbidden => KstackException.User(ServiceProxyText.Denied(ns, serviceAndPort, p, $"Reading {what.Split(' ')[0]}")),
            ReadOutcome.NotFound => KstackException.User($"{what} is not reachable through the service proxy (404: {DataText.Quote(p.Detail ?? "", 200)}). "
                                                         + "Run with --refresh to detect again, or pass --service <ns>/<name>[:<port>]."),
            ReadOutcome.Rejected => KstackException.User($"{what} answered {p.HttpStatus}: {DataText.Quote(p.Detail ?? "", 200)}."),
            _ => KstackException.Infra($"Unable to read {what} for context `{run.Context}` ({DataText.Quote(p.Reason, 300)})."),
        };
    }
}
