using System.Text.Json;
using Kstack.Cache;
using Kstack.Checks;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Audit;

/// <summary>The flags every audit skill takes (filters, SARIF, baseline, exemptions), worded for that audit.</summary>
internal sealed class AuditFlags(string audit, string exampleCheck)
{
    public ChoiceFlag Severity { get; } = new("--severity", "Only findings at or above this severity", "critical", "high", "medium", "low", "info") { Default = "info" };
    public ListFlag Check { get; } = new("--check", "<ID>", $"Only this check ID (repeatable), e.g. {exampleCheck}");
    public ChoiceFlag Format { get; } = new("--format", "sarif also writes SARIF 2.1.0 for GitHub code scanning to --output", "text", "sarif") { Default = "text" };
    public TextFlag Output { get; } = new("--output", "<file>", "Where --format sarif writes the SARIF file");
    public TextFlag Baseline { get; } = new("--baseline", "<findings file>", $"An earlier audit-{audit}.json: mark each finding new or unchanged and list the resolved ones");
    public TextFlag Exemptions { get; } = new("--exemptions", "<file>", "Your exemptions YAML (default <root>/audit-exemptions.yaml); in-cluster annotations never exempt");

    public IReadOnlyList<FlagSpec> All => [Severity, Check, Format, Output, Baseline, Exemptions];
}

/// <summary>
/// An audit skill: the skill fetches and analyses; this base turns the raw analysis into the shared report (filters,
/// exemptions, baseline), writes the findings file and SARIF, and renders the bounded content and agent_context.
/// </summary>
internal abstract class AuditSkillCommand : SnapshotSkillCommand
{
    /// <summary>The audit's short name: "security" for /audit-security, its files audit-security.json and .report.json.</summary>
    protected abstract string Audit { get; }

    protected abstract AuditFlags Flags { get; }

    protected abstract IReadOnlyList<CheckInfo> Catalogue { get; }

    protected string FindingsFileName => $"audit-{Audit}.json";

    protected string ReportFileName => $"audit-{Audit}.report.json";

    private CheckInfo? Find(string id) => Catalogue.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The raw analysis, from the report cache when every list it came from is unchanged.</summary>
    protected Task<RawAnalysis> CachedAnalysisAsync(string dir, IReadOnlyDictionary<string, Read<Snapshot>> results, Func<Task<RawAnalysis>> analyse) =>
        CachedReportAsync(Path.Combine(dir, ReportFileName), results, analyse, RawAnalysisJson.Write, e => RawAnalysisJson.Read(e, Find));

    /// <summary>The report from a raw analysis: findings file, SARIF when asked, content and agent_context.</summary>
    protected async Task<Env> ReportAsync(SkillRun run, AuditOptions options, string? sarifPath, string dir,
        IReadOnlyDictionary<string, Read<Snapshot>> results, IReadOnlyDictionary<string, string> roles, RawAnalysis raw,
        IReadOnlyList<Unreadable> unreadable, string? section = null, Action<Utf8JsonWriter>? extraContext = null)
    {
        var now = DateTimeOffset.UtcNow;
        var report = AuditPipeline.Build(Audit, run.Context, raw.GitVersion, run.Namespace, now, Catalogue, raw.Findings,
            raw.Asks, unreadable, options, raw.ObjectsRead);

        var findingsPath = Path.Combine(dir, FindingsFileName);
        await FindingsFile.WriteAsync(findingsPath, report);
        if (sarifPath is not null)
        {
            try { await SarifWriter.WriteAsync(sarifPath, report, raw.Manifests, Cli.KstackApp.Version); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw KstackException.User($"Cannot write the SARIF file {ArgumentText.Cap(sarifPath)} ({e.Message}).");
            }
        }

        var fromCache = results.Values.Any(r => r.Value is { FromCache: true });
        var agentContext = AgentContext.Build(w =>
        {
            AgentContext.WriteCache(w, dir, results, roles);
            w.WriteString("findings_file", findingsPath);
            if (sarifPath is not null) w.WriteString("sarif_file", sarifPath);
            w.WriteStartObject("counts");
            w.WriteNumber("findings", report.Findings.Count);
            foreach (var s in Enum.GetValues<Severity>().Reverse()) w.WriteNumber(s.Name(), report.Count(s));
            w.WriteNumber("exempted", report.Exempted.Count);
            if (report.NewFingerprints is { } nf) { w.WriteNumber("new", nf.Count); w.WriteNumber("resolved", report.Resolved?.Count ?? 0); }
            w.WriteEndObject();
            extraContext?.Invoke(w);
        });
        var content = run.Json
            ? AuditRenderer.Json(report, findingsPath, sarifPath, fromCache, raw.Overview)
            : AuditRenderer.Text(report, findingsPath, sarifPath, Freshness.Sentence(results.Values, run.TtlText, now.UtcDateTime), raw.Overview, section);
        return Env.Agent(content, agentContext);
    }

    /// <summary>Every audit flag checked before anything is read: a bad --check or --format is a user error at once.</summary>
    protected AuditOptions ParseOptions(SkillRun run, out string? sarifPath)
    {
        var severityText = run.Get(Flags.Severity);
        var severity = severityText is null ? Severity.Info
            : Severities.TryParse(severityText, out var parsed) ? parsed : throw KstackException.User($"Invalid --severity `{DataText.Inline(severityText, 40)}`: use critical, high, medium, low or info.");
        var checks = run.Get(Flags.Check);
        foreach (var id in checks)
            if (Find(id) is null)
            {
                var near = NameSuggestions.Closest(id.ToUpperInvariant(), Catalogue.Select(c => c.Id), x => x, 3);
                throw KstackException.User($"Unknown check `{DataText.Inline(id, 60)}`." + (near.Count > 0 ? $" Did you mean: {string.Join(", ", near)}?" : "")
                    + " The IDs are listed in the skill's SKILL.md and the findings file's `checks`.");
            }
        var format = run.Get(Flags.Format) ?? "text";
        if (format is not ("text" or "sarif")) throw KstackException.User($"Invalid --format `{DataText.Inline(format, 40)}`: use text or sarif.");
        var output = run.Get(Flags.Output);
        if (format == "sarif" && string.IsNullOrEmpty(output)) throw KstackException.User("--format sarif needs --output <file.sarif>.");
        if (format != "sarif" && output is not null) throw KstackException.User("--output is only used with --format sarif.");
        sarifPath = format == "sarif" ? Path.GetFullPath(output!) : null;

        var exemptionsFlag = run.Get(Flags.Exemptions);
        var exemptionsPath = exemptionsFlag is { Length: > 0 } e ? Path.GetFullPath(e) : Path.Combine(run.Root.Path, ExemptionsFile.DefaultName);
        var exemptions = ExemptionsFile.Load(exemptionsPath, exemptionsFlag is not null);
        var baseline = run.Get(Flags.Baseline) is { Length: > 0 } b ? FindingsFile.ReadBaseline(Path.GetFullPath(b)) : null;
        return new AuditOptions(severity, checks, exemptions, baseline);
    }
}

/// <summary>The analysis before the user's filters, exemptions and baseline: what the report cache keeps.</summary>
internal sealed record RawAnalysis(string GitVersion, IReadOnlyList<Finding> Findings, IReadOnlyList<ExemptionAsk> Asks,
    IReadOnlyDictionary<ObjectRef, string> Manifests, int ObjectsRead)
{
    /// <summary>Status lines the audit shows above its findings (e.g. /karpenter's pools), already framed; at most <see cref="AuditRenderer.MaxOverviewLines"/> are shown.</summary>
    public IReadOnlyList<string> Overview { get; init; } = [];
}

/// <summary>Exact round trip of a raw analysis for the report cache.</summary>
internal static class RawAnalysisJson
{
    public static void Write(Utf8JsonWriter w, RawAnalysis r)
    {
        w.WriteStartObject();
        w.WriteString("gitVersion", r.GitVersion);
        w.WriteNumber("objectsRead", r.ObjectsRead);
        w.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            w.FlushWhenFull();
            w.WriteStartArray();
            w.WriteStringValue(f.Check.Id);
            WriteRef(w, f.Subject);
            w.WriteStringValue(f.Field);
            w.WriteStringValue(f.Observed);
            w.WriteNumberValue((int)f.Scope);
            w.WriteBooleanValue(f.Running);
            w.WriteNumberValue(f.Pods);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("asks");
        foreach (var a in r.Asks) { w.WriteStartArray(); WriteRef(w, a.Subject); w.WriteStringValue(a.Annotation); w.WriteEndArray(); }
        w.WriteEndArray();
        w.WriteStartArray("manifests");
        foreach (var (subject, path) in r.Manifests) { w.WriteStartArray(); WriteRef(w, subject); w.WriteStringValue(path); w.WriteEndArray(); }
        w.WriteEndArray();
        w.WriteStartArray("overview");
        foreach (var line in r.Overview) w.WriteStringValue(line);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A cached analysis; findings of checks this build no longer has are dropped.</summary>
    public static RawAnalysis Read(JsonElement e, Func<string, CheckInfo?> find)
    {
        var findings = new List<Finding>();
        var pool = new StringPool();
        foreach (var a in e.Array("findings"))
        {
            var x = a.EnumerateArray().ToArray();
            if (find(x[0].GetString() ?? "") is not { } check) continue;
            findings.Add(new Finding(check, pool.Get(ReadRef(x[1])), pool.Get(x[2].GetString() ?? "")!, pool.Get(x[3].ValueKind == JsonValueKind.String ? x[3].GetString() : null),
                (Scope)x[4].GetInt32(), x[5].GetBoolean(), x[6].GetInt32()));
        }
        var asks = e.Array("asks").Select(a => a.EnumerateArray().ToArray()).Select(x => new ExemptionAsk(ReadRef(x[0]), x[1].GetString() ?? "")).ToList();
        var manifests = e.Array("manifests").Select(a => a.EnumerateArray().ToArray()).ToDictionary(x => ReadRef(x[0]), x => x[1].GetString() ?? "");
        return new RawAnalysis(e.Str("gitVersion") ?? "unknown", findings, asks, manifests, (int)(e.Long("objectsRead") ?? 0))
        {
            Overview = e.Array("overview").Select(l => l.GetString() ?? "").ToList(),
        };
    }

    private static void WriteRef(Utf8JsonWriter w, ObjectRef r)
    {
        w.WriteStartArray();
        w.WriteStringValue(r.Kind);
        w.WriteStringValue(r.Namespace);
        w.WriteStringValue(r.Name);
        w.WriteStringValue(r.Container);
        w.WriteEndArray();
    }

    private static ObjectRef ReadRef(JsonElement e)
    {
        var x = e.EnumerateArray().ToArray();
        string? S(int i) => x[i].ValueKind == JsonValueKind.String ? x[i].GetString() : null;
        return new ObjectRef(S(0) ?? "", S(1), S(2) ?? "", S(3));
    }
}
