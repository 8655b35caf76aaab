using System.Text.Json.Serialization;

namespace Kstack.Skills.Metrics;

/// <summary>
/// The --json document of /metrics (shape documented in skills/metrics/SKILL.md.tmpl): cores and bytes as numbers rounded
/// to 6 places, the window in seconds, the rows already ranked; unknown values are null.
/// </summary>
internal sealed record MetricsDocument(
    string Context, MetricsTargetDocument Target, string Source, string? Prometheus, bool PointInTime, long? WindowSeconds, long? StepSeconds,
    string Percentiles, string By, string RowKind, int RowsTotal, UsageDocument? Total,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PerPodDocument? PerPod,
    IReadOnlyList<RowDocument> Rows, IReadOnlyList<string> Notes);

internal sealed record MetricsTargetDocument(string Kind, string? Namespace, string? Name, int Pods);

/// <summary>The whole target's usage.</summary>
internal sealed record UsageDocument(StatsDocument? Cpu, StatsDocument? Memory);

/// <summary>One ranked pod or node.</summary>
internal sealed record RowDocument(string Namespace, string Name, string? Workload, StatsDocument? Cpu, StatsDocument? Memory);

internal sealed record StatsDocument(double P50, double P95, double Max, int Samples, string Trend);

internal sealed record PerPodDocument(double? RequestCpuCores, double? RequestMemoryBytes, double? LimitCpuCores, double? LimitMemoryBytes, bool Uniform);

/// <summary>--json when no metrics source is available.</summary>
internal sealed record NoSourceDocument(
    string Context, string Source, bool MetricsServer, string? Prometheus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PrometheusNote, string Install);

/// <summary>agent_context of /metrics: where the lists and the detected sources are, the queries run, the row count.</summary>
internal sealed record MetricsAgentContext(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CacheDir, string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prometheus, string SourcesState,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Files,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Queries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RowsTotal);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MetricsDocument))]
[JsonSerializable(typeof(NoSourceDocument))]
internal sealed partial class MetricsJson : JsonSerializerContext;

/// <summary>agent_context keys are snake_case, as in every skill's agent_context.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MetricsAgentContext))]
internal sealed partial class MetricsAgentJson : JsonSerializerContext;
