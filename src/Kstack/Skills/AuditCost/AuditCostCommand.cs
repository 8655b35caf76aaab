using System.Text;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Cache;
using Kstack.Checks;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.AuditNetwork;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.AuditCost;

/// <summary>/audit-cost: idle and wasted capacity from cached lists, on the shared audit report.</summary>
internal sealed class AuditCostCommand : AuditSkillCommand
{
    public override SkillDescriptor Descriptor => AuditCostSkill.Descriptor;
    protected override string Audit => "cost";
    protected override AuditFlags Flags => AuditCostSkill.Audit;
    protected override IReadOnlyList<CheckInfo> Catalogue => CostChecks.All;

    private static CheckInfo? Find(string id) => CostChecks.All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var options = ParseOptions(run, out var sarifPath);
        var windowText = run.Get(AuditCostSkill.Window) ?? "7d";
        var window = Duration.Parse("--window", windowText);
        if (window < TimeSpan.FromHours(1) || window > TimeSpan.FromDays(31)) throw Kstack.Envelope.KstackException.User("Flag --window must be between 1h and 31d.");
        var (minCpu, minMemory) = ParseMinSavings(run.Get(AuditCostSkill.MinSavings));
        var prices = run.Get(AuditCostSkill.PricesFile) is { Length: > 0 } pricesPath ? Prices.Load(Path.GetFullPath(pricesPath)) : null;
        PrometheusTarget? forced = null;
        if (run.Get(AuditCostSkill.Prometheus) is { } promText)
            forced = PrometheusTarget.TryParse(promText) ?? throw Kstack.Envelope.KstackException.User($"Flag --prometheus must be <namespace>/<service>:<port>, got {Kstack.Envelope.DataText.Quote(promText)}.");

        var (dir, lists) = await FetchAsync(run, CostLists.All, ct);
        var (usage, usageRead) = await CostUsage.EnsureAsync(run, dir, lists, windowText, window, forced, ct);
        var results = new Dictionary<string, Read<Snapshot>>(lists, StringComparer.Ordinal) { [CostUsage.File] = usageRead };
        var settings = await SettingsAsync(dir, minCpu, minMemory, prices);
        results[settings.Value!.Spec.File] = settings;
        var result = await CachedReportAsync(Path.Combine(dir, ReportFileName), results,
            () => AnalyseAsync(lists, DateTimeOffset.UtcNow, run.Namespace, ct, usage, minCpu, minMemory, prices), CostResult.Write, e => CostResult.Read(e, Find));
        await RightsizingFile.WriteAsync(Path.Combine(dir, RightsizingFile.Name), result.Rightsizing, usage, prices);
        var unreadable = CostLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue && !IsAbsentAddOn(s, results[s.File]))
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), CostLists.Unchecked(s))).ToList();
        if (usage.Source == "none")
            unreadable.Add(new Unreadable("container usage", "no Prometheus and no metrics-server" + (usage.Notes.Count > 0 ? $" ({string.Join("; ", usage.Notes)})" : ""),
                [CostChecks.CpuOverprovisioned.Id, CostChecks.MemoryOverprovisioned.Id]));
        return await ReportAsync(run, options, sarifPath, dir, lists, CostLists.Roles, result.Raw, unreadable,
            CostRenderer.Section(result, usage, run.Namespace, prices), w => CostRenderer.Context(w, result, usage, Path.Combine(dir, RightsizingFile.Name)));
    }

    /// <summary>--min-savings: comma-separated quantities; one with a byte suffix (Ki, Mi, Gi, M, G…) is memory, the other CPU.</summary>
    internal static (decimal Cpu, decimal Memory) ParseMinSavings(string? text)
    {
        decimal cpu = 0.1m, memory = 100m * 1024 * 1024;
        if (text is null) return (cpu, memory);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var isMemory = part.Length > 0 && (part.EndsWith('i') || part[^1] is 'k' or 'K' or 'M' or 'G' or 'T');
            if (!Quantity.TryParse(part, out var v) || v < 0)
                throw Kstack.Envelope.KstackException.User($"Invalid --min-savings part {Kstack.Envelope.DataText.Quote(part, 40)}: use a CPU quantity (250m, 0.5) and/or a memory one (512Mi, 1Gi), comma-separated.");
            if (isMemory) memory = v; else cpu = v;
        }
        return (cpu, memory);
    }

    /// <summary>The analysis settings as a cache input: rewritten only when they change, so the report cache sees a change.</summary>
    private static async Task<Read<Snapshot>> SettingsAsync(string dir, decimal minCpu, decimal minMemory, Prices? prices)
    {
        var spec = new ListSpec("audit-cost.settings.json", "settings", "", null, "", "", IsList: false);
        var path = Path.Combine(dir, spec.File);
        var text = $"{{\"minCpuSaving\":{minCpu.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"minMemorySaving\":{minMemory.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"prices\":\"{prices?.Stamp() ?? ""}\"}}";
        if (!File.Exists(path) || await File.ReadAllTextAsync(path) != text)
            await AtomicFile.WriteAsync(path, async s => await s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)));
        return Read<Snapshot>.Success(new Snapshot(spec, path, File.GetLastWriteTimeUtc(path), FromCache: true));
    }

    private static bool IsAbsentAddOn(ListSpec spec, Read<Snapshot> read) =>
        CostLists.Optional.Contains(spec) && read.Outcome == ReadOutcome.NotFound;

    /// <summary>The analysis from the fetched lists (also run in-process by the tests).</summary>
    internal static async Task<CostResult> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, DateTimeOffset now, string? scope, CancellationToken ct,
        CostUsage? usage = null, decimal minCpu = 0.1m, decimal minMemory = 100m * 1024 * 1024, Prices? prices = null)
    {
        async Task<List<JsonElement>?> Load(ListSpec spec) =>
            results.TryGetValue(spec.File, out var r) && r.Value is { } s ? (await CachedList.MapAsync<object>(s.Path, e => e.Clone(), ct)).Cast<JsonElement>().ToList() : null;

        var gitVersion = await ClusterVersion.GitVersionAsync(results, ct);

        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(CostLists.Jobs));
        var analysis = new CostAnalysis(now) { Scope = scope, Usage = usage, MinCpuSaving = minCpu, MinMemorySaving = minMemory, Prices = prices };
        var objects = 0;
        if (results.TryGetValue(ListSpec.Pods.File, out var pods) && pods.Value is { } podList)
            analysis.Pods.AddRange(await CachedList.MapAsync(podList.Path, p => CostPod.From(p, owners), ct));
        else analysis.PodsRead = false;
        objects += analysis.Pods.Count;

        if (await Load(CostLists.Namespaces) is { } namespaces)
        {
            analysis.Namespaces = namespaces.Select(n => n.Str("metadata", "name") ?? "").ToList();
            foreach (var n in namespaces.Where(n => n.Str("status", "phase") == "Terminating")) analysis.Terminating.Add(n.Str("metadata", "name") ?? "");
            objects += namespaces.Count;
        }
        if (results.TryGetValue(ListSpec.Nodes.File, out var nodes) && nodes.Value is { } nodeList)
            analysis.Nodes = await CachedList.MapAsync(nodeList.Path, CostNode.From, ct);
        analysis.Deployments = await Load(CostLists.Deployments);
        analysis.StatefulSets = await Load(CostLists.StatefulSets);
        analysis.DaemonSets = await Load(CostLists.DaemonSets);
        analysis.Jobs = await Load(CostLists.Jobs);
        analysis.CronJobs = await Load(CostLists.CronJobs);
        analysis.Volumes = await Load(CostLists.PersistentVolumes);
        analysis.Claims = await Load(CostLists.Claims);
        analysis.Services = await Load(ListSpec.Services);
        analysis.Vpas = await Load(CostLists.Vpas);
        if (results.TryGetValue(CostLists.EndpointSlices.File, out var slices) && slices.Value is { } sliceList)
        {
            var counts = new Dictionary<(string, string), EndpointCounts>();
            await CachedList.MapAsync<object>(sliceList.Path, s => { EndpointCounts.AddSlice(counts, s); objects++; return null; }, ct);
            analysis.Endpoints = counts;
        }
        objects += (analysis.Nodes?.Count ?? 0) + (analysis.Deployments?.Count ?? 0) + (analysis.StatefulSets?.Count ?? 0) + (analysis.DaemonSets?.Count ?? 0)
                   + (analysis.Jobs?.Count ?? 0) + (analysis.CronJobs?.Count ?? 0) + (analysis.Volumes?.Count ?? 0) + (analysis.Claims?.Count ?? 0)
                   + (analysis.Services?.Count ?? 0);

        var findings = analysis.Run();
        return new CostResult(new RawAnalysis(gitVersion, findings, [], new Dictionary<ObjectRef, string>(), objects), analysis.Summary, analysis.Rightsizing);
    }
}

/// <summary>The cached analysis: the raw findings, the totals the report leads with, and the ranked right-sizing rows.</summary>
internal sealed record CostResult(RawAnalysis Raw, CostSummary Summary, IReadOnlyList<RightsizingRow> Rightsizing)
{
    public static void Write(Utf8JsonWriter w, CostResult r)
    {
        w.WriteStartObject();
        w.WritePropertyName("raw");
        RawAnalysisJson.Write(w, r.Raw);
        w.WritePropertyName("summary");
        r.Summary.Write(w);
        w.WriteStartArray("rightsizing");
        foreach (var x in r.Rightsizing) RightsizingFile.WriteRow(w, x);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static CostResult Read(JsonElement e, Func<string, CheckInfo?> find) =>
        new(RawAnalysisJson.Read(e.GetProperty("raw"), find), CostSummary.Read(e.GetProperty("summary")),
            e.Array("rightsizing").Select(RightsizingFile.ReadRow).ToList());
}
