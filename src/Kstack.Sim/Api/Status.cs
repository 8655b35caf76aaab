using System.Text.Json;

namespace Kstack.Sim.Api;

/// <summary>A meta/v1 Status failure, as the real API server returns it.</summary>
internal sealed record StatusError(int Code, string Reason, string Message, string? Name = null, string? Group = null, string? Kind = null, int? RetryAfterSeconds = null)
{
    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("status", "Failure");
        w.WriteString("message", Message);
        w.WriteString("reason", Reason);
        if (Name != null || Kind != null || Group != null || RetryAfterSeconds != null)
        {
            w.WriteStartObject("details");
            if (Name != null) w.WriteString("name", Name);
            if (Group != null) w.WriteString("group", Group);
            if (Kind != null) w.WriteString("kind", Kind);
            if (RetryAfterSeconds != null) w.WriteNumber("retryAfterSeconds", RetryAfterSeconds.Value);
            w.WriteEndObject();
        }
        w.WriteNumber("code", Code);
        w.WriteEndObject();
    }

    public static StatusError NotFound(string resource, string? group, string name) =>
        new(404, "NotFound", $"{GroupResource(resource, group)} \"{name}\" not found", name, NullIfEmpty(group), resource);

    public static StatusError AlreadyExists(string resource, string? group, string name) =>
        new(409, "AlreadyExists", $"{GroupResource(resource, group)} \"{name}\" already exists", name, NullIfEmpty(group), resource);

    public static StatusError BadRequest(string message) => new(400, "BadRequest", message);

    public static StatusError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static StatusError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static StatusError NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    public static string GroupResource(string resource, string? group) => string.IsNullOrEmpty(group) ? resource : resource + "." + group;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest", 401 => "Unauthorized", 403 => "Forbidden", 404 => "NotFound", 405 => "MethodNotAllowed", 406 => "NotAcceptable",
        409 => "Conflict", 410 => "Expired", 422 => "Invalid", 429 => "TooManyRequests", 500 => "InternalError", 503 => "ServiceUnavailable",
        504 => "Timeout", _ => "Unknown",
    };
}
