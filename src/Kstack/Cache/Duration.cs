using System.Globalization;

namespace Kstack.Cache;

/// <summary>Durations written as &lt;int&gt;s|m|h|d (30s, 15m, 2h, 1d).</summary>
internal static class Duration
{
    /// <summary>The longest duration accepted anywhere (flags that feed a timer have a lower bound of their own).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 2) return false;
        var unit = text[^1];
        var digits = text[..^1];
        foreach (var c in digits) if (c is < '0' or > '9') return false;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > (long)Max.TotalSeconds) return false;
        long seconds = unit switch { 's' => n, 'm' => n * 60, 'h' => n * 3600, 'd' => n * 86400, _ => -1 };
        if (seconds < 0 || seconds > (long)Max.TotalSeconds) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static TimeSpan Parse(string flag, string text) =>
        TryParse(text, out var v) ? v
            : throw Envelope.KstackException.User($"Invalid {flag} value {Envelope.ArgumentText.Quote(text)}. Use durations like 30s, 15m, 2h, 1d.");

    /// <summary>Floor to one unit: 59s, 1m, 23h, 3d.</summary>
    public static string Format(TimeSpan span)
    {
        var s = (long)Math.Max(0, Math.Floor(span.TotalSeconds));
        return s switch
        {
            < 60 => $"{s}s",
            < 3600 => $"{s / 60}m",
            < 86400 => $"{s / 3600}h",
            _ => $"{s / 86400}d",
        };
    }
}
