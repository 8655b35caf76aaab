using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Kstack.Kube;
using Xunit;

namespace Kstack.Tests.Kube;

public class ItemRewriterTests
{
    private static string Rewrite(string item)
    {
        var output = new ArrayBufferWriter<byte>();
        ItemRewriter.Write(Encoding.UTF8.GetBytes(item), ItemRewriter.TypePrefix("v1", "Pod"), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"a","managedFields":[{"manager":"x"}],"uid":"u"},"spec":{}}""")]
    [InlineData("""{"metadata":{"managedFields":[{"manager":"x","fieldsV1":{"f:metadata":{}}}],"name":"a"}}""")]
    [InlineData("""{"metadata":{"name":"a","managedFields":[]}}""")]
    [InlineData("""{"metadata":{"managedFields":[{}]}}""")]
    [InlineData("""{ "metadata" : { "name" : "a" , "managedFields" : [ 1 ] } }""")]
    public void Drops_managed_fields_and_stays_valid_json(string item)
    {
        var node = JsonNode.Parse(Rewrite(item))!.AsObject();
        Assert.False(node["metadata"]!.AsObject().ContainsKey("managedFields"));
        Assert.Equal("Pod", (string?)node["kind"]);
        Assert.Equal("v1", (string?)node["apiVersion"]);
    }

    [Fact]
    public void Keeps_kind_when_present_and_leaves_nested_managed_fields_alone()
    {
        var text = Rewrite("""{"kind":"X","apiVersion":"g/v1","metadata":{"name":"a"},"spec":{"managedFields":1}}""");
        Assert.Equal("""{"kind":"X","apiVersion":"g/v1","metadata":{"name":"a"},"spec":{"managedFields":1}}""", text);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"a","managedFields":[{"manager":"k","time":"2026-01-01T09:00:00Z","fieldsV1":{"f:spec":{}}},{"manager":"c","time":"2026-01-02T09:00:00Z"}],"uid":"u"}}""", "2026-01-02T09:00:00Z")]
    [InlineData("""{"metadata":{"managedFields":[{"time":"2026-03-01T00:00:00Z"},{"time":"2026-02-01T00:00:00Z"}],"name":"a"}}""", "2026-03-01T00:00:00Z")]
    [InlineData("""{ "metadata" : { "name" : "a" , "managedFields" : [ {"time": "2026-01-05T00:00:00Z"} ] } }""", "2026-01-05T00:00:00Z")]
    [InlineData("""{"metadata":{"name":"a","managedFields":[{"manager":"x"}, {"time": 5}]}}""", null)]
    public void Keeping_the_write_time_leaves_only_the_newest_entry_time(string item, string? newest)
    {
        var output = new ArrayBufferWriter<byte>();
        using var doc = System.Text.Json.JsonDocument.Parse(item);
        ItemRewriter.Write(doc.RootElement, ItemRewriter.TypePrefix("apps/v1", "Deployment"), redactEnv: false, output, [], keepWriteTime: true);
        var node = JsonNode.Parse(Encoding.UTF8.GetString(output.WrittenSpan))!.AsObject();
        Assert.Equal("a", (string?)node["metadata"]!["name"]);
        if (newest is null) Assert.False(node["metadata"]!.AsObject().ContainsKey("managedFields"));
        else Assert.Equal($$"""[{"time":"{{newest}}"}]""", node["metadata"]!["managedFields"]!.ToJsonString());
    }
}
