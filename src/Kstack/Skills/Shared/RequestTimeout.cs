using Kstack.Commands;

namespace Kstack.Skills.Shared;

/// <summary>--timeout: how long one API request may take (default 20s, at most 1d: timers cannot wait past ~49.7 days).</summary>
internal static class RequestTimeout
{
    public const string Default = "20s";

    public static readonly DurationFlag Flag = new("--timeout", "Per-API-request timeout") { Default = Default, Maximum = TimeSpan.FromDays(1) };

    public static TimeSpan Parse(string? text)
    {
        var value = Flag.Parse(text ?? Default);
        return value <= TimeSpan.Zero ? throw Envelope.KstackException.User("Flag --timeout must be greater than 0s.") : value;
    }
}
