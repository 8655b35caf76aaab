using System.Globalization;
using System.Text.RegularExpressions;

namespace Kstack.Sim.Scenarios;

/// <summary>Relative timestamps in scenario files: <c>now</c>, <c>now-5m</c>, <c>now-1d2h</c> (units s, m, h, d).</summary>
internal static partial class RelativeTime
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

    /// <summary>RFC 3339 in UTC with whole seconds, as the API server writes metav1.Time.</summary>
    public static string Format(DateTimeOffset t) => string.Create(20, t.UtcDateTime, static (c, d) =>
    {
        static void Two(Span<char> s, int at, int v) { s[at] = (char)('0' + v / 10); s[at + 1] = (char)('0' + v % 10); }
        Two(c, 0, d.Year / 100);
        Two(c, 2, d.Year % 100);
        c[4] = '-';
        Two(c, 5, d.Month);
        c[7] = '-';
        Two(c, 8, d.Day);
        c[10] = 'T';
        Two(c, 11, d.Hour);
        c[13] = ':';
        Two(c, 14, d.Minute);
        c[16] = ':';
        Two(c, 17, d.Second);
        c[19] = 'Z';
    });

    public static string FormatMicro(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^now(?:([+-])(\d+[smhd])+)?$")]
    private static partial Regex Rel();
}
