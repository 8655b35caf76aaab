using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Install;

/// <summary>An isolated HOME, project dir and PATH dir for running the built kstack binary.</summary>
public sealed class Sandbox : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("kstack-inst-").FullName;
    public string Home => Path.Combine(Dir, "home");
    public string Project => Path.Combine(Dir, "proj");
    public string FakeBin => Path.Combine(Dir, "fakebin");
    public string GlobalRoot => Path.Combine(Home, ".config", "kstack");
    public string LocalRoot => Path.Combine(Project, ".kstack");

    public Sandbox()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(FakeBin);
    }

    public static string RepoRoot => KstackProcess.RepoRoot;

    public static string KstackBin => KstackProcess.KstackBin;

    /// <summary>A fake agent CLI on the sandbox PATH.</summary>
    public void FakeCli(string name, bool executable = true)
    {
        var file = Path.Combine(FakeBin, name);
        File.WriteAllText(file, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
    }

    public sealed record Result(int Exit, string Stdout, string Stderr, JsonObject Envelope)
    {
        public string Content => (string?)Envelope["content"] ?? "";
        public string Message => (string?)Envelope["message"] ?? "";
        public bool Ok => (string?)Envelope["status"] == "ok";

        public Result AssertOk()
        {
            Assert.True(Ok, $"expected ok, got {Stdout}");
            return this;
        }

        public Result AssertUserError(string message)
        {
            Assert.Equal("error", (string?)Envelope["status"]);
            Assert.Equal("user", (string?)Envelope["kind"]);
            Assert.Equal(message, Message);
            return this;
        }
    }

    /// <summary>Runs a binary (kstack by default) with HOME and PATH isolated; checks the single envelope.</summary>
    public Result Run(IEnumerable<string> args, string? cwd = null, string? stdin = null, string? binary = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var vars = new Dictionary<string, string?> { ["HOME"] = Home, ["PATH"] = FakeBin };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) vars[k] = v;
        var output = KstackProcess.Run(binary ?? KstackBin, args, vars, cwd ?? Project, stdin);
        var result = new Result(output.Exit, output.Stdout, output.Stderr, null!);
        Assert.True(output.Exit == 0, $"exit {output.Exit}; stderr: {result.Stderr}");
        return result with { Envelope = EnvelopeAssert.Valid(result.Stdout) };
    }

    public Result Run(params string[] args) => Run((IEnumerable<string>)args);

    public Result Install(params string[] args) => Run(new[] { "install" }.Concat(args));

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs the skills-ref validator (SKILLS_REF_BIN, else &lt;repo&gt;/tools/node_modules/.bin/skills-ref); missing → failure.</summary>
public static class SkillsRef
{
    public static string Bin
    {
        get
        {
            var bin = Environment.GetEnvironmentVariable("SKILLS_REF_BIN") is { Length: > 0 } b ? b : Path.Combine(Sandbox.RepoRoot, "tools", "node_modules", ".bin", "skills-ref");
            Assert.True(File.Exists(bin), $"skills-ref not found at {bin}: run `cd tools && npm install skills-ref@0.1.5` (scripts/test.sh does)");
            return bin;
        }
    }

    public static void AssertValid(string slotDir)
    {
        var output = KstackProcess.Run(Bin, ["validate", slotDir], new Dictionary<string, string?>());
        Assert.True(output.Exit == 0, $"skills-ref validate {slotDir} failed: {output.Stdout}{output.Stderr}");
    }

    /// <summary>
    /// Copies a render, sets aside the agent-specific frontmatter (disable-model-invocation, argument-hint, Claude's
    /// allowed-tools list), and validates the copy: everything else must be standard.
    /// </summary>
    public static void AssertValidWithoutAgentKeys(string slotDir, string scratch)
    {
        var copy = Path.Combine(scratch, Path.GetFileName(slotDir));
        Directory.CreateDirectory(copy);
        var kept = new List<string>();
        var inAllowedTools = false;
        foreach (var l in File.ReadAllLines(Path.Combine(slotDir, "SKILL.md")))
        {
            if (inAllowedTools && l.StartsWith("  - ", StringComparison.Ordinal)) continue;
            inAllowedTools = l == "allowed-tools:";
            if (inAllowedTools || l.StartsWith("disable-model-invocation:", StringComparison.Ordinal) || l.StartsWith("argument-hint:", StringComparison.Ordinal)) continue;
            kept.Add(l);
        }
        File.WriteAllLines(Path.Combine(copy, "SKILL.md"), kept);
        AssertValid(copy);
    }
}
