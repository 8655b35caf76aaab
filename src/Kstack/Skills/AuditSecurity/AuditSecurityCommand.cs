using Kstack.Checks;
using Kstack.Cache;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.AuditSecurity;

/// <summary>/audit-security: RBAC, pod security, service accounts, Secrets' metadata and images, from cached lists.</summary>
internal sealed class AuditSecurityCommand : SnapshotSkillCommand
{
    public const string FindingsFileName = "audit-security.json";
    public const string ReportFile = "audit-security.report.json";
    public const int FallbackMinor = 34;

    public override SkillDescriptor Descriptor => AuditSecuritySkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var options = ParseOptions(run, out var sarifPath);
        // The small lists first: when they are fetched anew the analysis is prepared from them, and the pods (the bulk)
        // are analysed while they stream instead of being read back from their file.
        var (dir, first) = await FetchAsync(run, [.. SecurityLists.All.Where(s => s != ListSpec.Pods)], ct);
        var prepared = first.Values.Any(r => r.Value is { FromCache: false }) ? await PrepareAsync(first, ct) : null;
        var podsSeen = new ListVisitor(ListSpec.Pods, pod => prepared!.AddPod(pod));
        var (_, second) = await FetchAsync(run, [ListSpec.Pods], ct, prepared is null ? [] : [podsSeen]);
        var results = SecurityLists.All.ToDictionary(s => s.File, s => first.TryGetValue(s.File, out var r) ? r : second[s.File], StringComparer.Ordinal);
        var raw = await CachedReportAsync(Path.Combine(dir, ReportFile), results,
            () => AnalyseAsync(results, ct, podsSeen.Seen ? prepared : null), RawAnalysisJson.Write, RawAnalysisJson.Read);

        var unreadable = SecurityLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue)
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), SecurityLists.Unchecked(s))).ToList();
        var now = DateTimeOffset.UtcNow;
        var report = AuditPipeline.Build("security", run.Context, raw.GitVersion, run.Namespace, now, SecurityChecks.All, raw.Findings,
            raw.Asks, unreadable, options, raw.ObjectsRead);

        var findingsPath = Path.Combine(dir, FindingsFileName);
        await FindingsFile.WriteAsync(findingsPath, report);
        if (sarifPath is not null)
        {
            try { await SarifWriter.WriteAsync(sarifPath, report, raw.Manifests, Cli.KstackApp.Version); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw KstackException.User($"Cannot write the SARIF file {sarifPath} ({e.Message}).");
            }
        }

        var fromCache = results.Values.Any(r => r.Value is { FromCache: true });
        var agentContext = AgentContext.Build(w =>
        {
            AgentContext.WriteCache(w, dir, results, SecurityLists.Roles_);
            w.WriteString("findings_file", findingsPath);
            if (sarifPath is not null) w.WriteString("sarif_file", sarifPath);
            w.WriteStartObject("counts");
            w.WriteNumber("findings", report.Findings.Count);
            foreach (var s in Enum.GetValues<Severity>().Reverse()) w.WriteNumber(s.Name(), report.Count(s));
            w.WriteNumber("exempted", report.Exempted.Count);
            if (report.NewFingerprints is { } nf) { w.WriteNumber("new", nf.Count); w.WriteNumber("resolved", report.Resolved?.Count ?? 0); }
            w.WriteEndObject();
        });
        var content = run.Json
            ? AuditRenderer.Json(report, findingsPath, sarifPath, fromCache)
            : AuditRenderer.Text(report, findingsPath, sarifPath, Freshness.Sentence(results.Values, run.TtlText, now.UtcDateTime));
        return Env.Agent(content, agentContext);
    }

    private AuditOptions ParseOptions(SkillRun run, out string? sarifPath)
    {
        var severityText = run.Get(AuditSecuritySkill.Severity);
        var severity = severityText is null ? Severity.Info
            : Severities.TryParse(severityText, out var parsed) ? parsed : throw KstackException.User($"Invalid --severity `{DataText.Inline(severityText, 40)}`: use critical, high, medium, low or info.");
        var checks = run.Get(AuditSecuritySkill.Check);
        foreach (var id in checks)
            if (SecurityChecks.Find(id) is null)
            {
                var near = NameSuggestions.Closest(id.ToUpperInvariant(), SecurityChecks.All.Select(c => c.Id), x => x, 3);
                throw KstackException.User($"Unknown check `{DataText.Inline(id, 60)}`." + (near.Count > 0 ? $" Did you mean: {string.Join(", ", near)}?" : "")
                    + " The IDs are listed in the skill's SKILL.md and the findings file's `checks`.");
            }
        var format = run.Get(AuditSecuritySkill.Format) ?? "text";
        if (format is not ("text" or "sarif")) throw KstackException.User($"Invalid --format `{DataText.Inline(format, 40)}`: use text or sarif.");
        var output = run.Get(AuditSecuritySkill.Output);
        if (format == "sarif" && string.IsNullOrEmpty(output)) throw KstackException.User("--format sarif needs --output <file.sarif>.");
        if (format != "sarif" && output is not null) throw KstackException.User("--output is only used with --format sarif.");
        sarifPath = format == "sarif" ? Path.GetFullPath(output!) : null;

        var exemptionsFlag = run.Get(AuditSecuritySkill.Exemptions);
        var exemptionsPath = exemptionsFlag is { Length: > 0 } e ? Path.GetFullPath(e) : Path.Combine(run.Root.Path, ExemptionsFile.DefaultName);
        var exemptions = ExemptionsFile.Load(exemptionsPath, exemptionsFlag is not null);
        var baseline = run.Get(AuditSecuritySkill.Baseline) is { Length: > 0 } b ? FindingsFile.ReadBaseline(Path.GetFullPath(b)) : null;
        return new AuditOptions(severity, checks, exemptions, baseline);
    }

    /// <summary>The analysis from the fetched lists (also run in-process by the tests' skill tester).</summary>
    /// <param name="podsAdded">An analysis prepared from these lists that has already seen every pod.</param>
    internal static async Task<RawAnalysis> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct,
        PreparedAnalysis? podsAdded = null)
    {
        var prepared = podsAdded ?? await PrepareAsync(results, ct);
        if (podsAdded is null && results[ListSpec.Pods.File].Value is { } pods)
            await CachedList.MapAsync<object>(pods.Path, pod => { prepared.AddPod(pod); return null; }, ct);
        if (results[SecurityLists.SecretsMeta.File].Value is { } secrets)
            await CachedList.MapAsync<object>(secrets.Path, s => { prepared.Analysis.AddSecret(s); return null; }, ct);
        var analysis = prepared.Analysis;
        var (findings, asks) = analysis.Finish();
        return new RawAnalysis(prepared.GitVersion, findings, asks.Select(a => new ExemptionAsk(a.Subject, a.Annotation)).ToList(),
            prepared.Manifests, prepared.Objects + analysis.SecretsRead + analysis.PodsRead);
    }

    /// <summary>The analysis up to its pods: version, RBAC graph, namespaces, accounts and owners, from every list but the pods.</summary>
    internal static async Task<PreparedAnalysis> PrepareAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
    {
        async Task<List<JsonElement>?> Load(ListSpec spec) =>
            results[spec.File].Value is { } r ? (await CachedList.MapAsync<object>(r.Path, e => e.Clone(), ct)).Cast<JsonElement>().ToList() : null;

        var gitVersion = "unknown";
        if (results[ListSpec.Version.File].Value is { } v)
        {
            var bytes = await File.ReadAllBytesAsync(v.Path, ct);
            JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
            using var doc = JsonDocument.Parse(bytes);
            gitVersion = doc.RootElement.Str("gitVersion") is { Length: > 0 } g ? g : "unknown";
        }
        var minor = NamespacePsa.ParseMinor(gitVersion) ?? FallbackMinor;

        var manifests = new Dictionary<ObjectRef, string>();
        var objects = 0;
        List<RbacRole>? MapRoles(List<JsonElement>? items, string kind) => items?.Select(i => RbacRole.From(i, kind)).ToList();
        var clusterRoles = await Load(SecurityLists.ClusterRoles);
        var roles = await Load(SecurityLists.Roles);
        var crbs = await Load(SecurityLists.ClusterRoleBindings);
        var rbs = await Load(SecurityLists.RoleBindings);
        RbacGraph? graph = null;
        if (crbs is not null || rbs is not null)
            graph = new RbacGraph(MapRoles(clusterRoles, "ClusterRole"), MapRoles(roles, "Role"),
                [.. (crbs ?? []).Select(b => RbacBinding.From(b, "ClusterRoleBinding")), .. (rbs ?? []).Select(b => RbacBinding.From(b, "RoleBinding"))]);
        foreach (var (items, kind) in new[] { (clusterRoles, "ClusterRole"), (roles, "Role"), (crbs, "ClusterRoleBinding"), (rbs, "RoleBinding") })
            foreach (var i in items ?? [])
            {
                objects++;
                Manifest(manifests, i, kind);
            }

        var namespaces = await Load(SecurityLists.Namespaces);
        var accounts = results[SecurityLists.ServiceAccounts.File].Value is { } sas
            ? await CachedList.MapAsync(sas.Path, ServiceAccountFacts.From, ct) : null;
        objects += (namespaces?.Count ?? 0) + (accounts?.Count ?? 0);
        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta));
        var analysis = new SecurityAnalysis(minor, owners, namespaces?.Select(NamespacePsa.From).ToList(), accounts, graph);
        return new PreparedAnalysis(gitVersion, analysis, owners, manifests, objects);
    }

    private static void Manifest(Dictionary<ObjectRef, string> manifests, JsonElement item, string kind)
    {
        if (SarifWriter.ManifestPath(item.Str("metadata", "annotations", "config.kubernetes.io/origin")) is { } path)
            manifests.TryAdd(new ObjectRef(kind, kind is "Role" or "RoleBinding" ? item.Str("metadata", "namespace") : null, item.Str("metadata", "name") ?? ""), path);
    }
}

/// <summary>An analysis that has read every list but the pods; pods are added one at a time (as they stream, or from their file).</summary>
internal sealed record PreparedAnalysis(string GitVersion, SecurityAnalysis Analysis, OwnerIndex Owners, Dictionary<ObjectRef, string> Manifests, int Objects)
{
    public void AddPod(JsonElement pod)
    {
        Analysis.AddPod(pod);
        if (SarifWriter.ManifestPath(pod.Str("metadata", "annotations", "config.kubernetes.io/origin")) is not { } path) return;
        var ns = pod.Str("metadata", "namespace");
        var name = pod.Str("metadata", "name") ?? "";
        var chain = Owners.Chain(ns ?? "", "Pod", name, OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"));
        Manifests.TryAdd(chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name), path);
    }
}

/// <summary>The analysis before the user's filters, exemptions and baseline: what the report cache keeps.</summary>
internal sealed record RawAnalysis(string GitVersion, IReadOnlyList<Finding> Findings, IReadOnlyList<ExemptionAsk> Asks,
    IReadOnlyDictionary<ObjectRef, string> Manifests, int ObjectsRead);

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
        w.WriteEndObject();
    }

    public static RawAnalysis Read(JsonElement e)
    {
        var findings = new List<Finding>();
        var pool = new StringPool();
        foreach (var a in e.Array("findings"))
        {
            var x = a.EnumerateArray().ToArray();
            if (SecurityChecks.Find(x[0].GetString() ?? "") is not { } check) continue;
            findings.Add(new Finding(check, pool.Get(ReadRef(x[1])), pool.Get(x[2].GetString() ?? "")!, pool.Get(x[3].ValueKind == JsonValueKind.String ? x[3].GetString() : null),
                (Audit.Scope)x[4].GetInt32(), x[5].GetBoolean(), x[6].GetInt32()));
        }
        var asks = e.Array("asks").Select(a => a.EnumerateArray().ToArray()).Select(x => new ExemptionAsk(ReadRef(x[0]), x[1].GetString() ?? "")).ToList();
        var manifests = e.Array("manifests").Select(a => a.EnumerateArray().ToArray()).ToDictionary(x => ReadRef(x[0]), x => x[1].GetString() ?? "");
        return new RawAnalysis(e.Str("gitVersion") ?? "unknown", findings, asks, manifests, (int)(e.Long("objectsRead") ?? 0));
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
