using Kstack.Envelope;
using Xunit;

namespace Kstack.Tests.Envelope;

public class TerminalTextTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m", "[31mred[0m")]
    [InlineData("a\u0007b\u0000c\rd", "abcd")]
    [InlineData("line1\nline2\ttab", "line1\nline2\ttab")]
    [InlineData("x\u202Eevil\u2066y\u2069", "xevily")]
    [InlineData("c1\u0085\u009b", "c1")]
    public void Drops_control_bidi_characters(string input, string expected) =>
        Assert.Equal(expected, TerminalText.Clean(input));

    [Theory]
    [InlineData("ad\u200Bmin\u200C\u200D\uFEFF\u2060\u2061\u180E", "admin")]
    [InlineData("\uFEFFkubectl", "kubectl")]
    public void Drops_zero_width_characters(string input, string expected) =>
        Assert.Equal(expected, TerminalText.Clean(input));

    [Fact]
    public void Drops_unicode_tag_characters() =>
        Assert.Equal("ab", TerminalText.Clean("a" + char.ConvertFromUtf32(0xE0041) + char.ConvertFromUtf32(0xE007F) + "b"));

    [Fact]
    public void Keeps_astral_characters_that_are_not_tags() =>
        Assert.Equal("ok 😀", TerminalText.Clean("ok 😀"));

    [Fact]
    public void Lone_surrogates_become_replacement_characters() =>
        Assert.Equal("a\uFFFDb\uFFFD", TerminalText.Clean("a\uD800b\uDC00"));

    [Fact]
    public void Clean_is_idempotent_on_clean_text()
    {
        const string s = "Cluster: kind-dev · Kubernetes v1.31.2 · kind";
        Assert.Same(s, TerminalText.Clean(s));
    }
}
