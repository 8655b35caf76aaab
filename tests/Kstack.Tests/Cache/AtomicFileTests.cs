using Kstack.Cache;
using Xunit;

namespace Kstack.Tests.Cache;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-atomic-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_write_survives_its_directory_being_removed_mid_write()
    {
        var target = Path.Combine(_dir, "ctx", "report.json");
        var calls = 0;
        await AtomicFile.WriteAsync(target, async s =>
        {
            // The first attempt loses its directory (and its temp file) as `forget --all` would remove it.
            if (++calls == 1) Directory.Delete(Path.GetDirectoryName(target)!, recursive: true);
            await s.WriteAsync("{\"ok\":true}"u8.ToArray());
        });
        Assert.Equal(2, calls);
        Assert.Equal("{\"ok\":true}", File.ReadAllText(target));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(target)!, "*.tmp"));
    }
}
