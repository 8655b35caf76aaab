using System.Text.Json;
using Xunit;

namespace Kstack.Sim.Tests.Audit;

public sealed class AuditLogTests
{
    [Fact]
    public async Task One_json_line_per_request_with_verb_user_and_bytes()
    {
        var audit = Path.Combine(TestSupport.TempDir(), "audit.jsonl");
        await using (var server = await TestSupport.StartBasic(audit: audit))
        {
            using var c = TestSupport.Client(server);
            await c.GetAsync("/api/v1/namespaces/team-a/pods?limit=3");
            using var dev = TestSupport.Client(server, "dev-token-7f3a91");
            await dev.GetAsync("/api/v1/namespaces/team-b/secrets/db-password");
            await c.DeleteAsync("/api/v1/namespaces/team-a/configmaps/web-config");
        }
        var lines = (await File.ReadAllLinesAsync(audit)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines[..2], l => Assert.Equal(["accept", "bytes", "durationMs", "method", "path", "query", "status", "time", "user", "verb"],
            l.EnumerateObject().Select(p => p.Name).Order().ToArray()));
        // A DELETE also names the UID of the object it addressed (no precondition was sent).
        Assert.Equal(["accept", "bytes", "durationMs", "method", "path", "query", "status", "time", "uid", "user", "verb"],
            lines[2].EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("list", lines[0].GetProperty("verb").GetString());
        Assert.Equal("limit=3", lines[0].GetProperty("query").GetString());
        Assert.Equal(200, lines[0].GetProperty("status").GetInt32());
        Assert.True(lines[0].GetProperty("bytes").GetInt64() > 100);
        Assert.Equal("dev", lines[1].GetProperty("user").GetString());
        Assert.Equal("get", lines[1].GetProperty("verb").GetString());
        Assert.Equal(403, lines[1].GetProperty("status").GetInt32());
        Assert.Equal("delete", lines[2].GetProperty("verb").GetString());
    }
}
