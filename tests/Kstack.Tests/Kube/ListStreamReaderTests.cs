using System.Text;
using Kstack.Kube;
using Xunit;

namespace Kstack.Tests.Kube;

public class ListStreamReaderTests
{
    /// <summary>A stream that returns at most N bytes per read, to force items across buffer refills.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
    }

    private static string BigList(int items)
    {
        var sb = new StringBuilder("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"tok"},"items":[""");
        for (var i = 0; i < items; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"metadata\":{\"name\":\"p" + (i) + "\",\"annotations\":{\"a\":\"" + (new string('x', i % 300)) + "\\\"}],{\"}},\"status\":{\"phase\":\"Running\"}}");
        }
        return sb.Append("]}").ToString();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Yields_every_item_and_the_list_metadata_whatever_the_chunking(int chunk)
    {
        var names = new List<string>();
        var header = await ListStreamReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(BigList(500)), chunk), item =>
        {
            var doc = System.Text.Json.JsonDocument.Parse(item.ToArray());
            names.Add(doc.RootElement.GetProperty("metadata").GetProperty("name").GetString()!);
        }, CancellationToken.None);
        Assert.Equal(500, names.Count);
        Assert.Equal("p499", names[^1]);
        Assert.Equal("42", header.ResourceVersion);
        Assert.Equal("tok", header.Continue);
        Assert.Equal("PodList", header.Kind);
    }

    [Fact]
    public async Task A_truncated_list_is_an_error()
    {
        var text = BigList(50);
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() =>
            ListStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text[..(text.Length / 2)])), _ => { }, CancellationToken.None));
    }

    [Fact]
    public async Task An_item_larger_than_the_initial_buffer_is_read_whole()
    {
        var big = new string('y', 300_000);
        var text = "{\"items\":[{\"metadata\":{\"name\":\"" + (big) + "\"}}],\"metadata\":{}}";
        var count = 0;
        await ListStreamReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), 10_000), item => { count++; Assert.True(item.Length > 300_000); }, CancellationToken.None);
        Assert.Equal(1, count);
    }
}
