using Kstack.Envelope;
using Kstack.Tests.Support;
using Xunit;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Tests.Envelope;

public class EnvelopeWriterTests
{
    [Fact]
    public void Ok_envelope_keeps_the_documented_key_order()
    {
        var json = EnvelopeWriter.ToJson(Env.Verbatim("hi", "{\"cache_dir\":\"/x\"}") with { KubeContext = "prod", Notice = "n" });
        Assert.Equal("{\"kstack\":\"1\",\"status\":\"ok\",\"render\":\"verbatim\",\"content\":\"hi\",\"agent_context\":\"{\\\"cache_dir\\\":\\\"/x\\\"}\",\"kube_context\":\"prod\",\"notice\":\"n\"}", json);
        EnvelopeAssert.Valid(json);
    }

    [Fact]
    public void Error_envelope_has_kind_and_message_and_never_agent_context()
    {
        var json = EnvelopeWriter.ToJson(Env.UserError("Unknown flag `--bogus`. Run `/kstack-events --help` for usage.") with { KubeContext = "test-ctx" });
        Assert.Equal("{\"kstack\":\"1\",\"status\":\"error\",\"kind\":\"user\",\"message\":\"Unknown flag `--bogus`. Run `/kstack-events --help` for usage.\",\"kube_context\":\"test-ctx\"}", json);
        EnvelopeAssert.Valid(json);
    }

    [Fact]
    public void An_error_message_is_capped_whatever_it_quotes()
    {
        var node = EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.UserError("Baseline file not found: " + new string('x', 100_000))));
        var message = (string)node["message"]!;
        Assert.Equal(EnvelopeWriter.MaxMessage + 1, message.Length);
        Assert.EndsWith("x…", message);
        var pair = EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.InfraError(new string('a', EnvelopeWriter.MaxMessage - 1) + "😀😀")));
        Assert.EndsWith("a…", (string)pair["message"]!);
    }

    [Fact]
    public void Empty_agent_content_is_a_valid_preamble_envelope()
    {
        var node = EnvelopeAssert.Valid(EnvelopeWriter.ToJson(Env.Agent("") with { KubeContext = "ambient" }));
        Assert.Equal("", (string?)node["content"]);
        Assert.False(node.ContainsKey("agent_context"));
    }

    [Fact]
    public void Non_ascii_text_is_written_unescaped()
    {
        var json = EnvelopeWriter.ToJson(Env.Verbatim("Nodes · 3× — ok"));
        Assert.Contains("Nodes · 3× — ok", json);
    }
}
