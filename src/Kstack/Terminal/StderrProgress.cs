namespace Kstack.Terminal;

/// <summary>
/// A progress line on stderr for a call that takes longer than <see cref="Delay"/>, only when stderr is a terminal:
/// stdout carries exactly one envelope, and redirected stderr (agents, scripts, tests) stays empty. The line is
/// overwritten in place every second and erased when the call ends.
/// </summary>
internal sealed class StderrProgress : IDisposable
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private readonly string _what;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly Timer _timer;
    private readonly object _gate = new();
    private int _written;
    private bool _done;

    private StderrProgress(string what)
    {
        // What is written to a terminal is neutralised like content: no escape sequence from a context name survives.
        _what = Envelope.TerminalText.Clean(what).Replace('\n', ' ').Replace('\t', ' ');
        _timer = new Timer(_ => Tick(), null, Delay, TimeSpan.FromSeconds(1));
    }

    /// <summary>Null (nothing is ever printed) when stderr is not a terminal or KSTACK_NO_PROGRESS=1.</summary>
    public static StderrProgress? Start(string what) =>
        Console.IsErrorRedirected || Environment.GetEnvironmentVariable("KSTACK_NO_PROGRESS") == "1" ? null : new StderrProgress(what);

    private void Tick()
    {
        lock (_gate)
        {
            if (_done) return;
            // Rounded: a timer due at 2 s may fire a few milliseconds early, and 1.998 s is not "1s".
            var seconds = (int)Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);
            var line = $"kstack: {_what}… {seconds}s";
            try
            {
                Console.Error.Write("\r" + line.PadRight(_written));
                Console.Error.Flush();
            }
            catch (IOException) { }
            _written = Math.Max(_written, line.Length);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _done = true;
            if (_written == 0) return;
            try
            {
                Console.Error.Write("\r" + new string(' ', _written) + "\r");
                Console.Error.Flush();
            }
            catch (IOException) { }
        }
    }
}
