using System.Text;
using System.Text.Json;
using Kstack.Envelope;
using Xunit;

namespace Kstack.Tests.Envelope;

/// <summary>Cluster text framed as data: one line, capped, and the frame cannot be closed from inside.</summary>
public class DataTextPropertyTests
{
    private static readonly int[] Caps = [0, 1, 2, 3, 5, 16, 80, 300];

    public static IEnumerable<object[]> Cases => HostileCorpus.Indexes();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inline_is_one_neutral_line_capped_and_escaped(int index, string label)
    {
        var input = HostileCorpus.Entries[index].Value;
        foreach (var max in Caps)
        {
            var what = $"{label} max={max}";
            var inline = DataText.Inline(input, max);
            HostileCorpusTests.AssertNeutral(inline, what);
            Assert.False(inline.IndexOfAny(['\n', '\r', '\t', '\u2028', '\u2029', '\u0085', '\v', '\f']) >= 0, $"{what}: line break inside");
            var body = Unescape(inline, what);

            var flat = OneLine(TerminalText.Clean(input));
            if (flat.Length <= max)
            {
                Assert.True(flat == body, $"{what}: untruncated text changed");
            }
            else
            {
                Assert.True(body.EndsWith('…'), $"{what}: truncation is not marked");
                var kept = body[..^1];
                Assert.True(kept.Length <= max, $"{what}: {kept.Length} units kept, cap {max}");
                Assert.True(flat.StartsWith(kept, StringComparison.Ordinal), $"{what}: kept text is not a prefix");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quote_is_a_closed_frame_and_a_valid_json_string(int index, string label)
    {
        var input = HostileCorpus.Entries[index].Value;
        foreach (var max in Caps)
        {
            var what = $"{label} max={max}";
            var quoted = DataText.Quote(input, max);
            Assert.True(quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"', what);
            // The first unescaped quote after the opening one is the closing one.
            Assert.Equal(quoted.Length - 1, ClosingQuote(quoted));
            // Two frames side by side stay two frames.
            var pair = quoted + " " + DataText.Quote(input + "\"", max);
            Assert.Equal(quoted.Length - 1, ClosingQuote(pair));
            // Quote escapes exactly as JSON does, so a JSON parser recovers the inline text.
            Assert.Equal(Unescape(DataText.Inline(input, max), what), JsonSerializer.Deserialize<string>(quoted));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cell_has_the_exact_width_and_never_splits_a_character(int index, string label)
    {
        var input = HostileCorpus.Entries[index].Value;
        foreach (var width in new[] { 0, 1, 2, 3, 7, 12, 40 })
        {
            foreach (var value in new[] { DataText.Inline(input, width), DataText.Inline(input, 200), TerminalText.Clean(input) })
            {
                var what = $"{label} width={width}";
                var cell = DataText.Cell(value, width);
                Assert.True(cell.Length == width, $"{what}: length {cell.Length}");
                HostileCorpusTests.AssertNeutral(cell, what);
                if (value.Length <= width)
                {
                    Assert.Equal(value.PadRight(width), cell);
                    continue;
                }
                // Cut to the width, or one short (then padded) when the cut would split a surrogate pair.
                var splitsPair = width > 0 && char.IsHighSurrogate(value[width - 1]);
                var kept = splitsPair ? width - 1 : width;
                Assert.True(string.CompareOrdinal(value, 0, cell, 0, kept) == 0, $"{what}: cell is not a prefix of its value");
                if (splitsPair) Assert.Equal(' ', cell[^1]);
            }
        }
    }

    [Fact]
    public void Inline_never_splits_a_surrogate_pair_at_the_cap()
    {
        for (var max = 0; max < 8; max++)
        {
            var inline = DataText.Inline("a😀😀😀😀😀", max);
            HostileCorpusTests.AssertNeutral(inline, $"max={max}");
        }
        Assert.Equal("a…", DataText.Inline("a😀b", 2));
        Assert.Equal("a😀…", DataText.Inline("a😀b", 3));
    }

    [Fact]
    public void Inline_collapses_unicode_line_separators()
    {
        Assert.Equal("a b c", DataText.Inline("a\u2028b\u2029\nc"));
        Assert.Equal("\"a \\\"b\\\" c\"", DataText.Quote("  a\n\"b\"\t c  "));
    }

    [Fact]
    public void Cell_cuts_before_a_surrogate_pair_that_does_not_fit()
    {
        Assert.Equal("ab ", DataText.Cell("ab😀", 3));
        Assert.Equal("ab😀", DataText.Cell("ab😀", 4));
        Assert.Equal("ab😀 ", DataText.Cell("ab😀", 5));
    }

    [Fact]
    public void Null_and_empty_are_empty_frames()
    {
        Assert.Equal("", DataText.Inline(null));
        Assert.Equal("\"\"", DataText.Quote(null));
        Assert.Equal("\"\"", DataText.Quote("\u001b\u202E"));
    }

    /// <summary>Index of the first unescaped double quote after position 0, or -1.</summary>
    private static int ClosingQuote(string s)
    {
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == '"') return i;
        }
        return -1;
    }

    /// <summary>Removes the frame escapes, failing on an unescaped quote or a dangling or unknown escape.</summary>
    private static string Unescape(string s, string what)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            Assert.False(c == '"', $"{what}: unescaped quote at {i}");
            if (c == '\\')
            {
                Assert.True(i + 1 < s.Length && s[i + 1] is '"' or '\\', $"{what}: bad escape at {i}");
                c = s[++i];
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Line breaks and tabs become single spaces, runs of spaces collapse, ends are trimmed.</summary>
    private static string OneLine(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            var c = ch is '\n' or '\t' or '\u2028' or '\u2029' ? ' ' : ch;
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        return sb.ToString().TrimEnd(' ');
    }
}
