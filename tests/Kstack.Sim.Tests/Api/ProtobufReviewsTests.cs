using System.Net;
using System.Text;
using System.Text.Json;
using Kstack.Sim.Api;
using Xunit;

namespace Kstack.Sim.Tests.Api;

[Collection("basic")]
public sealed class ProtobufReviewsTests(BasicServerFixture fx)
{
    // Protobuf encoding written out field by field (tag = field << 3 | 2 for length-delimited).
    private static byte[] Field(int number, byte[] value) => [(byte)(number << 3 | 2), .. Varint(value.Length), .. value];
    private static byte[] Field(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));
    private static byte[] Varint(int v) => v < 0x80 ? [(byte)v] : [(byte)(v & 0x7f | 0x80), .. Varint(v >> 7)];

    private static byte[] Review(string kind, byte[] spec) =>
        [.. "k8s\0"u8, .. Field(1, [.. Field(1, "authorization.k8s.io/v1"), .. Field(2, kind)]), .. Field(2, Field(2, spec)),
         .. Field(4, "application/vnd.kubernetes.protobuf")];

    private static byte[] Attributes(string verb, string resource, string ns = "") =>
        Field(1, [.. Field(1, ns), .. Field(2, verb), .. Field(5, resource), .. Field(4, "v1"), 0x08, 0x01 /* a varint field the reader skips */]);

    private async Task<(HttpStatusCode, string)> Post(byte[] body, string? token = null)
    {
        using var c = TestSupport.Client(fx.Server, token);
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", ProtobufReviews.MediaType);
        using var resp = await c.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", content);
        return (resp.StatusCode, await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_protobuf_self_subject_access_review_is_answered_for_the_callers_rights()
    {
        var (code, text) = await Post(Review("SelfSubjectAccessReview", Attributes("list", "pods")));
        Assert.Equal(HttpStatusCode.Created, code);
        var doc = JsonDocument.Parse(text).RootElement;
        Assert.Equal("SelfSubjectAccessReview", doc.GetProperty("kind").GetString());
        Assert.True(doc.GetProperty("status").GetProperty("allowed").GetBoolean());
        Assert.Equal("pods", doc.GetProperty("spec").GetProperty("resourceAttributes").GetProperty("resource").GetString());

        var (devCode, devText) = await Post(Review("SelfSubjectAccessReview", Attributes("list", "pods")), "dev-token-7f3a91");
        Assert.Equal(HttpStatusCode.Created, devCode);
        Assert.False(JsonDocument.Parse(devText).RootElement.GetProperty("status").GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task Other_protobuf_bodies_are_refused_as_unsupported_not_misread()
    {
        var (code, text) = await Post(Review("Pod", Field(1, "x")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Contains("only for access reviews", text);
        var (truncated, _) = await Post([.. "k8s\0"u8, 0x0a, 0x7f, 0x01]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, truncated);
        Assert.Null(ProtobufReviews.Decode("{\"kind\":\"SelfSubjectAccessReview\"}"u8));
    }
}
