using Kstack.Sim.Api;
using Kstack.Sim.Store;
using Xunit;

namespace Kstack.Sim.Tests.Api;

public sealed class SelectorsTests
{
    private static StoredObject Obj(params (string K, string V)[] labels) => new()
    {
        Namespace = "ns", Name = "n", Uid = "u", ResourceVersion = 1, CreationTimestamp = DateTimeOffset.UnixEpoch, Json = [], MetaStart = 0, MetaLength = 0,
        Labels = labels.Select(l => new KeyValuePair<string, string>(l.K, l.V)).ToArray(),
        Fields = [new("spec.nodeName", "node-1"), new("status.phase", "Running")],
    };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app in (api, web)", true)]
    [InlineData("app notin (api,web)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app=web,tier=frontend", true)]
    [InlineData("app=web, tier=backend", false)]
    public void Label_selector_matches(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Obj(("app", "web"), ("tier", "frontend"))));

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app >< x")]
    public void Bad_label_selectors_are_rejected(string selector) => Assert.Throws<BadRequestException>(() => LabelSelector.Parse(selector));

    [Fact]
    public void Field_selectors_match_indexed_fields()
    {
        var o = Obj();
        Assert.True(FieldSelector.Parse("spec.nodeName=node-1,status.phase!=Pending", "Pod").Matches(o));
        Assert.False(FieldSelector.Parse("metadata.name=other", "Pod").Matches(o));
        Assert.True(FieldSelector.Parse("metadata.namespace==ns", "Pod").Matches(o));
        var e = Assert.Throws<BadRequestException>(() => FieldSelector.Parse("spec.bogus=1", "Pod"));
        Assert.Equal("field label not supported: spec.bogus", e.Message);
    }
}
