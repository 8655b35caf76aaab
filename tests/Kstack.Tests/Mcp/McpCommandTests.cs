using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>`kstack mcp` before the server starts: help and bad flags answer with one envelope, never a hang.</summary>
public class McpCommandTests
{
    private static KstackProcess.Output Run(params string[] args) =>
        KstackProcess.Run(KstackProcess.KstackBin, args, new Dictionary<string, string?>(), timeoutMs: 20_000);

    [Fact]
    public void Help_is_a_verbatim_envelope()
    {
        var output = Run("mcp", "--help");
        var envelope = EnvelopeAssert.Valid(output.Stdout);
        Assert.Equal("verbatim", (string?)envelope["render"]);
        Assert.StartsWith("kstack mcp [--read-only]", (string?)envelope["content"]);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("extra")]
    public void An_unknown_argument_is_a_user_error(string arg)
    {
        var output = Run("mcp", arg);
        Assert.Equal(0, output.Exit);
        var envelope = EnvelopeAssert.Valid(output.Stdout);
        Assert.Equal("user", (string?)envelope["kind"]);
        Assert.Contains("kstack mcp --help", (string?)envelope["message"]);
    }
}
