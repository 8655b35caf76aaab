using Kstack.Envelope;

namespace Kstack.Kube;

internal enum ReadOutcome { Ok, Forbidden, NotFound, Rejected, Failed }

/// <summary>What one request reads, in RBAC terms: "list pods in namespace shop".</summary>
internal sealed record ApiAction(string Verb, string Resource, string? Namespace = null)
{
    public static ApiAction Get(string resource, string? ns = null) => new("get", resource, ns);
    public static ApiAction List(string resource, string? ns = null) => new("list", resource, ns);

    public string Scope => Namespace is null ? "at the cluster scope" : $"in namespace {Namespace}";

    public override string ToString() => $"{Verb} {Resource}";
}

/// <summary>
/// Why something could not be read, kept as data (action, HTTP status, the server's message) until a renderer words it.
/// </summary>
internal sealed record NotReadable(ReadOutcome Outcome, ApiAction Action, int? HttpStatus = null, string? Detail = null)
{
    /// <summary>The short reason shown to users: "RBAC denies list nodes", "the API server does not serve pods.metrics.k8s.io".</summary>
    public string Reason => Outcome switch
    {
        ReadOutcome.Forbidden => $"RBAC denies {Action}",
        ReadOutcome.NotFound when Action.Verb == "list" => $"the API server does not serve {Action.Resource}",
        ReadOutcome.NotFound => "not found",
        ReadOutcome.Rejected => $"the API server rejected {Action} (HTTP {HttpStatus}{(string.IsNullOrEmpty(Detail) ? "" : ": " + Kubeconfig.FirstLine(Detail))})",
        _ => Kubeconfig.FirstLine(Detail ?? "request failed"),
    };

    /// <summary>The reason with the scope named: "RBAC denies get secrets in namespace shop".</summary>
    public string ScopedReason => Outcome == ReadOutcome.Forbidden ? $"{Reason} {Action.Scope}" : Reason;
}

/// <summary>The one outcome of every read: a value, a reason it is missing, or both (a stale cache file after a denied refresh).</summary>
internal sealed record Read<T>(T? Value, NotReadable? Problem)
{
    public bool Ok => Problem is null;
    public bool HasValue => Value is not null;
    public ReadOutcome Outcome => Problem?.Outcome ?? ReadOutcome.Ok;

    public static Read<T> Success(T value) => new(value, null);
    public static Read<T> Missing(NotReadable problem) => new(default, problem);

    public Read<TOther> Map<TOther>(Func<T, TOther> map) => new(Value is null ? default : map(Value), Problem);

    /// <summary>The value, or a typed error for callers that cannot do without it (404 → null when allowed).</summary>
    public T? OrThrow(string context, bool notFoundIsNull = false)
    {
        if (Problem is null) return Value;
        if (Problem.Outcome == ReadOutcome.NotFound && notFoundIsNull) return default;
        throw Problem.Outcome switch
        {
            ReadOutcome.Forbidden => KstackException.User($"RBAC denies {Problem.Action} {Problem.Action.Scope} in context `{context}`"
                                                          + (string.IsNullOrEmpty(Problem.Detail) ? "." : $": {TerminalText.Clean(Kubeconfig.FirstLine(Problem.Detail))}")),
            ReadOutcome.NotFound or ReadOutcome.Rejected => KstackException.User($"Unable to {Problem.Action} {Problem.Action.Scope} in context `{context}`: {TerminalText.Clean(Problem.Reason)}."),
            _ => KstackException.Infra($"Unable to {Problem.Action} for context `{context}` ({TerminalText.Clean(Problem.Reason)})."),
        };
    }
}
