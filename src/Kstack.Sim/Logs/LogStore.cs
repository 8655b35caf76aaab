using System.Globalization;

namespace Kstack.Sim.Logs;

internal readonly record struct LogLine(DateTimeOffset Time, string Text);

/// <summary>The lines of one container log (current or previous instance); appendable at runtime for follow.</summary>
internal sealed class ContainerLog
{
    private readonly object _lock = new();
    private readonly List<LogLine> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count { get { lock (_lock) return _lines.Count; } }

    public LogLine[] Snapshot() { lock (_lock) return _lines.ToArray(); }

    public LogLine[] From(int index) { lock (_lock) return index >= _lines.Count ? [] : _lines.GetRange(index, _lines.Count - index).ToArray(); }

    /// <summary>A task that completes at the next append.</summary>
    public Task Changed { get { lock (_lock) return _changed.Task; } }

    public void Append(LogLine line)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            _lines.Add(line);
            done = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    public void AppendRange(IEnumerable<LogLine> lines) { foreach (var l in lines) Append(l); }
}

/// <summary>Container logs by namespace, pod, container and instance (current / previous).</summary>
internal sealed class LogStore
{
    private readonly Dictionary<(string Ns, string Pod, string Container, bool Previous), ContainerLog> _logs = new();

    /// <summary>Supplies logs for containers no scenario file covers (used for generated pods); null means "no log".</summary>
    public Func<string, string, string, bool, IReadOnlyList<LogLine>?>? Fallback { get; set; }

    public ContainerLog? Find(string ns, string pod, string container, bool previous)
    {
        lock (_logs)
        {
            if (_logs.TryGetValue((ns, pod, container, previous), out var l)) return l;
            var lines = Fallback?.Invoke(ns, pod, container, previous);
            if (lines == null) return null;
            var log = new ContainerLog();
            log.AppendRange(lines);
            return log;
        }
    }

    public ContainerLog GetOrAdd(string ns, string pod, string container, bool previous)
    {
        lock (_logs)
        {
            if (!_logs.TryGetValue((ns, pod, container, previous), out var l)) _logs[(ns, pod, container, previous)] = l = new ContainerLog();
            return l;
        }
    }

    public void Replace(string ns, string pod, string container, bool previous, IReadOnlyList<LogLine> lines)
    {
        var l = new ContainerLog();
        l.AppendRange(lines);
        lock (_logs) _logs[(ns, pod, container, previous)] = l;
    }

    /// <summary>
    /// Parses a log file. A line may start with an RFC 3339 timestamp or a relative one (<c>now-5m</c>) followed by a space;
    /// other lines inherit the previous line's time, or are spaced one second apart ending at <paramref name="now"/>.
    /// </summary>
    public static List<LogLine> ParseFile(string text, DateTimeOffset now, TimeSpan shift = default)
    {
        var raw = text.Replace("\r\n", "\n").Split('\n').ToList();
        if (raw.Count > 0 && raw[^1].Length == 0) raw.RemoveAt(raw.Count - 1);
        var result = new List<LogLine>(raw.Count);
        DateTimeOffset? last = null;
        for (var i = 0; i < raw.Count; i++)
        {
            var line = raw[i];
            var sp = line.IndexOf(' ');
            if (sp > 0 && TryParseTime(line[..sp], now, out var t))
            {
                if (!Scenarios.RelativeTime.TryParse(line[..sp], now, out _)) t += shift;
                last = t;
                result.Add(new LogLine(t, line[(sp + 1)..]));
            }
            else result.Add(new LogLine(last ?? now.AddSeconds(-(raw.Count - i)), line));
        }
        return result;
    }

    public static bool TryParseTime(string s, DateTimeOffset now, out DateTimeOffset t) =>
        Scenarios.RelativeTime.TryParse(s, now, out t) || TryParseAbsolute(s, out t);

    /// <summary>An absolute RFC 3339 time such as 2026-01-01T10:05:00Z or 2026-01-01T10:05:00.123456Z.</summary>
    public static bool TryParseAbsolute(string s, out DateTimeOffset t)
    {
        if (s.Length >= 20 && char.IsDigit(s[0]) && s[4] == '-' && s.Contains('T')
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t))
            return true;
        t = default;
        return false;
    }
}
