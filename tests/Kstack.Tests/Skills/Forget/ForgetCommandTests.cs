using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Skills.Forget;
using Xunit;

namespace Kstack.Tests.Skills.Forget;

/// <summary>forget --all against fetches in flight: it takes every snapshot directory's lock before deleting.</summary>
public sealed class ForgetCommandTests : IDisposable
{
    private readonly InstallRoot _root = new(Directory.CreateTempSubdirectory("kstack-forget-").FullName);

    public void Dispose()
    {
        try { Directory.Delete(_root.Path, recursive: true); } catch (IOException) { }
    }

    private string Snapshot(string context, string? ns = null)
    {
        var dir = _root.CacheDirFor(context);
        if (ns is not null) dir = Path.Combine(dir, "ns", InstallRoot.ShortSha(ns) + "-" + ns);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "pods.json"), "{}");
        return dir;
    }

    [Fact]
    public async Task All_waits_for_a_fetch_holding_a_context_lock_and_leaves_its_files()
    {
        var busy = Snapshot("busy");
        var idle = Snapshot("idle");
        using (await DirectoryLock.AcquireAsync(busy, TimeSpan.FromSeconds(5)))
        {
            var e = await Assert.ThrowsAsync<KstackException>(() => ForgetCommand.ForgetAllAsync(_root, TimeSpan.FromMilliseconds(100), default));
            Assert.Contains("another kstack run", e.Message);
            Assert.True(File.Exists(Path.Combine(busy, "pods.json")));
        }
        Assert.Equal("Forgot local state for all contexts.", await ForgetCommand.ForgetAllAsync(_root, TimeSpan.FromSeconds(5), default));
        Assert.False(File.Exists(Path.Combine(busy, "pods.json")));
        Assert.False(File.Exists(Path.Combine(idle, "pods.json")));
    }

    [Fact]
    public async Task All_waits_for_a_namespaced_fetch_too()
    {
        var nsDir = Snapshot("ctx", "team-a");
        using (await DirectoryLock.AcquireAsync(nsDir, TimeSpan.FromSeconds(5)))
        {
            await Assert.ThrowsAsync<KstackException>(() => ForgetCommand.ForgetAllAsync(_root, TimeSpan.FromMilliseconds(100), default));
            Assert.True(File.Exists(Path.Combine(nsDir, "pods.json")));
        }
        await ForgetCommand.ForgetAllAsync(_root, TimeSpan.FromSeconds(5), default);
        Assert.False(File.Exists(Path.Combine(nsDir, "pods.json")));
        Assert.True(File.Exists(Path.Combine(nsDir, ".lock")), "lock files stay so waiting fetches keep excluding each other");
        Assert.Equal("Nothing to forget — no local state found for any context.", await ForgetCommand.ForgetAllAsync(_root, TimeSpan.FromSeconds(5), default));
    }
}
