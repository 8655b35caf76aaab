using System.Collections.Concurrent;
using Kstack.Envelope;

namespace Kstack.Audit;

/// <summary>
/// Cluster text as the findings file and SARIF write it: terminal-safe and redacted. Memoised, since the same names,
/// namespaces and field paths recur across a hundred thousand findings and each redaction runs a dozen patterns.
/// </summary>
internal static class CleanText
{
    private const int MaxRemembered = 200_000;
    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    public static string Of(string s)
    {
        if (Remembered.TryGetValue(s, out var clean)) return clean;
        clean = Redaction.Redactor.Redact(TerminalText.Clean(s));
        if (Remembered.Count < MaxRemembered) Remembered.TryAdd(s, clean);
        return clean;
    }
}
