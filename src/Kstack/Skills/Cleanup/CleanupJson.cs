using System.Text.Json.Serialization;
using Kstack.Panes;

namespace Kstack.Skills.Cleanup;

/// <summary>One planned delete: the object by kind, place, name and the exact UID and resourceVersion the plan saw.</summary>
internal sealed record PlannedDelete(string Kind, string? Namespace, string Name, string Uid, string ResourceVersion, string? Session, string? Skill);

/// <summary>A /cleanup plan as saved under state/plans/ until the user confirms it.</summary>
internal sealed record CleanupPlan : StoredPlan
{
    public override string Skill => "cleanup";
    public required IReadOnlyList<PlannedDelete> Items { get; init; }
}

/// <summary>agent_context of a plan: its id, expiry and size; of an empty answer: nothing_to_do.</summary>
internal sealed record CleanupPlanAgentContext(string? PlanId, DateTimeOffset? Expires, int Objects, int Suspicious, int DebugPods, bool NothingToDo);

/// <summary>agent_context after a confirmed plan: the count per outcome and the panes stopped.</summary>
internal sealed record CleanupDoneAgentContext(string PlanId, IReadOnlyDictionary<string, int> Outcomes, IReadOnlyList<string> PanesStopped);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CleanupPlan))]
[JsonSerializable(typeof(CleanupPlanAgentContext))]
[JsonSerializable(typeof(CleanupDoneAgentContext))]
internal sealed partial class CleanupStateJson : JsonSerializerContext;

/// <summary>meta/v1 DeleteOptions with the preconditions each planned delete carries.</summary>
internal sealed record DeleteOptions(string ApiVersion, string Kind, DeletePreconditions Preconditions);

internal sealed record DeletePreconditions(string Uid, string ResourceVersion);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeleteOptions))]
internal sealed partial class CleanupApiJson : JsonSerializerContext;
