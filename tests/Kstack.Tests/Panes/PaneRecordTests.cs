using Kstack.Panes;
using Xunit;

namespace Kstack.Tests.Panes;

public class PaneRecordTests
{
    private static readonly PaneRecord Record = new()
    {
        Session = "kstack-exec-node-w-1", Mode = "exec", Context = "kind-\"demo\"", Target = "node/w-1", Trust = PaneTrust.Trusted,
        Command = "kubectl exec -it 'a b'", Created = DateTimeOffset.Parse("2026-01-01T10:05:00Z"), Pods = [new PodRef("default", "kstack-node-shell-w-1-abc123")],
    };

    [Fact]
    public void A_record_is_written_with_its_trust_name_and_an_explicit_null_namespace() => Assert.Equal(
        """{"session":"kstack-exec-node-w-1","mode":"exec","context":"kind-\"demo\"","target":"node/w-1","trust":"trusted","command":"kubectl exec -it 'a b'","created":"2026-01-01T10:05:00+00:00","pods":[{"namespace":"default","name":"kstack-node-shell-w-1-abc123"}],"namespace":null}""",
        Record.ToJson());

    [Fact]
    public void A_record_round_trips_and_one_written_by_earlier_versions_still_reads()
    {
        Assert.Equal(Record with { Pods = [] }, PaneRecord.FromJson(Record.ToJson()) with { Pods = [] });
        Assert.Equal(Record.Pods, PaneRecord.FromJson(Record.ToJson()).Pods);
        var earlier = PaneRecord.FromJson("""{"session":"kstack-logs-web","mode":"logs","context":"c","target":"deployment/web","trust":"detached","command":"kstack logs follow","created":"2026-01-01T10:05:00.0000000+00:00","pods":[],"namespace":"shop"}""");
        Assert.Equal(PaneTrust.Detached, earlier.Trust);
        Assert.Equal("shop", earlier.Namespace);
        Assert.Equal(DateTimeOffset.Parse("2026-01-01T10:05:00Z"), earlier.Created);
    }

    [Fact]
    public void A_record_with_an_unknown_trust_is_not_loaded()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-panes-").FullName;
        try
        {
            var store = new PaneStore(new Kstack.Cache.InstallRoot(dir));
            store.Save(Record);
            Assert.Equal(PaneTrust.Trusted, store.Load(Record.Session)!.Trust);
            File.WriteAllText(Path.Combine(store.Dir, Record.Session + ".json"), Record.ToJson().Replace("\"trusted\"", "\"root\""));
            Assert.Null(store.Load(Record.Session));
        }
        finally { Directory.Delete(dir, true); }
    }
}
