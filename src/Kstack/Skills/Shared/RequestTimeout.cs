using System.CommandLine;
using Kstack.Cache;

namespace Kstack.Skills.Shared;

/// <summary>--timeout: how long one API request may take (default 20s).</summary>
public static class RequestTimeout
{
    public const string Default = "20s";

    public static Option<string?> Option() => new("--timeout") { Description = "Per-request API timeout (default 20s)" };

    public static TimeSpan Parse(string? text)
    {
        var value = Duration.Parse("--timeout", text ?? Default);
        return value <= TimeSpan.Zero ? throw Envelope.KstackException.User("Flag --timeout must be greater than 0s.") : value;
    }
}
