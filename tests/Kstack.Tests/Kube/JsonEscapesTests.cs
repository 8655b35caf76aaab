using System.Text;
using System.Text.Json;
using Kstack.Kube;
using Xunit;

namespace Kstack.Tests.Kube;

public class JsonEscapesTests
{
    private static string Fix(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(bytes.Length, JsonEscapes.ReplaceLoneSurrogates(bytes, final: true));
        return Encoding.UTF8.GetString(bytes);
    }

    [Theory]
    [InlineData("\"back\\ud800off\"", "\"back\\ufffdoff\"")]
    [InlineData("\"\\udc00\"", "\"\\ufffd\"")]
    [InlineData("\"\\ud800\\ud800\\udc00\"", "\"\\ufffd\\ud800\\udc00\"")]
    [InlineData("\"end\\uD83D\"", "\"end\\ufffd\"")]
    [InlineData("\"pair \\ud83d\\ude00 ok\"", "\"pair \\ud83d\\ude00 ok\"")]
    [InlineData("\"escaped \\\\ud800 backslash\"", "\"escaped \\\\ud800 backslash\"")]
    [InlineData("\"\\n\\u0041\"", "\"\\n\\u0041\"")]
    public void Lone_surrogates_become_the_replacement_character(string json, string expected)
    {
        var fixedJson = Fix(json);
        Assert.Equal(expected, fixedJson);
        Assert.NotNull(JsonDocument.Parse(fixedJson).RootElement.GetString());
    }

    [Fact]
    public void An_escape_cut_by_the_buffer_end_is_left_for_the_next_read()
    {
        var bytes = Encoding.UTF8.GetBytes("\"ab\\ud800");
        Assert.Equal(3, JsonEscapes.ReplaceLoneSurrogates(bytes, final: false));
        bytes = Encoding.UTF8.GetBytes("\"ab\\ud800\\ud");
        Assert.Equal(3, JsonEscapes.ReplaceLoneSurrogates(bytes, final: false));
    }

    [Fact]
    public async Task A_list_read_in_tiny_chunks_survives_surrogates_on_every_boundary()
    {
        var json = "{\"items\":[{\"a\":\"x\\ud800y\"},{\"b\\udc00\":\"\\ud83d\\ude00\"}],\"metadata\":{\"continue\":\"\\ud800\"}}";
        var items = new List<string>();
        var header = await ListStreamReader.ReadAsync(new OneByteStream(Encoding.UTF8.GetBytes(json)), item =>
        {
            var reader = new Utf8JsonReader(item);
            using var doc = JsonDocument.ParseValue(ref reader);
            items.Add(string.Concat(doc.RootElement.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString())));
        }, CancellationToken.None);
        Assert.Equal(["a=x\ufffdy", "b\ufffd=\U0001F600"], items);
        Assert.Equal("\ufffd", header.Continue);
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], ct);
    }
}
