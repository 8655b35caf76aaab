namespace Kstack.Envelope;

/// <summary>User-typed values echoed in messages: neutralised and capped, so a 1 MB argument never fills an answer.</summary>
internal static class ArgumentText
{
    public const int MaxEcho = 120;

    /// <summary>`value` in backticks, cleaned of control characters and cut to <see cref="MaxEcho"/> characters with "…".</summary>
    public static string Quote(string value) => $"`{Cap(value)}`";

    public static string Cap(string value)
    {
        var clean = TerminalText.Clean(value);
        if (clean.Length <= MaxEcho) return clean;
        var cut = char.IsHighSurrogate(clean[MaxEcho - 1]) ? MaxEcho - 1 : MaxEcho;
        return clean[..cut] + "…";
    }
}
