using Kstack.Install;
using Xunit;

namespace Kstack.Tests.Install;

public class AgentTableTests
{
    [Fact]
    public void Nine_agents_in_reference_order()
    {
        Assert.Equal(["claude", "codex", "opencode", "cursor", "factory", "slate", "kiro", "hermes", "pi"], AgentTable.All.Select(a => a.Name));
        Assert.Equal("claude codex opencode cursor factory slate kiro hermes pi", AgentTable.SupportedList);
    }

    private static readonly AgentHomes Plain = AgentHomes.From("/h", _ => null);

    [Theory]
    [InlineData("claude", "claude", ".claude/skills", ".claude/skills", "/kstack-x")]
    [InlineData("codex", "codex", ".agents/skills", ".agents/skills", "$kstack-x")]
    [InlineData("opencode", "opencode", ".config/opencode/skills", ".opencode/skills", "/kstack-x")]
    [InlineData("cursor", "cursor", ".cursor/skills", ".cursor/skills", "/kstack-x")]
    [InlineData("factory", "droid", ".factory/skills", ".factory/skills", "/kstack-x")]
    [InlineData("slate", "slate", ".slate/skills", ".slate/skills", "/kstack-x")]
    [InlineData("kiro", "kiro-cli", ".kiro/skills", ".kiro/skills", "/kstack-x")]
    [InlineData("hermes", "hermes", ".hermes/skills", ".hermes/skills", "/kstack-x")]
    [InlineData("pi", "pi", ".pi/agent/skills", ".pi/skills", "/skill:kstack-x")]
    public void Cli_skills_dirs_and_invocation(string name, string cli, string global, string local, string invocation)
    {
        var a = AgentTable.Find(name)!;
        Assert.Equal(cli, a.Cli);
        Assert.Equal(Path.Combine("/h", global), a.GlobalSkillsDir(Plain));
        Assert.Equal(Path.Combine("/p", local), a.LocalSkillsDir("/p"));
        Assert.Equal(invocation, a.Invocation("kstack-x"));
        Assert.Contains(a.GlobalSkillsDir(Plain), a.Reads(Plain, "/p").Select(l => l.Dir));
        if (name != "hermes") Assert.Contains(a.LocalSkillsDir("/p"), a.Reads(Plain, "/p").Select(l => l.Dir));
    }

    [Theory]
    [InlineData("claude", "CLAUDE_CONFIG_DIR", "/cc", "/cc/skills")]
    [InlineData("codex", "CODEX_HOME", "/cx", "/cx/skills")]
    [InlineData("opencode", "XDG_CONFIG_HOME", "/xdg", "/xdg/opencode/skills")]
    [InlineData("hermes", "HERMES_HOME", "/hh", "/hh/skills")]
    [InlineData("pi", "PI_CODING_AGENT_DIR", "/pi", "/pi/skills")]
    [InlineData("pi", "PI_CODING_AGENT_DIR", "rel/pi", "/h/rel/pi/skills")]
    public void Agent_home_variables_move_the_global_dir(string name, string variable, string value, string expected)
    {
        var homes = AgentHomes.From("/h", v => v == variable ? value : null);
        Assert.Equal(expected, AgentTable.Find(name)!.GlobalSkillsDir(homes));
    }

    [Fact]
    public void Codex_without_codex_home_uses_the_shared_agents_dir_and_reads_its_own_home_too()
    {
        var reads = AgentTable.Codex.Reads(Plain, "/p").Select(l => l.Dir).ToList();
        Assert.Equal(["/h/.codex/skills", "/h/.agents/skills", "/p/.agents/skills", "/p/.codex/skills"], reads);
    }

    [Theory]
    [InlineData("claude", nameof(UserOnlyControl.DisableModelInvocation))]
    [InlineData("codex", nameof(UserOnlyControl.OpenAiPolicyFile))]
    [InlineData("opencode", nameof(UserOnlyControl.None))]
    [InlineData("cursor", nameof(UserOnlyControl.DisableModelInvocation))]
    [InlineData("factory", nameof(UserOnlyControl.DisableModelInvocation))]
    [InlineData("slate", nameof(UserOnlyControl.None))]
    [InlineData("kiro", nameof(UserOnlyControl.None))]
    [InlineData("hermes", nameof(UserOnlyControl.None))]
    [InlineData("pi", nameof(UserOnlyControl.DisableModelInvocation))]
    public void User_only_control_per_agent(string name, string control) => Assert.Equal(Enum.Parse<UserOnlyControl>(control), AgentTable.Find(name)!.Control);

    [Theory]
    [InlineData("claude-foo")]
    [InlineData("Claude")]
    [InlineData("droid")]
    [InlineData("")]
    public void Find_is_an_exact_name_match(string name) => Assert.Null(AgentTable.Find(name));

    [Fact]
    public void Detect_probes_executables_on_path_in_table_order()
    {
        var a = Directory.CreateTempSubdirectory("kstack-path-a-").FullName;
        var b = Directory.CreateTempSubdirectory("kstack-path-b-").FullName;
        try
        {
            foreach (var (dir, name, exec) in new[] { (a, "pi", true), (b, "droid", true), (b, "claude", false), (a, "kiro", true) })
            {
                var f = Path.Combine(dir, name);
                File.WriteAllText(f, "");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(f, exec ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
            }
            Assert.Equal(["factory", "pi"], AgentTable.Detect(a + Path.PathSeparator + b).Select(x => x.Name));
            Assert.Empty(AgentTable.Detect(""));
            Assert.Empty(AgentTable.Detect(null));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }
}
