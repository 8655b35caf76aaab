using System.Diagnostics;
using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Install;

/// <summary>
/// Opt-in (KSTACK_REAL_AGENT_CLIS=1, the CLIs on PATH; see docs/agents.md): installs into a sandbox and asks the real
/// Claude Code, Codex and OpenCode CLIs, offline, which skills they found there. Without the variable each test passes
/// without running anything, so the default suite needs neither the CLIs nor npm.
/// </summary>
public class RealAgentCliTests
{
    private static bool Enabled => Environment.GetEnvironmentVariable("KSTACK_REAL_AGENT_CLIS") == "1";

    private static string Cli(string name) =>
        Kstack.Install.AgentTable.FindOnPath(name, Environment.GetEnvironmentVariable("PATH"))
        ?? throw new Xunit.Sdk.XunitException($"KSTACK_REAL_AGENT_CLIS=1 but `{name}` is not on PATH (docs/agents.md says how to install it)");

    /// <summary>A sandbox whose project is a git repository (agents look for project skills up to the repository root).</summary>
    private static Sandbox Box()
    {
        var box = new Sandbox();
        var git = KstackProcess.Run("git", ["init", "-q", box.Project], new Dictionary<string, string?>());
        Assert.Equal(0, git.Exit);
        return box;
    }

    /// <summary>Runs a CLI with HOME and PATH of the sandbox (plus the CLI's own dir) and returns stdout.</summary>
    private static string Run(Sandbox box, string cli, IEnumerable<string> args, Dictionary<string, string?>? env = null) =>
        KstackProcess.Run(cli, args, Vars(box, cli, env), box.Project, timeoutMs: 120_000).Stdout;

    /// <summary>
    /// Like <see cref="Run"/>, with stdout sent to a file: OpenCode exits before a pipe has taken all of its output (a
    /// pipe reader gets the first 64 KiB of its ~100 KiB skill list), a file gets all of it.
    /// </summary>
    private static string RunToFile(Sandbox box, string cli, IEnumerable<string> args)
    {
        var outFile = Path.Combine(box.Dir, Path.GetFileName(cli) + ".out");
        var vars = Vars(box, cli, new() { ["KSTACK_TEST_OUT"] = outFile });
        var run = KstackProcess.Run("/bin/sh", ["-c", "exec \"$0\" \"$@\" > \"$KSTACK_TEST_OUT\"", cli, .. args], vars, box.Project, timeoutMs: 120_000);
        Assert.True(run.Exit == 0, run.Stderr);
        return File.ReadAllText(outFile);
    }

    private static Dictionary<string, string?> Vars(Sandbox box, string cli, Dictionary<string, string?>? env)
    {
        var vars = new Dictionary<string, string?>
        {
            ["HOME"] = box.Home,
            ["PATH"] = Path.GetDirectoryName(cli) + Path.PathSeparator + "/usr/local/bin:/usr/bin:/bin",
        };
        foreach (var (k, v) in env ?? []) vars[k] = v;
        return vars;
    }

    [Fact]
    public void Codex_lists_kstack_skills_from_its_dirs_and_hides_the_user_only_ones()
    {
        if (!Enabled) return;
        var codex = Cli("codex");
        foreach (var local in new[] { false, true })
        {
            using var box = Box();
            box.Install(local ? "--local" : "--global", "--agent", "codex", "-q").AssertOk();
            var prompt = Run(box, codex, ["debug", "prompt-input"]);
            Assert.Contains("- kstack-events: ", prompt);
            Assert.Contains("- kstack-cluster-status: ", prompt);
            Assert.DoesNotContain("- kstack-exec: ", prompt);
            Assert.DoesNotContain("- kstack-forget: ", prompt);
        }
    }

    [Fact]
    public void Codex_honours_codex_home()
    {
        if (!Enabled) return;
        using var box = Box();
        var home = Path.Combine(box.Dir, "codex-home");
        box.Run(new[] { "install", "--agent", "codex", "-q" }, env: new Dictionary<string, string> { ["CODEX_HOME"] = home }).AssertOk();
        var prompt = Run(box, Cli("codex"), ["debug", "prompt-input"], new() { ["CODEX_HOME"] = home });
        Assert.Contains($"`{Path.Combine(home, "skills")}`", prompt);
        Assert.Contains("- kstack-events: ", prompt);
    }

    [Fact]
    public void OpenCode_lists_kstack_skills_from_its_local_and_global_dirs()
    {
        if (!Enabled) return;
        var opencode = Cli("opencode");
        foreach (var local in new[] { false, true })
        {
            using var box = Box();
            box.Install(local ? "--local" : "--global", "--agent", "opencode", "-q").AssertOk();
            var skills = JsonNode.Parse(RunToFile(box, opencode, ["debug", "skill"]))!.AsArray();
            var dir = local ? Path.Combine(box.Project, ".opencode", "skills") : Path.Combine(box.Home, ".config", "opencode", "skills");
            var found = skills.Where(s => ((string?)s!["name"])!.StartsWith("kstack-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Kstack.Commands.SkillCatalogue.Names.Count(), found.Count);
            Assert.All(found, s => Assert.StartsWith(dir, (string?)s!["location"]));
        }
    }

    [Fact]
    public void Claude_Code_lists_kstack_skills_from_its_local_dir_and_claude_config_dir()
    {
        if (!Enabled) return;
        var claude = Cli("claude");
        using var box = Box();
        box.Install("--local", "--agent", "claude", "-q").AssertOk();
        var configDir = Path.Combine(box.Dir, "claude-config");
        box.Run(new[] { "install", "--agent", "claude", "--prefix", "g-", "-q" }, env: new Dictionary<string, string> { ["CLAUDE_CONFIG_DIR"] = configDir }).AssertOk();
        var skills = ClaudeInitSkills(box, claude, configDir);
        foreach (var skill in Kstack.Commands.SkillCatalogue.Names)
        {
            Assert.Contains("kstack-" + skill, skills);
            Assert.Contains("g-" + skill, skills);
        }
    }

    /// <summary>The `skills` of Claude Code's stream-json init line; the API base URL is a closed port, so nothing leaves the machine.</summary>
    private static List<string> ClaudeInitSkills(Sandbox box, string claude, string configDir)
    {
        var psi = new ProcessStartInfo(claude) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = box.Project };
        foreach (var a in new[] { "-p", "--output-format", "stream-json", "--verbose", "--max-turns", "1", "hi" }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = box.Home;
        psi.Environment["CLAUDE_CONFIG_DIR"] = configDir;
        psi.Environment["ANTHROPIC_API_KEY"] = "sk-offline-test";
        psi.Environment["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        try
        {
            var read = p.StandardOutput.ReadLineAsync();
            Assert.True(read.Wait(TimeSpan.FromSeconds(120)), "claude printed no init line");
            var init = JsonNode.Parse(read.Result!)!;
            Assert.Equal("init", (string?)init["subtype"]);
            return init["skills"]!.AsArray().Select(s => (string)s!).ToList();
        }
        finally
        {
            p.Kill(entireProcessTree: true);
        }
    }
}
