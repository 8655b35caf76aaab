using System.Text.Json.Serialization;

namespace Kstack.Skills.Alerts;

/// <summary>agent_context of /alerts: the source and target, where the full lists are, and the counts.</summary>
internal sealed record AlertsAgentContext(
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Matched,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CacheDir,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AlertsFile,
    string SourcesState,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AlertsTotal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AlertsRead,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Firing,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Investigate);

/// <summary>agent_context keys are snake_case, as in every skill's agent_context; the sources state file likewise.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AlertsAgentContext))]
[JsonSerializable(typeof(AlertSources))]
internal sealed partial class AlertsAgentJson : JsonSerializerContext;
