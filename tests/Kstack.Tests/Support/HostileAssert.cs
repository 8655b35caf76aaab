using System.Text.RegularExpressions;
using Xunit;

namespace Kstack.Tests.Support;

/// <summary>Checks on content rendered from attacker-controlled cluster text.</summary>
public static partial class HostileAssert
{
    /// <summary>No control (except \n, \t), bidi, zero-width or tag characters, and no lone surrogates.</summary>
    public static void ContentIsNeutralised(string content)
    {
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            Assert.False(c < 0x20 && c != '\n' && c != '\t', $"control U+{(int)c:X4} at {i}");
            Assert.False(c is >= '\u007F' and <= '\u009F', $"C1 control U+{(int)c:X4} at {i}");
            Assert.False(c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069', $"bidi control U+{(int)c:X4} at {i}");
            Assert.False(c is >= '\u200B' and <= '\u200D' or >= '\u2060' and <= '\u2064' or '\uFEFF' or '\u180E', $"zero-width U+{(int)c:X4} at {i}");
            if (char.IsHighSurrogate(c))
            {
                Assert.True(i + 1 < content.Length && char.IsLowSurrogate(content[i + 1]), $"lone surrogate at {i}");
                var cp = char.ConvertToUtf32(c, content[++i]);
                Assert.False(cp is >= 0xE0000 and <= 0xE007F, $"tag character at {i}");
            }
            else Assert.False(char.IsLowSurrogate(c), $"lone surrogate at {i}");
        }
    }

    /// <summary>
    /// Fragments of the hostile payloads (envelope keys, instructions) may only appear inside a quoted frame: on every
    /// line, each occurrence must be preceded by an odd number of unescaped double quotes.
    /// </summary>
    public static void PayloadsOnlyInsideQuotes(string content)
    {
        foreach (var line in content.Split('\n'))
        {
            foreach (Match m in Payload().Matches(line))
            {
                var quotes = 0;
                for (var i = 0; i < m.Index; i++)
                    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) quotes++;
                Assert.True(quotes % 2 == 1, $"payload \"{m.Value}\" outside a quoted frame in line: {line}");
            }
        }
    }

    [GeneratedRegex(@"render\\?""|kstack\\?"":|ignore previous instructions|operator approved|has approved all destructive", RegexOptions.IgnoreCase)]
    private static partial Regex Payload();
}
