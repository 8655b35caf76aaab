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
        var (dir, results) = await FetchAsync(run, CostLists.All, ct);
        var result = await CachedReportAsync(Path.Combine(dir, ReportFileName), results,
            () => AnalyseAsync(results, DateTimeOffset.UtcNow, run.Namespace, ct), CostResult.Write, e => CostResult.Read(e, Find));
        var unreadable = CostLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue && !IsAbsentAddOn(s, results[s.File]))
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), CostLists.Unchecked(s))).ToList();
        return await ReportAsync(run, options, sarifPath, dir, results, CostLists.Roles, result.Raw, unreadable,
            CostRenderer.Section(result.Summary, run.Namespace), w => CostRenderer.Context(w, result.Summary));
    }

    private static bool IsAbsentAddOn(ListSpec spec, Read<Snapshot> read) =>
        CostLists.Optional.Contains(spec) && read.Outcome == ReadOutcome.NotFound;

    /// <summary>The analysis from the fetched lists (also run in-process by the tests).</summary>
    internal static async Task<CostResult> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, DateTimeOffset now, string? scope, CancellationToken ct)
    {
        async Task<List<JsonElement>?> Load(ListSpec spec) =>
            results.TryGetValue(spec.File, out var r) && r.Value is { } s ? (await CachedList.MapAsync<object>(s.Path, e => e.Clone(), ct)).Cast<JsonElement>().ToList() : null;

        var gitVersion = "unknown";
        if (results.TryGetValue(ListSpec.Version.File, out var v) && v.Value is { } version)
        {
            var bytes = await File.ReadAllBytesAsync(version.Path, ct);
            JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
            using var doc = JsonDocument.Parse(bytes);
            gitVersion = doc.RootElement.Str("gitVersion") is { Length: > 0 } g ? g : "unknown";
        }

        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(CostLists.Jobs));
        var analysis = new CostAnalysis(now) { Scope = scope };
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
        return new CostResult(new RawAnalysis(gitVersion, findings, [], new Dictionary<ObjectRef, string>(), objects), analysis.Summary);
    }
}

/// <summary>The cached analysis: the raw findings and the totals the report leads with.</summary>
internal sealed record CostResult(RawAnalysis Raw, CostSummary Summary)
{
    public static void Write(Utf8JsonWriter w, CostResult r)
    {
        w.WriteStartObject();
        w.WritePropertyName("raw");
        RawAnalysisJson.Write(w, r.Raw);
        w.WritePropertyName("summary");
        r.Summary.Write(w);
        w.WriteEndObject();
    }

    public static CostResult Read(JsonElement e, Func<string, CheckInfo?> find) =>
        new(RawAnalysisJson.Read(e.GetProperty("raw"), find), CostSummary.Read(e.GetProperty("summary")));
}
