using System.Text.Json.Nodes;
using Kstack.Kube;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Kstack.Skills.AuditCost;
using Kstack.Tests.Support;
using Snapshot = Kstack.Kube.Snapshot;
using EndpointSlices = Kstack.Sim.Store.EndpointSlices;

namespace Kstack.Tests.Skills.AuditCost;

/// <summary>
/// The `audit-cost` scenario's objects as the simulator serves them (Namespace objects for every namespace in use, the
/// EndpointSlices the controller would keep), analysed in-process through the skill's own analysis.
/// </summary>
internal static class CostScenario
{
    public static List<JsonObject> Objects(string scenario = "audit-cost")
    {
        var registry = new ResourceRegistry();
        var data = ScenarioLoader.Load([ScenarioSource.Resolve(scenario)], registry, SkillTester.Now);
        var objects = data.Objects.Select(o => o.Obj).ToList();
        var declared = objects.Where(o => (string?)o["kind"] == "Namespace").Select(o => (string)o["metadata"]!["name"]!).ToHashSet();
        var used = objects.Select(o => (string?)o["metadata"]!["namespace"]).OfType<string>().Concat(["default", "kube-system", "kube-public", "kube-node-lease"]);
        foreach (var ns in used.Distinct().Where(n => !declared.Contains(n)).ToList())
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } },
            });
        return objects;
    }

    /// <summary>
    /// The usage /audit-cost would get from the scenario's Prometheus: its own three queries evaluated by the simulator's
    /// PromQL evaluator at the scenario's now.
    /// </summary>
    public static CostUsage PrometheusUsage(string scenario = "audit-cost")
    {
        var source = ScenarioSource.Resolve(scenario);
        var prom = Kstack.Sim.Metrics.MetricsScenario.Load([source])!.PrometheusWithNodes!;
        var evaluator = new Kstack.Sim.Metrics.PromEvaluator(prom, (_, _) => null, SkillTester.Now, () => SkillTester.Now);
        var window = TimeSpan.FromDays(7);
        var queries = CostUsage.QueriesFor("7d", CostUsage.StepFor(window), null);
        var answers = queries.Select(q => evaluator.Evaluate(Kstack.Sim.Metrics.PromQuery.Parse(q), [SkillTester.Now.ToUnixTimeSeconds()])
            .ToDictionary(r => (r.Labels["namespace"], r.Labels["pod"], r.Labels["container"]), r => r.Values[0])).ToList();
        var rows = answers[0].Select(kv => new UsageRow(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value, answers[1][kv.Key], (int)answers[2][kv.Key])).ToList();
        return new CostUsage("prometheus", $"{prom.Namespace}/{prom.Service}:{prom.Port}", "7d", "5m", queries, [], rows);
    }

    /// <summary>The analysis of these objects (slices derived from them); lists in <paramref name="forbidden"/> answer 403.</summary>
    public static async Task<CostResult> AnalyseAsync(IReadOnlyList<JsonObject> objects, string? scope = null, CostUsage? usage = null, params ListSpec[] forbidden)
    {
        List<JsonObject> Of(string apiVersion, string kind) => objects.Where(o => (string?)o["apiVersion"] == apiVersion && (string?)o["kind"] == kind).ToList();
        var all = objects.ToList();
        all.AddRange(EndpointSlices.Derive(Of("v1", "Service"), Of("v1", "Pod"), Of("discovery.k8s.io/v1", "EndpointSlice")));
        var dir = Directory.CreateTempSubdirectory("kstack-cost-").FullName;
        try
        {
            var results = new Dictionary<string, Read<Snapshot>>(StringComparer.Ordinal);
            foreach (var spec in CostLists.All)
            {
                var path = Path.Combine(dir, spec.File);
                if (forbidden.Contains(spec))
                {
                    results[spec.File] = Read<Snapshot>.Missing(new NotReadable(ReadOutcome.Forbidden, ApiAction.List(spec.Noun), 403));
                    continue;
                }
                if (spec == ListSpec.Version) File.WriteAllText(path, """{"gitVersion":"v1.33.1","platform":"linux/amd64"}""");
                else
                {
                    var items = all.Where(o => (string?)o["kind"] == spec.ItemKind && (string?)o["apiVersion"] == spec.ItemApiVersion)
                        .Where(o => scope is null || (string?)o["metadata"]!["namespace"] == scope || spec.NamespacedPath is null)
                        .Select(o => spec.MetadataOnly ? new JsonObject { ["apiVersion"] = o["apiVersion"]!.DeepClone(), ["kind"] = o["kind"]!.DeepClone(), ["metadata"] = o["metadata"]!.DeepClone() } : o)
                        .Select(o => o.ToJsonString());
                    File.WriteAllText(path, $$"""{"apiVersion":"v1","kind":"List","metadata":{},"items":[{{string.Join(",", items)}}]}""");
                }
                results[spec.File] = Read<Snapshot>.Success(new Snapshot(spec, path, DateTime.UtcNow, FromCache: false));
            }
            return await AuditCostCommand.AnalyseAsync(results, SkillTester.Now, scope, CancellationToken.None, usage);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    public static string Subject(Kstack.Audit.Finding f) => $"{f.Subject.Kind}/{f.Subject.Namespace}/{f.Subject.Name}";

    /// <summary>The scenario's objects, changed.</summary>
    public static List<JsonObject> With(Action<List<JsonObject>> change)
    {
        var objects = Objects().Select(o => (JsonObject)o.DeepClone()).ToList();
        change(objects);
        return objects;
    }

    public static JsonObject Find(List<JsonObject> objects, string kind, string? ns, string name) =>
        objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["namespace"] == ns && (string?)o["metadata"]!["name"] == name);
}
