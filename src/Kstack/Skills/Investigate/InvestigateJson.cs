using System.Text.Json.Serialization;

namespace Kstack.Skills.Investigate;

// The documents of /investigate: the bundle file (schema investigate/1), the bounded --json summary and agent_context.
// Every cluster string in them is already redacted and cleaned (BundleDocuments.S); absent optional fields are omitted.

internal sealed record BundleDocument(
    string Schema, string Context, string GeneratedAt, string Bundle, TargetDocument Target, string Chain,
    IReadOnlyList<ObjectDocument> Owners, IReadOnlyList<ObjectDocument> Intermediates, ObjectDocument? Workload,
    int PodsTotal, IReadOnlyList<PodDocument> Pods, IReadOnlyList<EventDocument> Events, IReadOnlyList<LogDocument> Logs,
    IReadOnlyList<ServiceDocument> Services, IReadOnlyList<ReferenceDocument> References, IReadOnlyList<NodeDocument> Nodes,
    IReadOnlyList<FindingDocument> Findings, IReadOnlyList<UnreadableDocument> Unreadable);

/// <summary>The target; the uid is in the bundle only.</summary>
internal sealed record TargetDocument(string Kind, string Namespace, string Name, string? Uid, string Status);

internal sealed record ObjectDocument(string Kind, string Name, string Uid, bool Readable, string Status, IReadOnlyList<ConditionDocument> Conditions);

internal sealed record ConditionDocument(string Type, string Status, string? Reason, string? Message, string? Since);

internal sealed record PodDocument(
    string Name, string Uid, string Phase, string? Reason, string? Message, string? Node, string? Created, bool Ready, int Restarts,
    string? Owner, string ServiceAccount, IReadOnlyDictionary<string, string> Requests, IReadOnlyList<ConditionDocument> Conditions,
    IReadOnlyList<ContainerDocument> Containers);

internal sealed record ContainerDocument(
    string Name, bool Init, string Image, bool Ready, int Restarts, string State, string? Reason, string? Message, string? Since,
    TerminationDocument? Terminated, TerminationDocument? LastTerminated,
    IReadOnlyDictionary<string, string> Limits, IReadOnlyDictionary<string, string> Requests);

/// <summary>A termination; meaning explains the exit code in words.</summary>
internal sealed record TerminationDocument(string? Reason, int? ExitCode, string? Meaning, int? Signal, string? StartedAt, string? FinishedAt, string? Message);

internal sealed record EventDocument(string Type, string Reason, string Kind, string Name, string? Uid, long Count, string? First, string? Last, string Message);

/// <summary>One log read: the narrowed lines when it was read, else the error.</summary>
internal sealed record LogDocument(
    string Pod, string Container, bool Previous, string? Error, int? TailLines, int? LinesRead, bool? Narrowed, string? MarkerLine,
    IReadOnlyList<string>? Lines);

/// <summary>A Service selecting the pods; source and error are in the bundle only.</summary>
internal sealed record ServiceDocument(string Name, int Ready, int NotReady, string? Source, string? Error);

/// <summary>A referenced object; read is "metadata-only" for kinds whose data kstack never requests.</summary>
internal sealed record ReferenceDocument(string Kind, string Name, string Status, string? Detail, string Usage, bool Optional, string? Read);

internal sealed record NodeDocument(
    string Name, string Ready, string? ReadyReason, string? ReadyMessage, IReadOnlyList<string> Pressures, string? PressureMessage, bool Unschedulable);

internal sealed record FindingDocument(string Id, string Subject, string Summary, IReadOnlyList<string> Evidence);

internal sealed record UnreadableDocument(string Part, string Reason);

/// <summary>The --json summary: the bundle's headline parts, bounded to <see cref="InvestigateRenderer.MaxContent"/>.</summary>
internal sealed record SummaryDocument(
    string Context, TargetDocument Target, string Chain, int FindingsTotal, IReadOnlyList<FindingDocument> Findings,
    int PodsTotal, IReadOnlyList<SummaryPodDocument> Pods, IReadOnlyList<ServiceDocument> Services, int Events, int WarningEvents,
    IReadOnlyList<UnreadableDocument> Unreadable, string Bundle);

internal sealed record SummaryPodDocument(string Name, string Phase, bool Ready, int Restarts, string Node, IReadOnlyList<SummaryContainerDocument> Containers);

internal sealed record SummaryContainerDocument(string Name, string State, string? Reason, int Restarts, int? ExitCode, string? ExitMeaning);

/// <summary>agent_context of /investigate: paths, the target, finding IDs, unreadable parts and counts.</summary>
internal sealed record InvestigateAgentContext(
    string Bundle, string CacheDir, string BundleSchema, AgentTarget Target, IReadOnlyList<string> Findings, IReadOnlyList<string> Unreadable,
    AgentCounts Counts);

internal sealed record AgentTarget(string Kind, string Namespace, string Name);

internal sealed record AgentCounts(int Pods, int Events, int Logs, int References);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BundleDocument))]
[JsonSerializable(typeof(SummaryDocument))]
internal sealed partial class InvestigateJson : JsonSerializerContext;

/// <summary>agent_context keys are snake_case, as in every skill's agent_context.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(InvestigateAgentContext))]
internal sealed partial class InvestigateAgentJson : JsonSerializerContext;
