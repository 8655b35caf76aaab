using System.Text;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Tests.Support;
using Xunit;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Tests.Envelope;

/// <summary>Every hostile string, in every text field of every envelope kind, must stay data.</summary>
public class HostileCorpusTests
{
    public enum Field { Content, AgentContext, Message, KubeContext, Notice }

    public enum Kind { Verbatim, Agent, UserError, InfraError }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Benign values for the fields not under test; they must come back unchanged.
    private static readonly Dictionary<Field, string> Sentinel = new()
    {
        [Field.Content] = "sentinel content",
        [Field.AgentContext] = "{\"cache_dir\":\"/tmp/x\"}",
        [Field.Message] = "sentinel message",
        [Field.KubeContext] = "sentinel-ctx",
        [Field.Notice] = "sentinel notice",
    };

    public static IEnumerable<object[]> Cases => HostileCorpus.Indexes();

    public static IEnumerable<(Field, Kind)> Combinations()
    {
        foreach (var k in new[] { Kind.Verbatim, Kind.Agent }) { yield return (Field.Content, k); yield return (Field.AgentContext, k); }
        foreach (var k in new[] { Kind.UserError, Kind.InfraError }) yield return (Field.Message, k);
        foreach (var k in Enum.GetValues<Kind>()) { yield return (Field.KubeContext, k); yield return (Field.Notice, k); }
    }

    [Fact]
    public void Corpus_holds_at_least_200_distinct_hostile_strings()
    {
        var values = HostileCorpus.Entries.Select(e => e.Value).ToList();
        Assert.True(values.Count >= 200, $"only {values.Count} strings");
        Assert.True(values.Distinct(StringComparer.Ordinal).Count() >= 200);
        Assert.Equal(values.Count, HostileCorpus.Entries.Select(e => e.Label).Distinct().Count());
        Assert.All(HostileCorpus.Entries, e => Assert.All(e.Label, c => Assert.InRange(c, '!', '~')));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_field_of_every_kind_round_trips_the_cleaned_text(int index, string label)
    {
        var input = HostileCorpus.Entries[index].Value;
        foreach (var (field, kind) in Combinations())
            CheckEnvelope(input, field, kind, $"{label} in {field} of {kind}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clean_matches_an_independent_reference_and_is_idempotent(int index, string label)
    {
        var input = HostileCorpus.Entries[index].Value;
        var cleaned = TerminalText.Clean(input);
        Assert.True(ReferenceClean(input) == cleaned, $"{label}: Clean differs from the reference sanitiser");
        Assert.Equal(cleaned, TerminalText.Clean(cleaned));
        Assert.True(TerminalText.IsClean(cleaned), label);
        AssertNeutral(cleaned, label);
        Assert.Equal(ReferenceReplaceInvalid(input), TerminalText.ReplaceInvalid(input));
    }

    [Theory]
    [InlineData(Field.Content, Kind.Verbatim)]
    [InlineData(Field.AgentContext, Kind.Agent)]
    [InlineData(Field.Message, Kind.InfraError)]
    [InlineData(Field.KubeContext, Kind.UserError)]
    [InlineData(Field.Notice, Kind.Agent)]
    public void One_megabyte_strings_stay_one_valid_line(Field field, Kind kind)
    {
        CheckEnvelope(HostileCorpus.MegabyteMixed(), field, kind, $"1MB mixed in {field}");
        CheckEnvelope(HostileCorpus.MegabyteOfControls(), field, kind, $"1MB controls in {field}");
    }

    [Fact]
    public void One_megabyte_of_controls_cleans_to_a_single_replacement_character()
    {
        var big = HostileCorpus.MegabyteOfControls();
        Assert.Equal("\uFFFD", TerminalText.Clean(big));
        Assert.Equal(ReferenceClean(HostileCorpus.MegabyteMixed()), TerminalText.Clean(HostileCorpus.MegabyteMixed()));
    }

    [Fact]
    public void Every_dropped_character_is_dropped_alone_and_between_text()
    {
        foreach (var c in HostileCorpus.DroppedBmpChars())
        {
            Assert.Equal("", TerminalText.Clean(c.ToString()));
            Assert.Equal("ab", TerminalText.Clean($"a{c}b"));
        }
        foreach (var t in HostileCorpus.TagCharacters()) Assert.Equal("ab", TerminalText.Clean($"a{t}b"));
    }

    [Fact]
    public void Invalid_utf8_decodes_to_replacement_characters_that_survive_the_envelope()
    {
        foreach (var (label, bytes) in HostileCorpus.Utf8ByteSequences())
        {
            var decoded = Encoding.UTF8.GetString(bytes);
            var node = EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.Agent(decoded)));
            var content = (string)node["content"]!;
            Assert.Equal(TerminalText.Clean(decoded), content);
            AssertNeutral(content, label);
        }
        // Sanity on the decoder itself: an overlong encoding never becomes the character it spells.
        Assert.Equal("a\uFFFD\uFFFDb", Encoding.UTF8.GetString([0x61, 0xC0, 0xAF, 0x62]));
    }

    [Fact]
    public void A_notice_made_only_of_neutralised_characters_is_omitted()
    {
        var node = EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.Verbatim("x") with { Notice = "\u001b\u202E\u009b" }));
        Assert.False(node.ContainsKey("notice"));
        Assert.Equal("\uFFFD", (string?)EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.Verbatim("x") with { Notice = "\uD800" }))["notice"]);
    }

    [Fact]
    public void Write_emits_the_serialised_envelope_and_exactly_one_newline()
    {
        foreach (var entry in HostileCorpus.Entries)
        {
            var env = Env.Agent(entry.Value, entry.Value) with { KubeContext = entry.Value, Notice = entry.Value };
            using var ms = new MemoryStream();
            EnvelopeWriter.Write(ms, env);
            var bytes = ms.ToArray();
            Assert.Equal((byte)'\n', bytes[^1]);
            Assert.Equal(EnvelopeWriter.ToUtf8(env), bytes[..^1]);
            Assert.Equal(1, bytes.Count(b => b == (byte)'\n'));
        }
    }

    /// <summary>Writes one envelope with <paramref name="input"/> in <paramref name="field"/> and checks every property.</summary>
    private static void CheckEnvelope(string input, Field field, Kind kind, string what)
    {
        string V(Field f) => f == field ? input : Sentinel[f];
        var ok = kind is Kind.Verbatim or Kind.Agent;
        var env = kind switch
        {
            Kind.Verbatim => Env.Verbatim(V(Field.Content), V(Field.AgentContext)),
            Kind.Agent => Env.Agent(V(Field.Content), V(Field.AgentContext)),
            Kind.UserError => Env.UserError(V(Field.Message)),
            _ => Env.InfraError(V(Field.Message)),
        } with { KubeContext = V(Field.KubeContext), Notice = V(Field.Notice) };

        var bytes = EnvelopeWriter.ToUtf8(env);
        string line;
        try { line = StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { Assert.Fail($"{what}: stdout is not valid UTF-8"); return; }

        // The raw line: one line, no raw control characters, and none of the neutralised classes from cleaned fields.
        foreach (var c in line) Assert.False(c < 0x20 || c is >= '\u007F' and <= '\u009F', $"{what}: raw U+{(int)c:X4} in the line");
        if (field is Field.Content or Field.Message or Field.Notice) AssertNeutral(line, what + " (raw line)");

        var node = EnvelopeAssert.Valid(line);
        var expected = new List<(string Key, string Value)> { ("kstack", "1"), ("status", ok ? "ok" : "error") };
        if (ok)
        {
            expected.Add(("render", kind == Kind.Verbatim ? "verbatim" : "agent"));
            expected.Add(("content", TerminalText.Clean(V(Field.Content))));
            expected.Add(("agent_context", TerminalText.ReplaceInvalid(V(Field.AgentContext))));
        }
        else
        {
            expected.Add(("kind", kind == Kind.UserError ? "user" : "infra"));
            var message = TerminalText.Clean(V(Field.Message));
            var max = Kstack.Envelope.EnvelopeWriter.MaxMessage;
            if (message.Length > max) message = message[..(char.IsHighSurrogate(message[max - 1]) ? max - 1 : max)] + "…";
            expected.Add(("message", message));
        }
        expected.Add(("kube_context", TerminalText.ReplaceInvalid(V(Field.KubeContext))));
        var notice = TerminalText.Clean(V(Field.Notice));
        if (notice.Length > 0) expected.Add(("notice", notice));

        var actual = node.Select(p => (p.Key, Value: p.Value!.GetValueKind() == JsonValueKind.String ? (string)p.Value! : "<non-string>")).ToList();
        Assert.True(expected.Select(x => x.Key).SequenceEqual(actual.Select(x => x.Key)),
            $"{what}: keys [{string.Join(",", actual.Select(x => x.Key))}] expected [{string.Join(",", expected.Select(x => x.Key))}]");
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Value == actual[i].Value, $"{what}: field {expected[i].Key} did not round-trip");
        foreach (var key in new[] { "content", "message", "notice" })
            if (node[key] is { } v) AssertNeutral((string)v!, $"{what}: {key}");
    }

    /// <summary>No C0 (except \n, \t), DEL, C1, bidi control or mark, tag character or lone surrogate.</summary>
    internal static void AssertNeutral(string s, string what)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            Assert.False(c < 0x20 && c is not ('\n' or '\t'), $"{what}: C0 U+{(int)c:X4} at {i}");
            Assert.False(c is >= '\u007F' and <= '\u009F', $"{what}: DEL/C1 U+{(int)c:X4} at {i}");
            Assert.False(c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C',
                $"{what}: bidi U+{(int)c:X4} at {i}");
            if (char.IsHighSurrogate(c))
            {
                Assert.True(i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]), $"{what}: lone high surrogate at {i}");
                var cp = char.ConvertToUtf32(c, s[++i]);
                Assert.False(cp is >= 0xE0000 and <= 0xE007F, $"{what}: tag U+{cp:X} at {i}");
            }
            else Assert.False(char.IsLowSurrogate(c), $"{what}: lone low surrogate at {i}");
        }
    }

    /// <summary>The sanitiser's rules restated over code points, written independently of TerminalText.</summary>
    internal static string ReferenceClean(string s)
    {
        var sb = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            var status = Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out var used);
            i += used;
            if (status != System.Buffers.OperationStatus.Done) { sb.Append('\uFFFD'); continue; }
            var v = rune.Value;
            var drop = (v < 0x20 && v != '\n' && v != '\t') || v is >= 0x7F and <= 0x9F
                       || v is >= 0x202A and <= 0x202E || v is >= 0x2066 and <= 0x2069 || v is 0x200E or 0x200F or 0x061C
                       || v is >= 0x200B and <= 0x200D || v is >= 0x2060 and <= 0x2064 || v is 0xFEFF or 0x180E
                       || v is >= 0xE0000 and <= 0xE007F;
            if (!drop) sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    internal static string ReferenceReplaceInvalid(string s)
    {
        var sb = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            var status = Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out var used);
            i += used;
            sb.Append(status == System.Buffers.OperationStatus.Done ? rune.ToString() : "\uFFFD");
        }
        return sb.ToString();
    }
}
