using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;

namespace Kstack.Sim.Metrics;

/// <summary>
/// metrics.k8s.io/v1beta1 as metrics-server serves it: NodeMetrics (cluster-scoped) and PodMetrics (namespaced),
/// read-only, built once at start-up from metrics.yaml and, for generated pods, from deterministic plausible usage.
/// </summary>
internal static class MetricsObjects
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    private static readonly string[] Verbs = ["get", "list"];

    /// <summary>Registers the API group; call only when the cluster has a metrics source (else discovery must not list it).</summary>
    public static (ResourceType Nodes, ResourceType Pods) Register(ResourceRegistry registry) =>
        (registry.ByPlural(Group, Version, "nodes") ?? registry.Add(Group, Version, "NodeMetrics", "nodes", false, [], verbs: Verbs),
         registry.ByPlural(Group, Version, "pods") ?? registry.Add(Group, Version, "PodMetrics", "pods", true, [], verbs: Verbs));

    public static bool IsMetricsType(ResourceType t) => t.Group == Group;

    /// <summary>
    /// NodeMetrics and PodMetrics objects. Scenario usage comes first; a generated running pod without an entry gets
    /// usage derived from a hash of its name, and a generated node the sum of its pods plus system overhead.
    /// </summary>
    public static List<(ResourceType, StoredObject)> Build(ResourceRegistry registry, MetricsScenario? scenario,
        IReadOnlyList<(ResourceType Type, StoredObject Obj)> objects, ISet<string> generatedNodes, DateTimeOffset now, Func<long> nextRv)
    {
        var (nodeType, podType) = Register(registry);
        var result = new List<(ResourceType, StoredObject)>();
        var podLabels = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        var nodeLabels = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        var generatedPods = new List<(string Ns, string Name, string Node, List<string> Containers)>();
        foreach (var (type, obj) in objects)
        {
            if (type.Group != "" || type.Kind is not ("Pod" or "Node")) continue;
            // Only labels are copied; pods already covered by metrics.yaml or not on a generated node need nothing more.
            var labels = obj.Labels.Length == 0 ? null : new JsonObject(obj.Labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value)));
            if (type.Kind == "Node") { nodeLabels[obj.Name] = labels; continue; }
            podLabels[obj.Key] = labels;
            if (generatedNodes.Count == 0 || scenario?.Pods.ContainsKey(obj.Key) == true) continue;
            var nodeName = obj.Field("spec.nodeName") ?? "";
            if (obj.Field("status.phase") != "Running" || !generatedNodes.Contains(nodeName)) continue;
            using var doc = JsonDocument.Parse(obj.Json);
            var running = new List<string>();
            if (doc.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("containerStatuses", out var cs) && cs.ValueKind == JsonValueKind.Array)
                foreach (var c in cs.EnumerateArray())
                    if (c.TryGetProperty("state", out var st) && st.TryGetProperty("running", out _) && c.TryGetProperty("name", out var n)) running.Add(n.GetString() ?? "");
            if (running.Count > 0) generatedPods.Add((obj.Namespace, obj.Name, nodeName, running));
        }

        var stamp = RelativeTime.Format(now);
        var nodeUsage = new Dictionary<string, Usage>(StringComparer.Ordinal);
        if (scenario != null)
        {
            foreach (var (name, usage) in scenario.Nodes) nodeUsage[name] = usage;
            foreach (var (key, containers) in scenario.Pods)
            {
                var slash = key.IndexOf('/');
                result.Add((podType, Pod(key[..slash], key[(slash + 1)..], podLabels.GetValueOrDefault(key), containers, stamp, nextRv())));
            }
        }
        foreach (var (ns, name, nodeName, containers) in generatedPods)
        {
            var usage = containers.Select((c, i) => (c, Plausible($"{ns}/{name}/{c}", i == 0))).ToList();
            result.Add((podType, Pod(ns, name, podLabels.GetValueOrDefault(ns + "/" + name), usage, stamp, nextRv())));
            var sum = nodeUsage.GetValueOrDefault(nodeName, new Usage(0.15, 900d * 1024 * 1024));
            nodeUsage[nodeName] = new Usage(sum.Cores + usage.Sum(u => u.Item2.Cores), sum.Bytes + usage.Sum(u => u.Item2.Bytes));
        }
        foreach (var (name, usage) in nodeUsage.OrderBy(n => n.Key, StringComparer.Ordinal))
            result.Add((nodeType, NodeObject(name, nodeLabels.GetValueOrDefault(name), usage, stamp, nextRv())));
        return result;
    }

    /// <summary>Deterministic usage for a generated container: 2–400m CPU, 16–700Mi memory (sidecars are smaller).</summary>
    internal static Usage Plausible(string key, bool main)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var a = BitConverter.ToUInt32(h, 0) / (double)uint.MaxValue;
        var b = BitConverter.ToUInt32(h, 4) / (double)uint.MaxValue;
        var scale = main ? 1.0 : 0.15;
        var millicores = Math.Round(2 + 398 * a * a * scale);
        var mebibytes = Math.Round(16 + 684 * b * scale);
        return new Usage(millicores / 1000, mebibytes * 1024 * 1024);
    }

    private static StoredObject NodeObject(string name, JsonObject? labels, Usage usage, string stamp, long rv)
    {
        var obj = new JsonObject
        {
            ["kind"] = "NodeMetrics", ["apiVersion"] = $"{Group}/{Version}",
            ["metadata"] = Meta(name, null, labels, stamp, rv),
            ["timestamp"] = stamp, ["window"] = "20.05s",
            ["usage"] = UsageObject(usage),
        };
        return StoredObject.FromJson(JsonSerializer.SerializeToUtf8Bytes(obj, ScenarioLoader.JsonOptions), "NodeMetrics");
    }

    private static StoredObject Pod(string ns, string name, JsonObject? labels, IEnumerable<(string Container, Usage Usage)> containers, string stamp, long rv)
    {
        var list = new JsonArray();
        foreach (var (c, u) in containers) list.Add(new JsonObject { ["name"] = c, ["usage"] = UsageObject(u) });
        var obj = new JsonObject
        {
            ["kind"] = "PodMetrics", ["apiVersion"] = $"{Group}/{Version}",
            ["metadata"] = Meta(name, ns, labels, stamp, rv),
            ["timestamp"] = stamp, ["window"] = "15.012s",
            ["containers"] = list,
        };
        return StoredObject.FromJson(JsonSerializer.SerializeToUtf8Bytes(obj, ScenarioLoader.JsonOptions), "PodMetrics");
    }

    private static JsonObject Meta(string name, string? ns, JsonObject? labels, string stamp, long rv)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns != null) meta["namespace"] = ns;
        meta["creationTimestamp"] = stamp;
        meta["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (labels != null) meta["labels"] = labels.DeepClone();
        return meta;
    }

    private static JsonObject UsageObject(Usage u) => new() { ["cpu"] = Quantity.FormatCores(u.Cores), ["memory"] = Quantity.FormatBytes(u.Bytes) };
}
