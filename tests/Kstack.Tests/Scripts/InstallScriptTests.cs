using System.Diagnostics;
using System.Security.Cryptography;
using Kstack.Tests.Packaging;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Scripts;

/// <summary>scripts/install.sh (run by dash) against a local release server: verify before unpack, refuse and leave nothing.</summary>
public sealed class InstallScriptTests : IDisposable
{
    private const string Rid = "linux-x64";
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-sh-").FullName;
    private string Releases => Path.Combine(_dir, "releases");
    private string Target => Path.Combine(_dir, "home", ".local", "bin");
    private string Tmp => Path.Combine(_dir, "tmp");

    public InstallScriptTests()
    {
        Directory.CreateDirectory(Tmp);
        Directory.CreateDirectory(Path.Combine(_dir, "home"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Installs_the_latest_release_after_checking_its_checksum()
    {
        Publish("1.4.0", latest: true);
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(0, run.Exit);
        Assert.Contains("kstack 1.4.0 installed: " + Path.Combine(Target, "kstack"), run.Stdout);
        Assert.Equal("fake kstack 1.4.0\n", RunInstalled());
        Assert.Contains("/latest/download/SHA256SUMS", server.Requests);
        AssertNoTempLeft();
    }

    [Fact]
    public void Installs_a_named_version_into_the_named_directory()
    {
        Publish("1.3.2");
        Publish("1.4.0", latest: true);
        using var server = new StaticFileServer(Releases);
        var dir = Path.Combine(_dir, "opt", "bin");
        var run = Install(server, "--version", "v1.3.2", "--dir", dir);
        Assert.Equal(0, run.Exit);
        Assert.Equal("fake kstack 1.3.2\n", KstackProcess.Run(Path.Combine(dir, "kstack"), [], new Dictionary<string, string?>()).Stdout);
        Assert.Contains("/download/v1.3.2/kstack-1.3.2-linux-x64.tar.gz", server.Requests);
    }

    [Fact]
    public void A_wrong_checksum_is_refused_before_unpacking()
    {
        Publish("1.4.0", latest: true, sums: _ => new string('0', 64));
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(1, run.Exit);
        Assert.Contains("checksum mismatch for kstack-1.4.0-linux-x64.tar.gz", run.Stderr);
        Assert.Contains("nothing was installed", run.Stderr);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_truncated_download_is_refused()
    {
        Publish("1.4.0", latest: true, mutate: bytes => bytes[..(bytes.Length / 2)]);
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(1, run.Exit);
        Assert.Contains("checksum mismatch", run.Stderr);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_release_whose_archive_is_broken_but_listed_is_refused_at_unpack()
    {
        // The sums match the broken bytes (a bad release, not a bad download): tar refuses, nothing lands.
        Publish("1.4.0", latest: true, mutate: bytes => bytes[..(bytes.Length / 2)], sumsOfServedBytes: true);
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(1, run.Exit);
        Assert.Contains("could not unpack kstack-1.4.0-linux-x64.tar.gz; nothing was installed", run.Stderr);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_missing_archive_or_missing_sums_is_a_clear_refusal()
    {
        Publish("1.4.0", latest: true);
        File.Delete(Path.Combine(Releases, "latest", "download", "kstack-1.4.0-linux-x64.tar.gz"));
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(1, run.Exit);
        Assert.Contains($"could not download {server.BaseUrl}/latest/download/kstack-1.4.0-linux-x64.tar.gz", run.Stderr);
        AssertNothingInstalled();

        var missing = Install(server, "--version", "9.9.9");
        Assert.Equal(1, missing.Exit);
        Assert.Contains($"could not download {server.BaseUrl}/download/v9.9.9/SHA256SUMS", missing.Stderr);
    }

    [Fact]
    public void Sums_without_an_archive_for_this_platform_are_refused()
    {
        Publish("1.4.0", latest: true, rid: "osx-arm64");
        using var server = new StaticFileServer(Releases);
        var run = Install(server);
        Assert.Equal(1, run.Exit);
        Assert.Contains("release has no archive for linux-x64", run.Stderr);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        using var server = new StaticFileServer(Releases);
        Assert.Contains("unknown option: --frobnicate", Install(server, "--frobnicate").Stderr);
        Assert.Contains("not a version: ../../etc", Install(server, "--version", "../../etc").Stderr);
        Assert.Contains("--dir needs a value", Install(server, "--dir").Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void The_release_archive_built_by_make_release_installs_and_runs()
    {
        var dir = Environment.GetEnvironmentVariable("KSTACK_RELEASE_DIR");
        if (string.IsNullOrEmpty(dir) && !ToolPackageTests.ClangPresent) return; // a release needs the NativeAOT build
        Assert.False(string.IsNullOrEmpty(dir), "KSTACK_RELEASE_DIR is not set: scripts/test.sh runs `make release` and sets it.");
        var sums = File.ReadAllLines(Path.Combine(dir, "SHA256SUMS"));
        var archive = sums.Select(l => l.Split("  ")[1]).Single(f => f.EndsWith($"-{Rid}.tar.gz", StringComparison.Ordinal));
        var version = archive["kstack-".Length..^$"-{Rid}.tar.gz".Length];
        var latest = Directory.CreateDirectory(Path.Combine(Releases, "latest", "download")).FullName;
        File.Copy(Path.Combine(dir, "SHA256SUMS"), Path.Combine(latest, "SHA256SUMS"));
        File.Copy(Path.Combine(dir, archive), Path.Combine(latest, archive));
        using var server = new StaticFileServer(Releases);

        var run = Install(server);
        Assert.True(run.Exit == 0, run.Stderr);
        var installed = KstackProcess.Run(Path.Combine(Target, "kstack"), ["--version"], new Dictionary<string, string?>());
        Assert.Equal(0, installed.Exit);
        Assert.Contains($"kstack {version}", EnvelopeAssert.Valid(installed.Stdout)["content"]!.GetValue<string>());

        var listing = Run("tar", "-tzf", Path.Combine(dir, archive)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        string[] expected = [$"kstack-{version}-{Rid}/", $"kstack-{version}-{Rid}/LICENSE", $"kstack-{version}-{Rid}/README.md",
            $"kstack-{version}-{Rid}/kstack", $"kstack-{version}-{Rid}/schemas/", $"kstack-{version}-{Rid}/schemas/response.schema.json"];
        Assert.Equal(expected.Order().ToArray(), listing);
    }

    /// <summary>Lays out a release as GitHub serves it: download/v&lt;ver&gt;/ and, for the latest, latest/download/.</summary>
    private void Publish(string version, bool latest = false, string rid = Rid, Func<byte[], byte[]>? mutate = null,
        Func<byte[], string>? sums = null, bool sumsOfServedBytes = false)
    {
        var name = $"kstack-{version}-{rid}";
        var stage = Directory.CreateDirectory(Path.Combine(_dir, "stage", name)).FullName;
        var script = Path.Combine(stage, "kstack");
        File.WriteAllText(script, $"#!/bin/sh\necho 'fake kstack {version}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var archive = Path.Combine(_dir, "stage", name + ".tar.gz");
        Run("tar", "-C", Path.Combine(_dir, "stage"), "-czf", archive, name);
        var good = File.ReadAllBytes(archive);
        var served = mutate?.Invoke(good) ?? good;
        var hash = sums?.Invoke(good) ?? Convert.ToHexStringLower(SHA256.HashData(sumsOfServedBytes ? served : good));
        foreach (var dir in latest ? new[] { $"download/v{version}", "latest/download" } : [$"download/v{version}"])
        {
            var d = Directory.CreateDirectory(Path.Combine(Releases, dir)).FullName;
            File.WriteAllBytes(Path.Combine(d, name + ".tar.gz"), served);
            File.WriteAllText(Path.Combine(d, "SHA256SUMS"), $"{hash}  {name}.tar.gz\n");
        }
    }

    private KstackProcess.Output Install(StaticFileServer server, params string[] args) =>
        KstackProcess.Run("sh", new[] { Path.Combine(KstackProcess.RepoRoot, "scripts", "install.sh") }.Concat(args),
            new Dictionary<string, string?>
            {
                ["HOME"] = Path.Combine(_dir, "home"), ["TMPDIR"] = Tmp, ["KSTACK_RELEASE_BASE"] = server.BaseUrl,
                ["KSTACK_INSTALL_DIR"] = null,
            });

    private string RunInstalled() => KstackProcess.Run(Path.Combine(Target, "kstack"), [], new Dictionary<string, string?>()).Stdout;

    private void AssertNothingInstalled()
    {
        Assert.False(Directory.Exists(Target), "the install directory was created although nothing was installed");
        AssertNoTempLeft();
    }

    private void AssertNoTempLeft() => Assert.Empty(Directory.EnumerateFileSystemEntries(Tmp));

    private static KstackProcess.Output Run(string file, params string[] args)
    {
        var output = KstackProcess.Run(file, args, new Dictionary<string, string?>());
        Assert.True(output.Exit == 0, $"{file} failed: {output.Stderr}");
        return output;
    }
}
