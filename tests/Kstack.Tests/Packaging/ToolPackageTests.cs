using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Packaging;

/// <summary>
/// The packages `make pack` writes (KSTACK_PACKAGES, set by scripts/test.sh) install with the real `dotnet tool` from that
/// folder alone — into a tool path, as a global tool and from a local tool manifest — and the installed kstack works.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-tool-").FullName;
    private readonly string _packages;
    private readonly string _nugetConfig;

    public ToolPackageTests()
    {
        _packages = Environment.GetEnvironmentVariable("KSTACK_PACKAGES") ?? "";
        Assert.True(_packages.Length > 0 && Directory.Exists(_packages),
            "KSTACK_PACKAGES is not set: scripts/test.sh runs `make pack` and sets it to artifacts/packages.");
        // Only the packages folder: the install must not depend on any feed.
        _nugetConfig = Path.Combine(_dir, "nuget.config");
        File.WriteAllText(_nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="kstack" value="{_packages}" /></packageSources>
            </configuration>
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Env => new()
    {
        ["HOME"] = Path.Combine(_dir, "home"), ["DOTNET_CLI_HOME"] = Path.Combine(_dir, "home"),
        ["NUGET_PACKAGES"] = Path.Combine(_dir, "nuget"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    private KstackProcess.Output Dotnet(string cwd, params string[] args)
    {
        Directory.CreateDirectory(cwd);
        var output = KstackProcess.Run("dotnet", args, Env, cwd, timeoutMs: 180_000);
        Assert.True(output.Exit == 0, $"dotnet {string.Join(' ', args)} failed ({output.Exit}): {output.Stdout}{output.Stderr}");
        return output;
    }

    public static bool ClangPresent =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "clang")));

    private static string Version => File.ReadAllText(Path.Combine(KstackProcess.RepoRoot, "src", "Kstack", "Kstack.csproj"))
        .Split("<Version>")[1].Split("</Version>")[0];

    [Fact]
    public void Make_pack_writes_the_pointer_the_native_and_the_any_package()
    {
        var names = Directory.GetFiles(_packages, "*.nupkg").Select(Path.GetFileName).Order().ToArray();
        Assert.Contains($"kstack.{Version}.nupkg", names);
        Assert.Contains($"kstack.any.{Version}.nupkg", names);
        if (ClangPresent) Assert.Contains($"kstack.linux-x64.{Version}.nupkg", names);
    }

    [Fact]
    public void Installs_into_a_tool_path_runs_installs_skills_and_uninstalls()
    {
        var tools = Path.Combine(_dir, "tools");
        Dotnet(_dir, "tool", "install", "--tool-path", tools, "--configfile", _nugetConfig, "kstack", "--version", Version);
        var kstack = Path.Combine(tools, "kstack");

        var version = KstackProcess.Run(kstack, ["--version"], Env);
        Assert.Equal(0, version.Exit);
        Assert.StartsWith($"kstack {Version}", EnvelopeAssert.Valid(version.Stdout)["content"]!.GetValue<string>());

        var project = Directory.CreateDirectory(Path.Combine(_dir, "proj")).FullName;
        var install = KstackProcess.Run(kstack, ["install", "--local", "--agent", "claude"], Env, project);
        Assert.Equal(0, install.Exit);
        Assert.Equal("ok", EnvelopeAssert.Valid(install.Stdout)["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(project, ".claude", "skills", "kstack-cluster-status", "SKILL.md")));
        // The skills call the copy under .kstack/bin, which keeps working after the tool is removed or updated.
        var skill = File.ReadAllText(Path.Combine(project, ".claude", "skills", "kstack-cluster-status", "SKILL.md"));
        Assert.Contains(Path.Combine(project, ".kstack", "bin", "kstack"), skill);

        Dotnet(_dir, "tool", "uninstall", "--tool-path", tools, "kstack");
        Assert.False(File.Exists(kstack));
        var copied = KstackProcess.Run(Path.Combine(project, ".kstack", "bin", "kstack"), ["--version"], Env);
        Assert.Equal(0, copied.Exit);
    }

    [Fact]
    public void Installs_as_a_global_tool_and_from_a_local_tool_manifest()
    {
        Dotnet(_dir, "tool", "install", "-g", "--configfile", _nugetConfig, "kstack", "--version", Version);
        var global = Path.Combine(_dir, "home", ".dotnet", "tools", "kstack");
        var run = KstackProcess.Run(global, ["--version"], Env);
        Assert.Equal(0, run.Exit);
        Assert.Equal("ok", EnvelopeAssert.Valid(run.Stdout)["status"]!.GetValue<string>());
        Dotnet(_dir, "tool", "uninstall", "-g", "kstack");

        var repo = Path.Combine(_dir, "repo");
        Dotnet(repo, "new", "tool-manifest");
        Dotnet(repo, "tool", "install", "--local", "--configfile", _nugetConfig, "kstack", "--version", Version);
        var local = Dotnet(repo, "tool", "run", "kstack", "--", "--version");
        var envelope = EnvelopeAssert.Valid(local.Stdout.Trim());
        Assert.StartsWith($"kstack {Version}", (string?)envelope["content"]);
        // .NET 10 writes the manifest beside the project; older SDKs under .config/.
        var manifestPath = new[] { Path.Combine(repo, "dotnet-tools.json"), Path.Combine(repo, ".config", "dotnet-tools.json") }.First(File.Exists);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        Assert.Equal(Version, (string?)manifest["tools"]!["kstack"]!["version"]);
    }
}
