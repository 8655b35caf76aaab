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
}
