using System.Text;

namespace Kstack.Envelope;

/// <summary>
/// Neutralises text before it reaches a terminal or a model: drops C0/C1 controls (except newline and tab),
/// bidi controls, zero-width characters and Unicode tag characters, and replaces lone surrogates with U+FFFD.
/// Zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E) go too: they hide text boundaries and make
/// look-alike names ("ad​min"); the cost is that an emoji ZWJ sequence shows as its separate emoji.
/// </summary>
internal static class TerminalText
{
    public static string Clean(string text)
    {
        if (IsClean(text)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    var cp = char.ConvertToUtf32(c, text[i + 1]);
                    if (!IsTag(cp)) sb.Append(c).Append(text[i + 1]);
                    i++;
                }
                else sb.Append('\uFFFD');
            }
            else if (char.IsLowSurrogate(c)) sb.Append('\uFFFD');
            else if (!IsDropped(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Only fixes lone surrogates; used for fields that carry structured text (agent_context, kube_context).</summary>
    public static string ReplaceInvalid(string text)
    {
        var ok = true;
        for (var i = 0; i < text.Length && ok; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) ok = false;
        }
        if (ok) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { sb.Append(c).Append(text[++i]); }
            else sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return sb.ToString();
    }

    public static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c < 0x7F) continue;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                if (IsTag(char.ConvertToUtf32(c, text[i + 1]))) return false;
                i++;
                continue;
            }
            if (char.IsLowSurrogate(c) || IsDropped(c)) return false;
        }
        return true;
    }

    private static bool IsDropped(char c) =>
        (c < 0x20 && c != '\n' && c != '\t')
        || (c >= 0x7F && c <= 0x9F)
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200E' || c == '\u200F' || c == '\u061C'
        || (c >= '\u200B' && c <= '\u200D')
        || (c >= '\u2060' && c <= '\u2064')
        || c == '\uFEFF' || c == '\u180E';

    private static bool IsTag(int codePoint) => codePoint >= 0xE0000 && codePoint <= 0xE007F;
}
