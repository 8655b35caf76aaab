using Kstack.Install;
using Xunit;

namespace Kstack.Tests.Install;

public class ManifestTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kstack-manifest-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void Skills_are_written_ordinal_sorted_one_per_line()
    {
        var m = new Manifest(_root);
        Assert.False(m.Exists);
        Assert.Empty(m.ReadSkills());
        m.WriteSkills(["kstack-forget", "a-b", "kstack-events", "", "a-b", "Z"]);
        Assert.Equal("Z\na-b\nkstack-events\nkstack-forget\n", File.ReadAllText(Path.Combine(_root, "manifest", "skills")));
        Assert.True(m.Exists);
    }

    [Fact]
    public void Read_ignores_entries_that_are_not_slot_names()
    {
        Directory.CreateDirectory(Path.Combine(_root, "manifest"));
        File.WriteAllText(Path.Combine(_root, "manifest", "skills"), "kstack-forget\r\n../../etc\n\n/abs\nFoo\n  kstack-events  \n");
        Assert.Equal(["kstack-events", "kstack-forget"], new Manifest(_root).ReadSkills());
    }

    [Fact]
    public void Version_is_one_line()
    {
        var m = new Manifest(_root);
        Assert.Equal("", m.ReadVersion());
        m.WriteVersion("0.1.0");
        Assert.Equal("0.1.0\n", File.ReadAllText(Path.Combine(_root, "manifest", "version")));
        Assert.Equal("0.1.0", m.ReadVersion());
    }

    [Fact]
    public void Empty_skill_list_writes_an_empty_file()
    {
        new Manifest(_root).WriteSkills([]);
        Assert.Equal("", File.ReadAllText(Path.Combine(_root, "manifest", "skills")));
    }
}

public class SlotNameTests
{
    [Theory]
    [InlineData("kstack-forget", true)]
    [InlineData("forget", true)]
    [InlineData("a1-b2-c3", true)]
    [InlineData("", false)]
    [InlineData("-forget", false)]
    [InlineData("forget-", false)]
    [InlineData("a--b", false)]
    [InlineData("Forget", false)]
    [InlineData("foo_bar", false)]
    [InlineData("foo.bar", false)]
    [InlineData("../x", false)]
    [InlineData("é", false)]
    public void Names_follow_the_agent_skills_rule(string name, bool valid) => Assert.Equal(valid, SlotName.IsValid(name));

    [Fact]
    public void Names_are_at_most_64_characters()
    {
        Assert.True(SlotName.IsValid(new string('a', 64)));
        Assert.False(SlotName.IsValid(new string('a', 65)));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("kstack-", true)]
    [InlineData("k", true)]
    [InlineData("k8s-", true)]
    [InlineData("Foo_", false)]
    [InlineData("foo--", false)]
    [InlineData("-", false)]
    [InlineData(".x-", false)]
    public void Prefix_is_valid_when_every_slot_is(string prefix, bool valid) =>
        Assert.Equal(valid, SlotName.IsValidPrefix(prefix, ["forget", "cluster-status"]));

    [Fact]
    public void Prefix_length_is_checked_against_the_longest_skill()
    {
        var prefix = new string('p', 50) + "-";
        Assert.True(SlotName.IsValidPrefix(prefix, ["forget"]));
        Assert.False(SlotName.IsValidPrefix(prefix, ["forget", "audit-outdated-x"]));
    }
}

public class InstallTargetTests
{
    [Fact]
    public void Global_root_defaults_to_config_kstack_and_honours_an_override()
    {
        Assert.Equal(Path.Combine("/h", ".config", "kstack"), InstallTarget.Global(AgentHomes.From("/h", _ => null), null).Root);
        Assert.Equal("/custom", InstallTarget.Global(AgentHomes.From("/h", _ => null), "/custom").Root);
        Assert.Equal("global", InstallTarget.Global(AgentHomes.From("/h", _ => null), null).Label);
    }

    [Fact]
    public void Local_root_is_dot_kstack_in_the_project()
    {
        var t = InstallTarget.Local("/p/proj", AgentHomes.From("/h", _ => null));
        Assert.Equal("/p/proj/.kstack", t.Root);
        Assert.Equal("local → /p/proj", t.Label);
        Assert.Equal("/p/proj/.pi/skills", t.SkillsDir(AgentTable.Find("pi")!));
    }

    [Theory]
    [InlineData("/h/.config/kstack", nameof(InstallMode.Global), "/h")]
    [InlineData("/h/.config/kstack/", nameof(InstallMode.Global), "/h")]
    [InlineData("/p/proj/.kstack", nameof(InstallMode.Local), "/p/proj")]
    [InlineData("/h/.kstack", nameof(InstallMode.Local), "/h")]
    [InlineData("/opt/kstack-root", nameof(InstallMode.Global), "/h")]
    public void Mode_is_derived_from_the_root(string root, string mode, string agentBase)
    {
        var t = InstallTarget.FromRoot(root, AgentHomes.From("/h", _ => null));
        Assert.Equal(Enum.Parse<InstallMode>(mode), t.Mode);
        Assert.Equal(agentBase, t.AgentBase);
    }
}

public class SelfInstallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-self-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Touch(string name)
    {
        var f = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(f)!);
        File.WriteAllText(f, name);
        return f;
    }

    [Fact]
    public void A_native_binary_is_copied_alone()
    {
        var exe = Touch("kstack");
        Touch("kstack-sim");
        Touch("other.txt");
        Assert.Equal([exe], SelfInstall.FilesToCopy(exe));
    }

    [Fact]
    public void A_framework_dependent_app_brings_its_assemblies_and_config()
    {
        var exe = Touch("kstack");
        foreach (var f in new[] { "kstack.dll", "kstack.deps.json", "kstack.runtimeconfig.json", "Lib.dll", "kstack.pdb", "kstack-sim", "notes.md", "runtimes/linux-x64/native/x.so" })
            Touch(f);
        Assert.Equal(
            new[] { "Lib.dll", "kstack", "kstack.deps.json", "kstack.dll", "kstack.runtimeconfig.json", "runtimes/linux-x64/native/x.so" },
            SelfInstall.FilesToCopy(exe).Select(f => Path.GetRelativePath(_dir, f)).Order(StringComparer.Ordinal));

        var bin = Path.Combine(_dir, "root", "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "stale.dll"), "");
        SelfInstall.CopyTo(exe, bin);
        Assert.False(File.Exists(Path.Combine(bin, "stale.dll")));
        Assert.Equal("kstack.dll", File.ReadAllText(Path.Combine(bin, "kstack.dll")));
        Assert.True(File.Exists(Path.Combine(bin, "runtimes", "linux-x64", "native", "x.so")));
        if (!OperatingSystem.IsWindows()) Assert.NotEqual((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(bin, "kstack")) & UnixFileMode.UserExecute);
    }
}
