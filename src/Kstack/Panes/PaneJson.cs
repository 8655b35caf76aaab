using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Kstack.Panes;

/// <summary>
/// What every saved plan carries (<see cref="PlanStore"/> stamps it): its id, the context and target it is bound to, when
/// it was made and expires, and the skill whose --confirm carries it out.
/// </summary>
internal abstract record StoredPlan
{
    public string Id { get; init; } = "";
    public string Context { get; init; } = "";
    public string Target { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Expires { get; init; }
    public abstract string Skill { get; }
}

/// <summary>
/// An /exec plan as saved under state/plans/ until the user confirms it: what the confirmation will run, in which pane,
/// for which context and target. Mode "pod" and "debug" name the container; "node" carries the node-shell pod spec.
/// </summary>
internal sealed record ExecPlan : StoredPlan
{
    public override string Skill => "exec";
    public required PaneTrust Trust { get; init; }
    public required string Mode { get; init; }
    public required string Namespace { get; init; }
    public required string Pod { get; init; }
    public required string Session { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public string? Container { get; init; }
    public string? DebugContainer { get; init; }
    public string? Node { get; init; }
    public string? Posture { get; init; }
    public JsonObject? PodSpec { get; init; }
}

/// <summary>agent_context of a started pane (the handle, what the agent may do) and of /exec's plan and /logs' pane.</summary>
internal sealed record PaneAgentContext(
    string Session, PaneTrust Trust, bool PaneRead, bool PaneSend, string? Mode = null, string? Namespace = null, int? Pods = null);

/// <summary>agent_context of an /exec plan: its id, when it expires and the mode it opens.</summary>
internal sealed record ExecPlanAgentContext(string PlanId, DateTimeOffset Expires, string Mode);

/// <summary>agent_context of `pane list`.</summary>
internal sealed record PaneListAgentContext(IReadOnlyList<PaneListEntry> Sessions);

internal sealed record PaneListEntry(string Session, string Mode, string Context, PaneTrust Trust, bool PaneRead);

/// <summary>agent_context of `pane read`.</summary>
internal sealed record PaneReadAgentContext(string Session, int Lines, int MaxLines);

/// <summary>The pane record file (camelCase, as written since panes began) and exec plans (snake_case, like agent_context).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PaneRecord))]
internal sealed partial class PaneJson : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecPlan))]
[JsonSerializable(typeof(PaneAgentContext))]
[JsonSerializable(typeof(ExecPlanAgentContext))]
[JsonSerializable(typeof(PaneListAgentContext))]
[JsonSerializable(typeof(PaneReadAgentContext))]
internal sealed partial class PaneStateJson : JsonSerializerContext;
