namespace Kstack.Kube;

/// <summary>
/// Rewrites lone UTF-16 surrogate escapes (<c>"\ud800"</c> without its pair) in raw JSON to <c>\ufffd</c>, in place and
/// at the same length, so System.Text.Json never refuses a string the API server (or an old cache file) sent.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>
    /// Fixes every complete escape in <paramref name="json"/> and returns how many bytes are settled: a trailing escape
    /// that may still be completed by more input is left for the next call unless <paramref name="final"/>.
    /// </summary>
    public static int ReplaceLoneSurrogates(Span<byte> json, bool final)
    {
        var i = 0;
        while (i < json.Length)
        {
            var slash = json[i..].IndexOf((byte)'\\');
            if (slash < 0) return json.Length;
            i += slash;
            if (i + 1 >= json.Length) return final ? json.Length : i;
            if (json[i + 1] != (byte)'u') { i += 2; continue; }
            if (i + 6 > json.Length) return final ? json.Length : i;
            var unit = Hex4(json.Slice(i + 2, 4));
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                // A high surrogate must be followed by an escaped low surrogate.
                if (i + 12 > json.Length && !final) return i;
                var low = i + 12 <= json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u' ? Hex4(json.Slice(i + 8, 4)) : -1;
                if (low is >= 0xDC00 and <= 0xDFFF) { i += 12; continue; }
                Replace(json.Slice(i + 2, 4));
            }
            else if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                Replace(json.Slice(i + 2, 4));
            }
            i += 6;
        }
        return json.Length;
    }

    private static void Replace(Span<byte> hex) => "fffd"u8.CopyTo(hex);

    private static int Hex4(ReadOnlySpan<byte> s)
    {
        var v = 0;
        foreach (var b in s)
        {
            var d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        return v;
    }
}
