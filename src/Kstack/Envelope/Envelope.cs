namespace Kstack.Envelope;

internal enum Render { Verbatim, Agent }

internal enum ErrorKind { User, Infra }

/// <summary>The protocol-"1" response envelope. Exactly one is written per invocation.</summary>
internal sealed record Envelope
{
    public const string Protocol = "1";

    public bool Ok { get; private init; }
    public Render Render { get; private init; }
    public string Content { get; private init; } = "";
    public string? AgentContext { get; private init; }
    public ErrorKind Kind { get; private init; }
    public string Message { get; private init; } = "";
    public string? KubeContext { get; init; }
    public string? Notice { get; init; }

    public static Envelope Verbatim(string content, string? agentContext = null) =>
        new() { Ok = true, Render = Render.Verbatim, Content = content, AgentContext = agentContext };

    public static Envelope Agent(string content, string? agentContext = null) =>
        new() { Ok = true, Render = Render.Agent, Content = content, AgentContext = agentContext };

    /// <summary>The same answer with other content (a bounded rewrite of it).</summary>
    public Envelope WithContent(string content) => this with { Content = content };

    public static Envelope UserError(string message) => new() { Ok = false, Kind = ErrorKind.User, Message = message };

    public static Envelope InfraError(string message) => new() { Ok = false, Kind = ErrorKind.Infra, Message = message };
}

/// <summary>An expected failure that becomes a typed error envelope.</summary>
internal sealed class KstackException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public static KstackException User(string message) => new(ErrorKind.User, message);
    public static KstackException Infra(string message) => new(ErrorKind.Infra, message);

    public Envelope ToEnvelope() => Kind == ErrorKind.User ? Envelope.UserError(Message) : Envelope.InfraError(Message);
}
