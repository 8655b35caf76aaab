namespace Kstack.Envelope;

/// <summary>
/// Frames cluster-derived text as data inside content: credentials redacted, one line, length-capped, in double quotes,
/// with embedded quotes and backslashes escaped so the frame cannot be closed from inside.
/// </summary>
internal static class DataText
{
    public const int DefaultMax = 80;

    public static string Quote(string? value, int max = DefaultMax) => "\"" + Inline(value, max) + "\"";

    /// <summary>The quoted text in at most <paramref name="room"/> columns (quotes and escapes count too), cut with … to fit.</summary>
    public static string QuoteFitting(string? value, int room)
    {
        var max = room - 2;
        var quoted = Quote(value, max);
        while (quoted.Length > room && max > 1) quoted = Quote(value, --max);
        return quoted;
    }

    /// <summary>
    /// Single-line, capped, cleaned text for use in a table cell (names, reasons). The cap counts UTF-16 units of the
    /// unescaped text and never splits a surrogate pair; a cut is marked with '…'.
    /// </summary>
    public static string Inline(string? value, int max = DefaultMax)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = OneLine(Redaction.Redactor.Redact(TerminalText.Clean(value)));
        var cut = text.Length > max;
        if (cut)
        {
            var n = Math.Max(max, 0);
            if (n > 0 && char.IsHighSurrogate(text[n - 1])) n--;
            text = text[..n].TrimEnd(' ');
        }
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        if (cut) sb.Append('…');
        return sb.ToString();
    }

    /// <summary>
    /// Cluster text for a JSON value: cleaned, redacted, one line and capped like <see cref="Inline"/>, but without the
    /// text-mode escaping of quotes and backslashes (the JSON encoder frames the value).
    /// </summary>
    public static string Plain(string? value, int max = DefaultMax)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = OneLine(Redaction.Redactor.Redact(TerminalText.Clean(value)));
        if (text.Length <= max) return text;
        var n = Math.Max(max, 0);
        if (n > 0 && char.IsHighSurrogate(text[n - 1])) n--;
        return text[..n].TrimEnd(' ') + "…";
    }

    /// <summary>Pads or cuts to a column width (cut first, then pad), measured in UTF-16 units; never splits a surrogate pair.</summary>
    public static string Cell(string value, int width)
    {
        if (value.Length <= width) return value.PadRight(width);
        var n = width;
        if (n > 0 && char.IsHighSurrogate(value[n - 1])) n--;
        return value[..n].PadRight(width);
    }

    /// <summary>Line breaks (including U+2028/U+2029) and tabs become one space; runs of spaces collapse; ends are trimmed.</summary>
    private static string OneLine(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var ch in text)
        {
            var c = ch is '\n' or '\t' or '\u2028' or '\u2029' ? ' ' : ch;
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }

    /// <summary>
    /// A token-like field (reason, kind, name): printed bare when it looks like one (letters, digits, . _ : / -),
    /// otherwise quoted like any other cluster text, so an abnormal value can never pass for table structure.
    /// </summary>
    public static string Token(string? value, int max = DefaultMax)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value.Length <= max && IsTokenLike(value)) return value;
        return Quote(value, max);
    }

    /// <summary>A fixed-width table column for a token-like field; an abnormal value is quoted whole and may overflow.</summary>
    public static string Column(string? value, int width)
    {
        value ??= "";
        if (IsTokenLike(value)) return Cell(value, width);
        var quoted = Quote(value, Math.Max(1, width - 3));
        return quoted.Length >= width ? quoted : quoted.PadRight(width);
    }

    private static bool IsTokenLike(string value)
    {
        foreach (var c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '/' or '-')) return false;
        return true;
    }
}
