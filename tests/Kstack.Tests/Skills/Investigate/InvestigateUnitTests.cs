using System.Text.Json;
using Kstack.Envelope;
using Kstack.Skills.Investigate;
using Kstack.Skills.Shared;
using Xunit;

namespace Kstack.Tests.Skills.Investigate;

public class NameSuggestionTests
{
    [Fact]
    public void Edit_distance_is_levenshtein()
    {
        Assert.Equal(3, NameSuggestions.Distance("kitten", "sitting"));
        Assert.Equal(0, NameSuggestions.Distance("a", "a"));
        Assert.Equal(4, NameSuggestions.Distance("", "abcd"));
    }

    [Fact]
    public void Closest_names_prefer_containment_then_distance_and_drop_far_ones()
    {
        var names = new[] { "ledger", "ledger-6f7d9c5b84-x2k4p", "orders-api", "frontend", "legder" };
        Assert.Equal(["ledger", "legder"], NameSuggestions.Closest("ledgr", names, n => n, 5));
        Assert.Equal("ledger", NameSuggestions.Closest("ledger-6f7d", names, n => n, 5)[0]);
        Assert.Empty(NameSuggestions.Closest("zzzzzz", names, n => n, 5));
    }
}

public class ExitCodeTests
{
    [Theory]
    [InlineData(0, null, "clean exit")]
    [InlineData(1, "Error", "application error")]
    [InlineData(2, "Error", "application error")]
    [InlineData(126, null, "not executable")]
    [InlineData(127, null, "command not found")]
    [InlineData(137, "OOMKilled", "OOM killer")]
    [InlineData(137, "Error", "not an OOM kill")]
    [InlineData(139, null, "SIGSEGV")]
    [InlineData(143, null, "SIGTERM")]
    [InlineData(130, null, "SIGINT")]
    [InlineData(3, null, "application-defined exit code 3")]
    public void Explains_exit_codes(int code, string? reason, string expected) =>
        Assert.Contains(expected, ExitCodes.Explain(code, reason));
}

public class LogNarrowerTests
{
    [Fact]
    public void Keeps_lines_around_markers_and_the_tail()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"line {i} ok").ToList();
        lines[20] = "panic: runtime error: index out of range";
        var log = LogNarrower.Narrow(string.Join("\n", lines) + "\n");
        Assert.Equal(100, log.TotalLines);
        Assert.True(log.Narrowed);
        Assert.Equal(["line 18 ok", "line 19 ok", lines[20], "line 21 ok", "line 22 ok", "line 23 ok"], log.Lines.Take(6));
        Assert.Equal(["line 95 ok", "line 96 ok", "line 97 ok", "line 98 ok", "line 99 ok"], log.Lines.TakeLast(5));
        Assert.Equal(lines[20], log.MarkerLine);
    }

    [Fact]
    public void Without_markers_only_the_tail_is_kept_and_the_bound_holds()
    {
        var quiet = LogNarrower.Narrow(string.Join("\n", Enumerable.Range(0, 50).Select(i => $"tick {i}")));
        Assert.Equal(5, quiet.Lines.Count);
        Assert.Null(quiet.MarkerLine);
        var noisy = LogNarrower.Narrow(string.Join("\n", Enumerable.Range(0, 200).Select(i => $"ERROR {i}")));
        Assert.Equal(LogNarrower.MaxLines, noisy.Lines.Count);
        Assert.Equal("ERROR 199", noisy.Lines[^1]);
    }

    [Fact]
    public void Redacts_and_cleans_before_anything_is_kept()
    {
        var log = LogNarrower.Narrow("GET /x Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlIn0.aG9zdGlsZXNpZ25hdHVyZQ password=hunter2\n"
                                     + "\u001b[31mError\u001b[0m: boom\r\n" + new string('A', 5000));
        var all = string.Join("\n", log.Lines);
        Assert.DoesNotContain("hunter2", all);
        Assert.DoesNotContain("eyJhbGciOiJIUzI1NiJ9", all);
        Assert.Contains("[REDACTED:", all);
        Assert.DoesNotContain('\u001b', all);
        Assert.All(log.Lines, l => Assert.True(l.Length <= LogNarrower.MaxLineChars + 1));
    }

    [Fact]
    public void Finds_the_oom_line_and_a_traceback_exception()
    {
        var jvm = LogNarrower.Narrow("start\nheap used 401 MB\njava.lang.OutOfMemoryError: Java heap space\n\tat x\nDumping heap\n");
        Assert.Equal("java.lang.OutOfMemoryError: Java heap space", LogNarrower.OomLine(jvm));
        var py = LogNarrower.Narrow("Traceback (most recent call last):\n  File \"h.py\", line 1\n    x = e[\"c\"]\nKeyError: 'currency'\n");
        Assert.Equal("KeyError: 'currency'", py.MarkerLine);
    }
}

public class QuantityTests
{
    [Theory]
    [InlineData("512Mi", 536870912)]
    [InlineData("500m", 0.5)]
    [InlineData("4", 4)]
    [InlineData("1G", 1000000000)]
    public void Parses_quantities(string text, double expected)
    {
        Assert.True(Quantity.TryParse(text, out var v));
        Assert.Equal((decimal)expected, v);
    }

    [Fact]
    public void Formats_memory_and_cpu()
    {
        Assert.Equal("48Gi", Quantity.Format("memory", 48m * 1024 * 1024 * 1024));
        Assert.Equal("1500m", Quantity.Format("cpu", 1.5m));
        Assert.Equal("2", Quantity.Format("cpu", 2m));
    }
}
