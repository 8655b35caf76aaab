using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Tests.Install;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Cache;

/// <summary>
/// A directory that really refuses writes, even to root: a tmpfs mounted here and remounted read-only (tests run as root
/// on this machine and in CI, where chmod would not stop the write). Without mount rights, a non-root user gets a 0555 dir.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyDir : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("kstack-ro-").FullName;
    private readonly bool _mounted;

    public ReadOnlyDir(Action<string>? populate = null)
    {
        var tmpfs = KstackProcess.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", Dir], new Dictionary<string, string?>());
        _mounted = tmpfs.Exit == 0;
        populate?.Invoke(Dir);
        if (_mounted)
        {
            var ro = KstackProcess.Run("mount", ["-o", "remount,ro", Dir], new Dictionary<string, string?>());
            Assert.True(ro.Exit == 0, "remount read-only failed: " + ro.Stderr);
        }
        else
        {
            Assert.True(Environment.UserName != "root", "running as root without mount rights: no way to make a directory read-only here");
            File.SetUnixFileMode(Dir, (UnixFileMode)0b101_101_101);
        }
        Assert.NotNull(WritableRoot.Problem(Dir));
    }

    public void Dispose()
    {
        if (_mounted) KstackProcess.Run("umount", ["-l", Dir], new Dictionary<string, string?>());
        else File.SetUnixFileMode(Dir, (UnixFileMode)0b111_101_101);
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class WritableRootTests
{
    [Fact]
    public void A_writable_dir_passes_and_keeps_no_probe_file()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-rw-").FullName;
        try
        {
            WritableRoot.Ensure(Path.Combine(dir, "new", "deeper"));
            Assert.Empty(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_read_only_dir_is_an_infra_error_naming_the_path_cause_and_remedy()
    {
        using var ro = new ReadOnlyDir();
        var e = Assert.Throws<KstackException>(() => WritableRoot.Ensure(Path.Combine(ro.Dir, "cache")));
        Assert.Equal(ErrorKind.Infra, e.Kind);
        Assert.StartsWith($"kstack cannot write to {Path.Combine(ro.Dir, "cache")} (", e.Message);
        Assert.Contains("agent sandbox", e.Message);
        Assert.Contains("KSTACK_CACHE_DIR", e.Message);
        Assert.Contains("--add-dir", e.Message);
    }

    [Fact]
    public async Task The_lock_on_a_read_only_dir_fails_at_once_instead_of_waiting_for_another_run()
    {
        using var ro = new ReadOnlyDir(d => Directory.CreateDirectory(Path.Combine(d, "ctx")));
        // A two-minute timeout: reaching it would mean the lock was retried (and blamed "another kstack run").
        var e = await Assert.ThrowsAsync<KstackException>(() => DirectoryLock.AcquireAsync(Path.Combine(ro.Dir, "ctx"), TimeSpan.FromMinutes(2)));
        Assert.Contains("kstack cannot write to", e.Message);
        Assert.DoesNotContain("another kstack run", e.Message);
    }
}

/// <summary>The built binary with a read-only install root: a typed infra envelope, exit 0, never a crash.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ReadOnlyRootProcessTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_skill_run_on_a_read_only_root_answers_the_sandbox_error(bool withCacheDir)
    {
        using var box = new Sandbox();
        using var ro = new ReadOnlyDir(d => { if (withCacheDir) Directory.CreateDirectory(Path.Combine(d, "cache", "kube")); });
        foreach (var args in new[] { new[] { "events" }, ["forget", "--all"], ["cluster-status", "--context", "nosuch"] })
        {
            var r = box.Run(args, env: new Dictionary<string, string> { ["KSTACK_ROOT"] = ro.Dir });
            Assert.Equal("infra", (string?)r.Envelope["kind"]);
            Assert.StartsWith($"kstack cannot write to {ro.Dir} (read-only file system)", r.Message);
            Assert.Equal("", r.Stderr);
        }
    }

    [Fact]
    public void Kstack_cache_dir_moves_the_writes_somewhere_writable()
    {
        using var box = new Sandbox();
        using var ro = new ReadOnlyDir();
        var data = Path.Combine(box.Dir, "data");
        var r = box.Run(new[] { "forget", "--all" }, env: new Dictionary<string, string> { ["KSTACK_ROOT"] = ro.Dir, ["KSTACK_CACHE_DIR"] = data }).AssertOk();
        Assert.True(Directory.Exists(data));
    }
}
