using System.Text.Json.Serialization;

namespace Kstack.Skills.ClusterStatus;

/// <summary>The --json document of /cluster-status (shape documented in skills/cluster-status/SKILL.md.tmpl).</summary>
internal sealed record ClusterStatusDocument(
    string Context, string KubernetesVersion, string Platform, string? Namespace,
    NodeSummary? Nodes, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NodesUnreadable,
    PodSummary? Pods, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PodsUnreadable,
    int IssuesTotal, IReadOnlyList<IssueDocument> Issues, string CacheDir, bool FromCache);

/// <summary>One issue in the --json document: the hit's data plus the rendered reason and times in seconds.</summary>
internal sealed record IssueDocument(
    string Check, string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Namespace,
    string Name, string Reason, int Restarts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? AgeSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Owner,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    string Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Observed,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? StateSeconds);

/// <summary>Source-generated serialisation for the report cache (exact round trip) and the --json document.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ClusterStatusReport))]
[JsonSerializable(typeof(ClusterStatusDocument))]
internal sealed partial class ClusterStatusJson : JsonSerializerContext;
