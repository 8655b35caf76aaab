using System.Globalization;
using System.Text.RegularExpressions;

namespace Kstack.Sim.Scenarios;

/// <summary>Relative timestamps in scenario files: <c>now</c>, <c>now-5m</c>, <c>now-1d2h</c> (units s, m, h, d).</summary>
public static partial class RelativeTime
{
    public static bool TryParse(string s, DateTimeOffset now, out DateTimeOffset t)
    {
        t = default;
        var m = Rel().Match(s);
        if (!m.Success) return false;
        var offset = TimeSpan.Zero;
        foreach (Capture c in m.Groups[2].Captures)
        {
            var n = long.Parse(c.Value[..^1], CultureInfo.InvariantCulture);
            offset += c.Value[^1] switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
        }
        t = m.Groups[1].Value == "+" ? now + offset : now - offset;
        return true;
    }

    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string FormatMicro(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^now(?:([+-])(\d+[smhd])+)?$")]
    private static partial Regex Rel();
}
