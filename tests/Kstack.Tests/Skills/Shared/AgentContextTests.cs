using Kstack.Kube;
using Kstack.Skills.Shared;
using Xunit;

namespace Kstack.Tests.Skills.Shared;

public class AgentContextTests
{
    private static readonly Dictionary<string, string> Roles = new() { ["pods"] = ListSpec.Pods.File, ["nodes"] = ListSpec.Nodes.File, ["jobs"] = ListSpec.JobsMeta.File };

    private static Read<Snapshot> Fetched(ListSpec spec) => Read<Snapshot>.Success(new Snapshot(spec, "/c/" + spec.File, DateTime.UtcNow, FromCache: false));

    [Fact]
    public void The_cache_part_names_available_files_unreadable_lists_and_stale_ones()
    {
        var denied = new NotReadable(ReadOutcome.Forbidden, ApiAction.List("nodes"), 403);
        var results = new Dictionary<string, Read<Snapshot>>
        {
            [ListSpec.Pods.File] = Fetched(ListSpec.Pods) with { Problem = new NotReadable(ReadOutcome.Forbidden, ApiAction.List("pods"), 403) },
            [ListSpec.Nodes.File] = Read<Snapshot>.Missing(denied),
            [ListSpec.JobsMeta.File] = Fetched(ListSpec.JobsMeta),
        };
        var cache = AgentContext.Cache(results, Roles);
        Assert.Equal(new Dictionary<string, string> { ["pods"] = ListSpec.Pods.File, ["jobs"] = ListSpec.JobsMeta.File }, cache.Files);
        Assert.Equal(["nodes"], cache.Unreadable.Keys);
        Assert.Equal(["pods"], cache.Stale!.Keys);
        // The Utf8JsonWriter form (snapshot skills not yet on records) writes the same three parts.
        var written = AgentContext.Build(w => AgentContext.WriteCache(w, "/c", results, Roles));
        Assert.Equal($$$"""{"cache_dir":"/c","files":{"pods":"{{{ListSpec.Pods.File}}}","jobs":"{{{ListSpec.JobsMeta.File}}}"},"unreadable":{"nodes":"{{{cache.Unreadable["nodes"]}}}"},"stale":{"pods":"{{{cache.Stale["pods"]}}}"}}""", written);
    }

    [Fact]
    public void Nothing_stale_leaves_the_stale_part_out()
    {
        var results = new Dictionary<string, Read<Snapshot>> { [ListSpec.Pods.File] = Fetched(ListSpec.Pods) };
        Assert.Null(AgentContext.Cache(results, Roles).Stale);
        Assert.DoesNotContain("stale", AgentContext.Build(w => AgentContext.WriteCache(w, "/c", results, Roles)));
    }
}
