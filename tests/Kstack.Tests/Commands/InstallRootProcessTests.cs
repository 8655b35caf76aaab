using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Commands;

/// <summary>An install root kstack cannot write is a typed infra error, not a crash.</summary>
public class InstallRootProcessTests
{
    [Fact]
    public async Task A_kstack_root_naming_a_regular_file_is_an_infra_error()
    {
        await using var fake = new FakeApiServer((_, stream, ct) => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.EmptyList("List"), ct));
        var file = Path.Combine(fake.Dir, "not-a-dir");
        File.WriteAllText(file, "x");
        var (run, _) = fake.KstackWith(new Dictionary<string, string?> { ["KSTACK_ROOT"] = file }, "cluster-status");
        Assert.Equal("infra", run.Kind);
        Assert.Contains("KSTACK_ROOT", run.Message);
    }

    [Fact]
    public async Task A_kstack_root_on_an_unwritable_pseudo_file_system_is_an_infra_error()
    {
        await using var fake = new FakeApiServer((_, stream, ct) => FakeApiServer.WriteAsync(stream, 200, FakeApiServer.EmptyList("List"), ct));
        var (run, _) = fake.KstackWith(new Dictionary<string, string?> { ["KSTACK_ROOT"] = "/proc/kstack-root" }, "events");
        Assert.Equal("infra", run.Kind);
        Assert.Contains("/proc/kstack-root", run.Message);
    }
}
