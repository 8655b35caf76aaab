using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kstack.Cli;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Update;

/// <summary>
/// `kstack upgrade` through the built binary: an install left by an older kstack (a fixture manifest and slots), the
/// release-archive path against a local server (good and bad checksums), and the .NET tool paths with a stand-in
/// `dotnet` on PATH that records what it was asked to do.
/// </summary>
public sealed class UpgradeCommandTests : IDisposable
{
    private static readonly string Rid = Kstack.Update.ReleaseArchive.Rid() ?? "linux-x64";
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-upgrade-").FullName;
    private static string Version => KstackApp.Version;
    private static readonly string[] Skills = Kstack.Commands.SkillCatalogue.Names.ToArray();

    private string Home => Path.Combine(_dir, "home");
    private string Project => Path.Combine(_dir, "project");
    private string GlobalRoot => Path.Combine(Home, ".config", "kstack");

    public UpgradeCommandTests()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Project);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Dictionary<string, string?> Env(string root, params (string Key, string? Value)[] more)
    {
        var env = new Dictionary<string, string?> { ["KSTACK_ROOT"] = root, ["HOME"] = Home, ["KSTACK_RELEASE_BASE"] = null };
        foreach (var (k, v) in more) env[k] = v;
        return env;
    }

    private static SimCluster.Run Upgrade(Dictionary<string, string?> env, params string[] args) =>
        SimCluster.KstackIn(env, ["upgrade", .. args]);

    /// <summary>An install as an older kstack left it: manifest/version and manifest/skills only, and its slot dirs.</summary>
    private string OldLocalInstall(string prefix, string[] agentDirs, params string[] extraSlots)
    {
        var root = Path.Combine(Project, ".kstack");
        var manifest = Directory.CreateDirectory(Path.Combine(root, "manifest")).FullName;
        var slots = new[] { "cluster-status", "events" }.Select(s => prefix + s).Concat(extraSlots).ToArray();
        File.WriteAllText(Path.Combine(manifest, "version"), "0.0.9\n");
        File.WriteAllText(Path.Combine(manifest, "skills"), string.Join("\n", slots.Order(StringComparer.Ordinal)) + "\n");
        foreach (var dir in agentDirs)
            foreach (var slot in slots)
            {
                var slotDir = Directory.CreateDirectory(Path.Combine(Project, dir, slot)).FullName;
                File.WriteAllText(Path.Combine(slotDir, "SKILL.md"), $"---\nname: {slot}\ndescription: old\n---\nold kstack 0.0.9\n");
            }
        return root;
    }

    [Fact]
    public void An_install_from_an_older_version_keeps_its_agents_prefix_and_scope()
    {
        var root = OldLocalInstall("k-", [".agents/skills", ".cursor/skills"], "k-retired");
        var own = Directory.CreateDirectory(Path.Combine(Project, ".agents", "skills", "my-own")).FullName;
        File.WriteAllText(Path.Combine(own, "SKILL.md"), "mine");

        // Run from elsewhere: the manifest, not the current directory, says where the skills go.
        var run = Upgrade(Env(root)).AssertOk();
        var lines = run.Content.Split('\n');
        Assert.Equal($"⬆️  kstack 0.0.9 → {Version}", lines[0]);
        Assert.Contains($"   Skills:   {Skills.Length} for codex, cursor (local → {Project}, prefix k-); read from the skills an older kstack installed", lines);
        Assert.Contains("   Removed:  /k-retired", lines);
        Assert.Contains("   Added:    " + string.Join(", ", Skills.Except(["cluster-status", "events"]).Select(s => "/k-" + s).Order(StringComparer.Ordinal)), lines);

        foreach (var dir in new[] { ".agents/skills", ".cursor/skills" })
            foreach (var skill in Skills)
            {
                var md = File.ReadAllText(Path.Combine(Project, dir, "k-" + skill, "SKILL.md"));
                Assert.Contains($"name: k-{skill}", md);
                Assert.DoesNotContain("old kstack", md);
            }
        Assert.False(Directory.Exists(Path.Combine(Project, ".agents", "skills", "k-retired")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(own, "SKILL.md")));
        Assert.False(Directory.Exists(Path.Combine(Project, ".claude")), "upgrade rendered for an agent the install did not have");
        Assert.False(Directory.Exists(Path.Combine(Home, ".agents")), "a local install's upgrade wrote into the home directory");
        Assert.False(Directory.Exists(Path.Combine(Home, ".cursor")), "a local install's upgrade wrote into the home directory");

        // The upgrade recorded what it inferred: the next one reads it.
        Assert.Equal("local", Manifest(root, "scope"));
        Assert.Equal("codex\ncursor", Manifest(root, "agents"));
        Assert.Equal("k-", Manifest(root, "prefix"));
        Assert.Equal(Version, Manifest(root, "version"));
        var again = Upgrade(Env(root)).AssertOk().Content.Split('\n');
        Assert.Equal($"kstack {Version} is the newest release; the skills were rendered again.", again[0]);
        Assert.Contains($"   Skills:   {Skills.Length} for codex, cursor (local → {Project}, prefix k-)", again);
        Assert.Contains("   No skill was added or removed.", again);
    }

    [Fact]
    public void A_global_install_is_rendered_again_with_its_recorded_agents_and_no_prefix()
    {
        var custom = Path.Combine(_dir, "custom-skills");
        SimCluster.KstackIn(Env(GlobalRoot), "install", "--global", "--agent", "pi", "--agent", "claude", "--dir", custom, "--no-prefix", "--quiet").AssertOk();
        File.WriteAllText(Path.Combine(Home, ".pi", "agent", "skills", "events", "SKILL.md"), "stale");
        File.WriteAllText(Path.Combine(custom, "events", "SKILL.md"), "stale");
        var lines = Upgrade(Env(GlobalRoot)).AssertOk().Content.Split('\n');
        Assert.Contains($"   Skills:   {Skills.Length} for claude, pi, {custom} (global, no prefix)", lines);
        Assert.Contains("name: events", File.ReadAllText(Path.Combine(Home, ".pi", "agent", "skills", "events", "SKILL.md")));
        Assert.Contains("name: events", File.ReadAllText(Path.Combine(custom, "events", "SKILL.md")));
        Assert.False(Directory.Exists(Path.Combine(Home, ".agents")));
    }

    [Fact]
    public void An_install_without_a_manifest_is_told_to_run_install()
    {
        var run = Upgrade(Env(Path.Combine(_dir, "nothing"))).AssertOk();
        Assert.Contains($"No skills are installed at {Path.Combine(_dir, "nothing")} (no manifest/): run `kstack install` to add them.", run.Content);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--version", "latest")]
    [InlineData("--version")]
    public void Bad_flags_are_user_errors(params string[] args) =>
        Assert.Equal("user", Upgrade(Env(GlobalRoot), args).Kind);

    // ---- release archive ----

    /// <summary>A root installed from a release archive at &lt;dir&gt;/bin/kstack (here a stand-in script, "the old binary").</summary>
    private string ArchiveInstall()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "local", "bin")).FullName;
        var old = Path.Combine(bin, "kstack");
        File.WriteAllText(old, "#!/bin/sh\necho old kstack\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(old, (UnixFileMode)0b111_101_101);
        var manifest = Directory.CreateDirectory(Path.Combine(GlobalRoot, "manifest")).FullName;
        File.WriteAllText(Path.Combine(manifest, "version"), "0.0.9\n");
        File.WriteAllText(Path.Combine(manifest, "skills"), "kstack-events\n");
        File.WriteAllText(Path.Combine(manifest, "origin"), old + "\n");
        File.WriteAllText(Path.Combine(manifest, "scope"), "global\n");
        File.WriteAllText(Path.Combine(manifest, "agents"), "claude\n");
        File.WriteAllText(Path.Combine(manifest, "prefix"), "kstack-\n");
        return old;
    }

    /// <summary>A release as GitHub lays it out (download/v&lt;v&gt;/ and latest/download/), its binary the kstack under test.</summary>
    private string Publish(string version, Func<byte[], string>? sums = null, bool withBinary = true)
    {
        var name = $"kstack-{version}-{Rid}";
        var stage = Directory.CreateDirectory(Path.Combine(_dir, "stage", name)).FullName;
        if (withBinary) File.Copy(KstackProcess.KstackBin, Path.Combine(stage, "kstack"));
        else File.WriteAllText(Path.Combine(stage, "README.md"), "no binary");
        var archive = Path.Combine(_dir, "stage", name + ".tar.gz");
        var tar = KstackProcess.Run("tar", ["-C", Path.Combine(_dir, "stage"), "-czf", archive, name], new Dictionary<string, string?>());
        Assert.True(tar.Exit == 0, tar.Stderr);
        var bytes = File.ReadAllBytes(archive);
        var releases = Path.Combine(_dir, "releases");
        foreach (var dir in new[] { $"download/v{version}", "latest/download" })
        {
            var d = Directory.CreateDirectory(Path.Combine(releases, dir)).FullName;
            File.WriteAllBytes(Path.Combine(d, name + ".tar.gz"), bytes);
            File.WriteAllText(Path.Combine(d, "SHA256SUMS"), $"{sums?.Invoke(bytes) ?? Convert.ToHexStringLower(SHA256.HashData(bytes))}  {name}.tar.gz\n");
        }
        return releases;
    }

    [Fact]
    public void A_release_archive_install_downloads_checks_and_replaces_the_binary_then_renders_again()
    {
        var old = ArchiveInstall();
        using var server = new StaticFileServer(Publish("99.0.0"));
        var run = Upgrade(Env(GlobalRoot, ("KSTACK_RELEASE_BASE", server.BaseUrl))).AssertOk();
        var lines = run.Content.Split('\n');
        Assert.Equal($"⬆️  kstack 0.0.9 → {Version}", lines[0]);
        Assert.Contains($"   Binary:   {old} ← kstack-99.0.0-{Rid}.tar.gz from {server.BaseUrl} (SHA-256 verified)", lines);
        Assert.Contains($"   Skills:   {Skills.Length} for claude (global, prefix kstack-)", lines);
        Assert.Equal(["/latest/download/SHA256SUMS", $"/latest/download/kstack-99.0.0-{Rid}.tar.gz"], server.Requests);

        Assert.Equal(File.ReadAllBytes(KstackProcess.KstackBin), File.ReadAllBytes(old));
        if (!OperatingSystem.IsWindows()) Assert.True(File.GetUnixFileMode(old).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal([old], Directory.GetFiles(Path.GetDirectoryName(old)!));
        foreach (var skill in Skills) Assert.True(File.Exists(Path.Combine(Home, ".claude", "skills", "kstack-" + skill, "SKILL.md")));
        // The new binary rendered the skills, so it is the one recorded now.
        Assert.Equal(old, Manifest(GlobalRoot, "origin"));

        // A named release comes from download/v<version>/.
        Upgrade(Env(GlobalRoot, ("KSTACK_RELEASE_BASE", server.BaseUrl)), "--version", "v99.0.0").AssertOk();
        Assert.Contains($"/download/v99.0.0/kstack-99.0.0-{Rid}.tar.gz", server.Requests);
    }

    [Theory]
    [InlineData("bad-checksum")]
    [InlineData("no-archive-for-this-platform")]
    [InlineData("archive-missing")]
    [InlineData("no-binary-in-archive")]
    [InlineData("version-not-released")]
    public void A_bad_release_changes_nothing(string fault)
    {
        var old = ArchiveInstall();
        var releases = Publish("99.0.0", sums: fault == "bad-checksum" ? _ => new string('0', 64) : null, withBinary: fault != "no-binary-in-archive");
        var latest = Path.Combine(releases, "latest", "download");
        if (fault == "no-archive-for-this-platform")
            File.WriteAllText(Path.Combine(latest, "SHA256SUMS"), new string('a', 64) + "  kstack-99.0.0-osx-arm64.tar.gz\n");
        if (fault == "archive-missing") File.Delete(Path.Combine(latest, $"kstack-99.0.0-{Rid}.tar.gz"));
        using var server = new StaticFileServer(releases);
        var env = Env(GlobalRoot, ("KSTACK_RELEASE_BASE", server.BaseUrl));

        var run = fault == "version-not-released" ? Upgrade(env, "--version", "98.0.0") : Upgrade(env);
        Assert.Equal("infra", run.Kind);
        var message = (string)run.Envelope["message"]!;
        Assert.EndsWith("nothing was changed.", message);
        Assert.Contains(fault switch
        {
            "bad-checksum" => $"Checksum mismatch for kstack-99.0.0-{Rid}.tar.gz (expected {new string('0', 64)}, got ",
            "no-archive-for-this-platform" => $"The release has no archive for {Rid}",
            "archive-missing" => $"Could not download {server.BaseUrl}/latest/download/kstack-99.0.0-{Rid}.tar.gz (HTTP 404)",
            "no-binary-in-archive" => $"kstack-99.0.0-{Rid}.tar.gz holds no kstack-99.0.0-{Rid}/kstack",
            _ => $"Could not download {server.BaseUrl}/download/v98.0.0/SHA256SUMS (HTTP 404)",
        }, message);

        Assert.Equal("#!/bin/sh\necho old kstack\n", File.ReadAllText(old));
        Assert.Equal([old], Directory.GetFiles(Path.GetDirectoryName(old)!));
        Assert.Equal("0.0.9", Manifest(GlobalRoot, "version"));
        Assert.False(Directory.Exists(Path.Combine(Home, ".claude")));
    }

    // ---- .NET tool ----

    /// <summary>A stand-in `dotnet` that records its arguments and, for `tool update`, puts the kstack under test at the tool's shim.</summary>
    private string FakeDotnet(string shimDir, int exit = 0, string stderr = "")
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "fakebin")).FullName;
        var script = Path.Combine(bin, "dotnet");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{{_dir}}/dotnet-calls'
            [ {{exit}} -eq 0 ] || { printf '%s\n' '{{stderr}}' >&2; exit {{exit}}; }
            mkdir -p '{{shimDir}}/.store/kstack' && cp '{{KstackProcess.KstackBin}}' '{{shimDir}}/kstack'
            echo "Tool 'kstack' was successfully updated."
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return bin + ":" + Environment.GetEnvironmentVariable("PATH");
    }

    private void ToolInstall(string origin)
    {
        var manifest = Directory.CreateDirectory(Path.Combine(GlobalRoot, "manifest")).FullName;
        File.WriteAllText(Path.Combine(manifest, "version"), "0.0.9\n");
        File.WriteAllText(Path.Combine(manifest, "skills"), "kstack-events\n");
        File.WriteAllText(Path.Combine(manifest, "origin"), origin + "\n");
        var slot = Directory.CreateDirectory(Path.Combine(Home, ".agents", "skills", "kstack-events")).FullName;
        File.WriteAllText(Path.Combine(slot, "SKILL.md"), "old");
    }

    private static string Store(string toolPath) => Path.Combine(toolPath, ".store", "kstack", "0.0.9", "kstack.linux-x64", "0.0.9", "tools", "any", Rid, "kstack");

    [Theory]
    [InlineData("global")]
    [InlineData("tool-path")]
    public void A_dotnet_tool_install_is_updated_with_dotnet_tool_update_and_rendered_again_by_the_new_tool(string kind)
    {
        var toolPath = kind == "global" ? Path.Combine(Home, ".dotnet", "tools") : Path.Combine(_dir, "tools");
        ToolInstall(Store(toolPath));
        var path = FakeDotnet(toolPath);
        var lines = Upgrade(Env(GlobalRoot, ("PATH", path))).AssertOk().Content.Split('\n');
        var expected = kind == "global" ? "tool update -g kstack" : $"tool update --tool-path {toolPath} kstack";
        Assert.Equal([expected], File.ReadAllLines(Path.Combine(_dir, "dotnet-calls")));
        Assert.Contains("   Binary:   dotnet " + expected, lines);
        Assert.Contains($"   Skills:   {Skills.Length} for codex (global, prefix kstack-); read from the skills an older kstack installed", lines);
        Assert.Contains("name: kstack-events", File.ReadAllText(Path.Combine(Home, ".agents", "skills", "kstack-events", "SKILL.md")));
        Assert.Equal(Path.Combine(toolPath, "kstack"), Manifest(GlobalRoot, "origin"));
    }

    [Fact]
    public void A_failed_dotnet_tool_update_or_a_missing_dotnet_is_an_infra_error_that_changes_nothing()
    {
        var toolPath = Path.Combine(_dir, "tools");
        ToolInstall(Store(toolPath));
        var failed = Upgrade(Env(GlobalRoot, ("PATH", FakeDotnet(toolPath, exit: 1, stderr: "error NU1101: Unable to find package kstack"))), "--version", "99.0.0");
        Assert.Equal("infra", failed.Kind);
        Assert.Equal($"`dotnet tool update --tool-path {toolPath} kstack --version 99.0.0` failed (exit 1): error NU1101: Unable to find package kstack; nothing was changed.",
            (string?)failed.Envelope["message"]);

        var missing = Upgrade(Env(GlobalRoot, ("PATH", Path.Combine(_dir, "empty"))));
        Assert.Equal("infra", missing.Kind);
        Assert.Contains("`dotnet` is not on PATH", (string?)missing.Envelope["message"]);
        Assert.Equal("old", File.ReadAllText(Path.Combine(Home, ".agents", "skills", "kstack-events", "SKILL.md")));
        Assert.Equal("0.0.9", Manifest(GlobalRoot, "version"));
    }

    private static string Manifest(string root, string file) => File.ReadAllText(Path.Combine(root, "manifest", file)).Trim();
}
