namespace Kstack.Envelope;

/// <summary>
/// Frames cluster-derived text as data inside content: one line, length-capped, in double quotes,
/// with embedded quotes and backslashes escaped so the frame cannot be closed from inside.
/// </summary>
public static class DataText
{
    public const int DefaultMax = 80;

    public static string Quote(string? value, int max = DefaultMax) => "\"" + Inline(value, max) + "\"";

    /// <summary>Single-line, capped, cleaned text for use in a table cell (names, reasons).</summary>
    public static string Inline(string? value, int max = DefaultMax)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var cleaned = TerminalText.Clean(value);
        var sb = new System.Text.StringBuilder(Math.Min(cleaned.Length, max + 8));
        var count = 0;
        var lastWasSpace = false;
        foreach (var ch in cleaned)
        {
            var c = ch is '\n' or '\t' ? ' ' : ch;
            if (c == ' ' && lastWasSpace) continue;
            lastWasSpace = c == ' ';
            if (count >= max) { sb.Append('…'); break; }
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
            count++;
        }
        return sb.ToString().Trim();
    }

    /// <summary>Pads or cuts to a column width (cut first, then pad), measured in UTF-16 units.</summary>
    public static string Cell(string value, int width) =>
        value.Length > width ? value[..width] : value.PadRight(width);
}
