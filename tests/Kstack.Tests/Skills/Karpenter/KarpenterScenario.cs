using System.Text.Json.Nodes;
using Kstack.Audit;
using Kstack.Kube;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Kstack.Skills.Karpenter;
using Kstack.Tests.Support;
using Snapshot = Kstack.Kube.Snapshot;

namespace Kstack.Tests.Skills.Karpenter;

/// <summary>The `karpenter` scenario's objects, analysed in-process through the skill's own analysis.</summary>
internal static class KarpenterScenario
{
    public static List<JsonObject> Objects()
    {
        var data = ScenarioLoader.Load([ScenarioSource.Resolve("karpenter")], new ResourceRegistry(), SkillTester.Now);
        return data.Objects.Select(o => o.Obj).ToList();
    }

    /// <summary>The raw analysis of these objects; lists in <paramref name="forbidden"/> answer 403, in <paramref name="absent"/> 404.</summary>
    public static async Task<RawAnalysis> AnalyseAsync(IReadOnlyList<JsonObject> objects, string? scope = null, ListSpec[]? forbidden = null, ListSpec[]? absent = null)
    {
        var dir = Directory.CreateTempSubdirectory("kstack-karpenter-").FullName;
        try
        {
            var results = new Dictionary<string, Read<Snapshot>>(StringComparer.Ordinal);
            foreach (var spec in KarpenterLists.All)
            {
                var path = Path.Combine(dir, spec.File);
                if (forbidden?.Contains(spec) == true || absent?.Contains(spec) == true)
                {
                    var outcome = forbidden?.Contains(spec) == true ? ReadOutcome.Forbidden : ReadOutcome.NotFound;
                    results[spec.File] = Read<Snapshot>.Missing(new NotReadable(outcome, ApiAction.List(spec.Noun), outcome == ReadOutcome.Forbidden ? 403 : 404));
                    continue;
                }
                if (spec == ListSpec.Version) File.WriteAllText(path, """{"gitVersion":"v1.33.1","platform":"linux/amd64"}""");
                else
                {
                    // Core v1 Events stand in for events.k8s.io (the analysis reads both shapes).
                    var apiVersion = spec == ListSpec.Events ? "v1" : spec.ItemApiVersion;
                    var items = objects.Where(o => (string?)o["kind"] == spec.ItemKind && (string?)o["apiVersion"] == apiVersion)
                        .Where(o => scope is null || spec.NamespacedPath is null || (string?)o["metadata"]!["namespace"] == scope)
                        .Select(o => spec.MetadataOnly ? new JsonObject { ["apiVersion"] = o["apiVersion"]!.DeepClone(), ["kind"] = o["kind"]!.DeepClone(), ["metadata"] = o["metadata"]!.DeepClone() } : o)
                        .Select(o => o.ToJsonString());
                    File.WriteAllText(path, $$"""{"apiVersion":"v1","kind":"List","metadata":{},"items":[{{string.Join(",", items)}}]}""");
                }
                results[spec.File] = Read<Snapshot>.Success(new Snapshot(spec, path, DateTime.UtcNow, FromCache: false));
            }
            return await KarpenterCommand.AnalyseAsync(results, SkillTester.Now, scope, CancellationToken.None);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    public static string Subject(Finding f) => $"{f.Subject.Kind}/{f.Subject.Namespace}/{f.Subject.Name}";

    public static List<JsonObject> With(Action<List<JsonObject>> change)
    {
        var objects = Objects().Select(o => (JsonObject)o.DeepClone()).ToList();
        change(objects);
        return objects;
    }

    public static JsonObject Find(List<JsonObject> objects, string kind, string? ns, string name) =>
        objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["namespace"] == ns && (string?)o["metadata"]!["name"] == name);
}
