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

    [Theory]
    [InlineData("claude", "claude", ".claude/skills", ".claude/skills")]
    [InlineData("codex", "codex", ".codex/skills", ".codex/skills")]
    [InlineData("opencode", "opencode", ".config/opencode/skills", ".config/opencode/skills")]
    [InlineData("cursor", "cursor", ".cursor/skills", ".cursor/skills")]
    [InlineData("factory", "droid", ".factory/skills", ".factory/skills")]
    [InlineData("slate", "slate", ".slate/skills", ".slate/skills")]
    [InlineData("kiro", "kiro-cli", ".kiro/skills", ".kiro/skills")]
    [InlineData("hermes", "hermes", ".hermes/skills", ".hermes/skills")]
    [InlineData("pi", "pi", ".pi/agent/skills", ".pi/skills")]
    public void Cli_and_skills_dirs(string name, string cli, string global, string local)
    {
        var a = AgentTable.Find(name)!;
        Assert.Equal(cli, a.Cli);
        Assert.Equal(Path.Combine("/h", global), a.GlobalSkillsDir("/h"));
        Assert.Equal(Path.Combine("/p", local), a.LocalSkillsDir("/p"));
        Assert.Equal(name == "claude", a.HonoursDisableModelInvocation);
    }

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
