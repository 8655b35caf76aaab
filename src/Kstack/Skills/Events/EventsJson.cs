using System.Text.Json.Serialization;

namespace Kstack.Skills.Events;

/// <summary>The --json document of /events (shape documented in skills/events/SKILL.md.tmpl).</summary>
internal sealed record EventsDocument(
    string Context, string? Namespace, int Events, int WarningGroups, int NotableGroups, int HiddenGroups, long SuppressedNormal,
    IReadOnlyList<EventGroupDocument> Groups);

internal sealed record EventGroupDocument(
    string Category, string Type, string Reason, string Kind, string Namespace, long Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? First,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Last,
    string Message, int ObjectCount, IReadOnlyList<string> Objects,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Owner);

/// <summary>One object an event group names, with its owner chain (the owners file beside the events cache).</summary>
internal sealed record EventOwnerDocument(string Namespace, string Kind, string Name, IReadOnlyList<string> Chain);

/// <summary>Source-generated serialisation for the events report cache (exact round trip), the --json document and the owners file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EventsReport))]
[JsonSerializable(typeof(EventsDocument))]
[JsonSerializable(typeof(List<EventOwnerDocument>))]
internal sealed partial class EventsJson : JsonSerializerContext;

/// <summary>agent_context of /events: the cache files (<see cref="Shared.AgentContext.Cache"/>), the owners file, the events API and counts.</summary>
internal sealed record EventsAgentContext(
    string CacheDir, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Unreadable, IReadOnlyDictionary<string, string>? Stale,
    string OwnersFile, string EventsApi, EventsCounts Counts);

internal sealed record EventsCounts(int Events, int WarningGroups, int NotableGroups, long Suppressed);

/// <summary>agent_context keys are snake_case, as in every skill's agent_context.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventsAgentContext))]
internal sealed partial class EventsAgentJson : JsonSerializerContext;
