using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Redaction;

namespace Kstack.Skills.Investigate;

/// <summary>A log excerpt: the lines kept, and the last line that carries a failure marker.</summary>
internal sealed record NarrowedLog(int TotalLines, IReadOnlyList<string> Lines, string? MarkerLine, bool Narrowed);

/// <summary>
/// Keeps the lines around failure markers (panic, fatal, Error, Exception, Traceback, OOM, failed) plus the tail of the
/// log, at most <see cref="MaxLines"/>, nearest the end winning. Everything is redacted and cleaned first.
/// </summary>
internal static partial class LogNarrower
{
    public const int MaxLines = 40;
    public const int MaxLineChars = 2000;
    private const int Before = 2, After = 3, Tail = 5;

    public static NarrowedLog Narrow(string text)
    {
        var clean = Redactor.Redact(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        var lines = clean.Split('\n').Select(l => TerminalText.Clean(Cap(l.Replace('\r', ' ')))).ToList();
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        var markers = Enumerable.Range(0, lines.Count).Where(i => IsMarker(lines[i])).ToList();
        var keep = new SortedSet<int>();
        foreach (var i in markers)
            for (var j = Math.Max(0, i - Before); j <= Math.Min(lines.Count - 1, i + After); j++) keep.Add(j);
        for (var j = Math.Max(0, lines.Count - Tail); j < lines.Count; j++) keep.Add(j);
        var kept = keep.Where(i => lines[i].Trim().Length > 0).TakeLast(MaxLines).Select(i => lines[i]).ToList();
        var marker = markers.Count > 0 ? lines[markers[^1]] : null;
        return new NarrowedLog(lines.Count, kept, marker, kept.Count < lines.Count);
    }

    public static bool IsMarker(string line) => Marker().IsMatch(line);

    /// <summary>The last marker line that speaks of memory exhaustion, if any.</summary>
    public static string? OomLine(NarrowedLog log) => log.Lines.LastOrDefault(l => Oom().IsMatch(l));

    private static string Cap(string line) => line.Length <= MaxLineChars ? line : line[..MaxLineChars] + "…";

    [GeneratedRegex(@"panic|fatal|error|exception|traceback|\boom|outofmemory|out of memory|failed|failure|segfault|sigsegv", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"OutOfMemory|\bOOM|out of memory|memory limit|heap space|Killed process", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Oom();
}
