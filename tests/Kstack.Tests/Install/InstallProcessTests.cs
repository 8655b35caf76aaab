using Kstack.Install;
using Xunit;

namespace Kstack.Tests.Install;

/// <summary>Runs the built binary's install/uninstall against an isolated HOME, project and PATH.</summary>
public class InstallProcessTests
{
    private static readonly string[] Slots = Kstack.Commands.SkillCatalogue.Names.Select(n => "kstack-" + n).Order(StringComparer.Ordinal).ToArray();
    private static string SkillCount => Slots.Length == 1 ? "1 skill" : $"{Slots.Length} skills";
    private static string ManifestText => ManifestFor("kstack-");
    private static string ManifestFor(string prefix) =>
        string.Concat(Kstack.Commands.SkillCatalogue.Names.Select(n => prefix + n).Order(StringComparer.Ordinal).Select(x => x + "\n"));

    public static TheoryData<string> AgentNames() => new(AgentTable.All.Select(a => a.Name));

    private static string SkillMd(string slotDir) => File.ReadAllText(Path.Combine(slotDir, "SKILL.md"));

    [Theory]
    [MemberData(nameof(AgentNames))]
    public void Local_install_renders_into_the_agents_project_dir_and_passes_skills_ref(string agentName)
    {
        using var box = new Sandbox();
        var agent = AgentTable.Find(agentName)!;
        var r = box.Install("--local", "--agent", agentName).AssertOk();

        var slot = Path.Combine(agent.LocalSkillsDir(box.Project), "kstack-forget");
        Assert.Contains($"🤖 {agentName}", r.Content);
        Assert.Contains($"→ {agent.LocalSkillsDir(box.Project)}  ({SkillCount})", r.Content);
        AssertRendered(slot, agent, box.LocalRoot, box);
        AssertEverySlotValid(agent.LocalSkillsDir(box.Project), agent, box);
        Assert.Equal(ManifestText, File.ReadAllText(Path.Combine(box.LocalRoot, "manifest", "skills")));
        Assert.False(Directory.Exists(box.GlobalRoot));
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Home));
    }

    [Theory]
    [MemberData(nameof(AgentNames))]
    public void Global_install_renders_into_the_agents_home_dir_and_passes_skills_ref(string agentName)
    {
        using var box = new Sandbox();
        var agent = AgentTable.Find(agentName)!;
        box.Install("--global", "--agent", agentName, "--quiet").AssertOk();

        var dir = agent.GlobalSkillsDir(AgentHomes.From(box.Home, _ => null));
        AssertRendered(Path.Combine(dir, "kstack-forget"), agent, box.GlobalRoot, box);
        AssertEverySlotValid(dir, agent, box);
        Assert.Equal(ManifestText, File.ReadAllText(Path.Combine(box.GlobalRoot, "manifest", "skills")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Project));
    }

    /// <summary>Every catalogue skill is rendered with its slot as name and passes skills-ref.</summary>
    private static void AssertEverySlotValid(string skillsDir, Agent agent, Sandbox box)
    {
        foreach (var name in Slots)
        {
            var slot = Path.Combine(skillsDir, name);
            var md = SkillMd(slot);
            Assert.StartsWith($"---\nname: {name}\ndescription: ", md);
            Assert.DoesNotContain("{{", md);
            Assert.Equal(agent.Invocation(name) + "\n", File.ReadAllText(Path.Combine(slot, "references", "invocation.txt")));
            if (agent.Control == UserOnlyControl.DisableModelInvocation || agent.Name == "claude") SkillsRef.AssertValidWithoutAgentKeys(slot, Path.Combine(box.Dir, "scratch-" + name));
            else SkillsRef.AssertValid(slot);
        }
    }

    private static void AssertRendered(string slot, Agent agent, string root, Sandbox box)
    {
        var md = SkillMd(slot);
        Assert.StartsWith("---\nname: kstack-forget\ndescription: Clear kstack's local cache and discard what it learned about your cluster(s)\n", md);
        Assert.Contains($"{Path.Combine(root, "bin", "kstack")} entrypoint --skill-dir={slot} -- <user args verbatim>", md);
        Assert.DoesNotContain("{{", md);
        Assert.Equal("https://kstack.sh/reference/skills/forget\n", File.ReadAllText(Path.Combine(slot, "references", "docs-url.txt")));
        Assert.StartsWith(agent.Invocation("kstack-forget") + " — ", File.ReadAllText(Path.Combine(slot, "references", "help.md")));
        Assert.True(File.Exists(Path.Combine(root, "bin", "kstack")));
        Assert.True(File.Exists(Path.Combine(root, "schemas", "response.schema.json")));
        Assert.True(Directory.Exists(Path.Combine(root, "cache")));
        var policy = Path.Combine(slot, "agents", "openai.yaml");
        switch (agent.Control)
        {
            case UserOnlyControl.DisableModelInvocation:
                Assert.Contains("\ndisable-model-invocation: true\n", md);
                Assert.False(File.Exists(policy));
                SkillsRef.AssertValidWithoutAgentKeys(slot, Path.Combine(box.Dir, "scratch"));
                break;
            case UserOnlyControl.OpenAiPolicyFile:
                Assert.DoesNotContain("disable-model-invocation", md);
                Assert.Contains("policy:\n  allow_implicit_invocation: false\n", File.ReadAllText(policy));
                SkillsRef.AssertValid(slot);
                break;
            default:
                Assert.DoesNotContain("disable-model-invocation", md);
                Assert.Contains("\nmetadata:\n  kstack-user-invoked-only: \"true\"\n", md);
                Assert.False(File.Exists(policy));
                SkillsRef.AssertValid(slot);
                break;
        }
        Assert.Contains($"Run this skill only when the user typed `{agent.Invocation("kstack-forget")}` themselves", md.ReplaceLineEndings(" "));
    }

    [Fact]
    public void Kstack_root_overrides_the_global_root_and_the_installed_copy_uninstalls_it()
    {
        using var box = new Sandbox();
        var root = Path.Combine(box.Dir, "custom root");
        var r = box.Run(new[] { "install", "--agent", "codex" }, env: new Dictionary<string, string> { ["KSTACK_ROOT"] = root }).AssertOk();
        Assert.Contains($"📦 Helpers    → {root}", r.Content);
        var slot = Path.Combine(box.Home, ".agents", "skills", "kstack-forget");
        Assert.Contains($"'{Path.Combine(root, "bin", "kstack")}' entrypoint --skill-dir={slot} --", SkillMd(slot));
        Assert.False(Directory.Exists(box.GlobalRoot));

        box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(root, "bin", "kstack")).AssertOk();
        Assert.False(Directory.Exists(slot));
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void A_framework_dependent_build_installs_a_copy_that_runs()
    {
        using var box = new Sandbox();
        var fdd = Path.Combine(AppContext.BaseDirectory, "kstack");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "kstack.dll")), "the test output holds the framework-dependent kstack");
        var runtime = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var env = new Dictionary<string, string> { ["DOTNET_ROOT"] = runtime };
        box.Run(new[] { "install", "--local", "--agent", "claude", "-q" }, binary: fdd, env: env).AssertOk();
        Assert.True(File.Exists(Path.Combine(box.LocalRoot, "bin", "kstack.dll")));

        var slot = Path.Combine(box.Project, ".claude", "skills", "kstack-forget");
        var help = box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "-h" }, binary: Path.Combine(box.LocalRoot, "bin", "kstack"), env: env).AssertOk();
        Assert.StartsWith("/kstack-forget — ", help.Content);
    }

    [Fact]
    public void Pi_local_dir_has_no_agent_segment_but_the_global_one_does()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "pi", "-q").AssertOk();
        box.Install("--global", "--agent=pi", "-q").AssertOk();
        Assert.True(File.Exists(Path.Combine(box.Project, ".pi", "skills", "kstack-forget", "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(box.Home, ".pi", "agent", "skills", "kstack-forget", "SKILL.md")));
    }

    [Fact]
    public void Done_when_local_claude_and_codex_then_uninstall_force_removes_everything()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude").AssertOk();
        var claude = Path.Combine(box.Project, ".claude", "skills", "kstack-forget");
        Assert.Contains("\ndisable-model-invocation: true\n", SkillMd(claude));

        box.Install("--local", "--agent", "codex").AssertOk();
        var codex = Path.Combine(box.Project, ".agents", "skills", "kstack-forget");
        SkillsRef.AssertValid(codex);

        var r = box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(box.LocalRoot, "bin", "kstack")).AssertOk();
        Assert.Contains("kstack uninstalled", r.Content);
        Assert.False(Directory.Exists(claude));
        Assert.False(Directory.Exists(codex));
        Assert.False(Directory.Exists(box.LocalRoot));
    }

    [Fact]
    public void Default_is_global_and_detects_agent_clis_on_path_with_their_probe_names()
    {
        using var box = new Sandbox();
        box.FakeCli("droid");
        box.FakeCli("kiro-cli");
        box.FakeCli("codex", executable: false);
        box.FakeCli("factory");
        var r = box.Install().AssertOk();
        Assert.Contains("🚀 Installing kstack (global) · factory kiro\n", r.Content);
        Assert.Contains($"📦 Helpers    → {box.GlobalRoot}", r.Content);
        Assert.True(File.Exists(Path.Combine(box.Home, ".factory", "skills", "kstack-forget", "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(box.Home, ".kiro", "skills", "kstack-forget", "SKILL.md")));
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".agents")));
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude")));
    }

    [Fact]
    public void No_agent_cli_on_path_falls_back_to_claude_with_the_log_line()
    {
        using var box = new Sandbox();
        var r = box.Install().AssertOk();
        Assert.StartsWith("No agent CLIs detected on PATH — installing for claude by default.\n🚀 Installing kstack (global) · claude\n", r.Content);
        Assert.True(File.Exists(Path.Combine(box.Home, ".claude", "skills", "kstack-forget", "SKILL.md")));
    }

    [Fact]
    public void Quiet_install_prints_one_line()
    {
        using var box = new Sandbox();
        var r = box.Install("--agent", "claude", "--agent", "codex", "--quiet").AssertOk();
        Assert.DoesNotContain('\n', r.Content);
        Assert.Equal($"kstack installed (global) for claude, codex: {SkillCount} ({string.Join(", ", Slots.Select(x => "/" + x))}), root {box.GlobalRoot}", r.Content);
    }

    [Theory]
    [InlineData(new[] { "--agent", "nosuch" }, "Unknown agent: nosuch\nSupported: claude codex opencode cursor factory slate kiro hermes pi")]
    [InlineData(new[] { "--agent", "claude-foo" }, "Unknown agent: claude-foo\nSupported: claude codex opencode cursor factory slate kiro hermes pi")]
    [InlineData(new[] { "--agent" }, "Missing value for --agent")]
    [InlineData(new[] { "--agent=" }, "Missing value for --agent")]
    [InlineData(new[] { "--agent", "--local" }, "Missing value for --agent")]
    [InlineData(new[] { "--prefix" }, "Missing value for --prefix")]
    [InlineData(new[] { "--global", "--local" }, "--global and --local are mutually exclusive")]
    [InlineData(new[] { "--bogus" }, "Unknown option: --bogus")]
    [InlineData(new[] { "claude" }, "Unknown option: claude")]
    public void Validation_failures_are_user_errors_and_change_nothing(string[] args, string message)
    {
        using var box = new Sandbox();
        box.Install(args).AssertUserError(message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Project));
    }

    [Theory]
    [InlineData("Foo_")]
    [InlineData("bad/slash")]
    [InlineData(".hidden-")]
    [InlineData("-x-")]
    [InlineData("a--")]
    [InlineData("KSTACK-")]
    [InlineData("k s-")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-")]
    public void Prefixes_that_would_make_an_invalid_slot_name_are_rejected(string prefix)
    {
        using var box = new Sandbox();
        var r = box.Install("--agent", "claude", "--prefix", prefix);
        Assert.Equal("user", (string?)r.Envelope["kind"]);
        Assert.StartsWith($"Invalid --prefix: {prefix}\n", r.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Home));
    }

    [Theory]
    [InlineData("--prefix=foo-", "foo-forget")]
    [InlineData("--prefix=k", "kforget")]
    [InlineData("--prefix=", "forget")]
    [InlineData("--no-prefix", "forget")]
    public void Prefix_sets_the_slot_frontmatter_name_and_manifest(string flag, string slot)
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", flag).AssertOk();
        var dir = Path.Combine(box.Project, ".claude", "skills", slot);
        Assert.StartsWith($"---\nname: {slot}\n", SkillMd(dir));
        Assert.Equal(ManifestFor(slot[..^"forget".Length]), File.ReadAllText(Path.Combine(box.LocalRoot, "manifest", "skills")));
        SkillsRef.AssertValidWithoutAgentKeys(dir, Path.Combine(box.Dir, "scratch"));
    }

    [Fact]
    public void Changing_the_prefix_prunes_old_slots_but_never_unlisted_dirs()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", "--prefix=old-").AssertOk();
        var skills = Path.Combine(box.Project, ".claude", "skills");
        Directory.CreateDirectory(Path.Combine(skills, "foo-ghost"));
        File.WriteAllText(Path.Combine(skills, "foo-ghost", "SKILL.md"), "mine");
        Directory.CreateDirectory(Path.Combine(skills, "user-own"));

        var r = box.Install("--local", "--agent", "claude", "--prefix=foo-").AssertOk();
        Assert.Contains("🗑  pruned: old-forget\n", r.Content);
        Assert.False(Directory.Exists(Path.Combine(skills, "old-forget")));
        Assert.True(File.Exists(Path.Combine(skills, "foo-forget", "SKILL.md")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(skills, "foo-ghost", "SKILL.md")));
        Assert.True(Directory.Exists(Path.Combine(skills, "user-own")));
        Assert.Equal(ManifestFor("foo-"), File.ReadAllText(Path.Combine(box.LocalRoot, "manifest", "skills")));
    }

    [Fact]
    public void Stale_slots_of_untargeted_agents_stay_in_the_manifest_until_removed()
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude", "--agent", "codex", "--prefix=old-").AssertOk();
        box.Install("--agent", "claude", "--prefix=new-").AssertOk();
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude", "skills", "old-forget")));
        Assert.True(Directory.Exists(Path.Combine(box.Home, ".agents", "skills", "old-forget")));
        Assert.Equal(ManifestFor("new-") + ManifestFor("old-"), File.ReadAllText(Path.Combine(box.GlobalRoot, "manifest", "skills")));

        box.Run("uninstall", "--force").AssertOk();
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".agents", "skills", "old-forget")));
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude", "skills", "new-forget")));
        Assert.False(Directory.Exists(box.GlobalRoot));
    }

    [Fact]
    public void Reinstall_is_idempotent()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", "--agent", "pi").AssertOk();
        var files = Snapshot(box.Project);
        var r = box.Install("--local", "--agent", "pi", "--agent", "claude").AssertOk();
        Assert.DoesNotContain("pruned", r.Content);
        Assert.Equal(files, Snapshot(box.Project));
    }

    [Fact]
    public void A_symlink_or_file_in_the_slot_is_replaced_without_touching_its_target()
    {
        using var box = new Sandbox();
        var skills = Path.Combine(box.Project, ".claude", "skills");
        Directory.CreateDirectory(skills);
        var elsewhere = Path.Combine(box.Dir, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        File.WriteAllText(Path.Combine(elsewhere, "SKILL.md"), "keep");
        Directory.CreateSymbolicLink(Path.Combine(skills, "kstack-forget"), elsewhere);
        File.WriteAllText(Path.Combine(skills, "kstack-other"), "x");

        box.Install("--local", "--agent", "claude").AssertOk();
        Assert.Null(new DirectoryInfo(Path.Combine(skills, "kstack-forget")).LinkTarget);
        Assert.StartsWith("---\n", SkillMd(Path.Combine(skills, "kstack-forget")));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(elsewhere, "SKILL.md")));
    }

    [Fact]
    public void The_installed_copy_runs_the_entrypoint_and_names_the_slot()
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude").AssertOk();
        var kstack = Path.Combine(box.GlobalRoot, "bin", "kstack");
        var slot = Path.Combine(box.Home, ".claude", "skills", "kstack-forget");

        var ok = box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "--context", "x" }, binary: kstack).AssertOk();
        Assert.Equal("x", (string?)ok.Envelope["kube_context"]);
        Assert.Equal("Nothing to forget for context `x` — no local state found.", ok.Content);
        Assert.True(Directory.Exists(Path.Combine(box.GlobalRoot, "state")), "the copy resolves its own install root");

        var help = box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "--context", "x", "--help" }, binary: kstack).AssertOk();
        Assert.StartsWith("/kstack-forget — ", help.Content);

        box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "--context", "x", "--bogus" }, binary: kstack)
            .AssertUserError("Unknown flag `--bogus`. Run `/kstack-forget --help` for usage.");
    }

    [Fact]
    public void Install_help_is_a_verbatim_usage()
    {
        using var box = new Sandbox();
        var r = box.Install("--help").AssertOk();
        Assert.Contains("kstack install", r.Content);
        Assert.Contains("Usage:", r.Content);
        Assert.Contains("kstack uninstall", box.Run("uninstall", "-h").AssertOk().Content);
        Assert.Empty(Directory.EnumerateFileSystemEntries(box.Home));
    }

    [Fact]
    public void Uninstall_force_removes_manifest_slots_of_every_agent_and_the_root_only()
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude", "--agent", "codex", "--agent", "pi").AssertOk();
        var claude = Path.Combine(box.Home, ".claude", "skills");
        Directory.CreateDirectory(Path.Combine(claude, "kstack-ghost"));
        Directory.CreateDirectory(Path.Combine(claude, "non-kstack"));

        var r = box.Run("uninstall", "--force").AssertOk();
        Assert.Contains($"🗑  removed: {Path.Combine(box.Home, ".pi", "agent", "skills", "kstack-forget")}", r.Content);
        foreach (var dir in new[] { ".claude/skills", ".agents/skills", ".pi/agent/skills" })
            Assert.False(Directory.Exists(Path.Combine(box.Home, dir, "kstack-forget")));
        Assert.True(Directory.Exists(Path.Combine(claude, "kstack-ghost")));
        Assert.True(Directory.Exists(Path.Combine(claude, "non-kstack")));
        Assert.False(Directory.Exists(box.GlobalRoot));
    }

    [Theory]
    [InlineData("n\n")]
    [InlineData("")]
    [InlineData("yep\n")]
    public void Uninstall_without_force_aborts_unless_the_answer_is_y(string answer)
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude").AssertOk();
        var before = Snapshot(box.Home);
        var r = box.Run(new[] { "uninstall" }, stdin: answer).AssertOk();
        Assert.Equal("Aborted.", r.Content);
        Assert.Contains("[y/N]", r.Stderr);
        Assert.Equal(before, Snapshot(box.Home));
    }

    [Fact]
    public void Uninstall_answering_y_removes()
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude").AssertOk();
        var r = box.Run(new[] { "uninstall" }, stdin: "y\n").AssertOk();
        Assert.Contains("kstack uninstalled", r.Content);
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude", "skills", "kstack-forget")));
        Assert.False(Directory.Exists(box.GlobalRoot));
    }

    [Fact]
    public void Uninstall_agent_scopes_removal_and_keeps_the_root_while_others_use_it()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", "--agent", "codex").AssertOk();
        var kstack = Path.Combine(box.LocalRoot, "bin", "kstack");

        var r = box.Run(new[] { "uninstall", "--agent", "claude", "--force" }, binary: kstack).AssertOk();
        Assert.Contains("still used by codex", r.Content);
        Assert.False(Directory.Exists(Path.Combine(box.Project, ".claude", "skills", "kstack-forget")));
        Assert.True(Directory.Exists(Path.Combine(box.Project, ".agents", "skills", "kstack-forget")));
        Assert.True(File.Exists(kstack));

        box.Run(new[] { "uninstall", "--agent=codex", "--force" }, binary: kstack).AssertOk();
        Assert.False(Directory.Exists(Path.Combine(box.Project, ".agents", "skills", "kstack-forget")));
        Assert.False(Directory.Exists(box.LocalRoot));
    }

    [Fact]
    public void Uninstall_keeps_files_kstack_did_not_create_in_the_root()
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude").AssertOk();
        File.WriteAllText(Path.Combine(box.GlobalRoot, "notes.txt"), "mine");
        var r = box.Run("uninstall", "--force").AssertOk();
        Assert.Contains("kept:", r.Content);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(box.GlobalRoot).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(new[] { "--agent", "nosuch" }, "Unknown agent: nosuch\nSupported: claude codex opencode cursor factory slate kiro hermes pi")]
    [InlineData(new[] { "--bogus" }, "Unknown option: --bogus")]
    [InlineData(new[] { "--agent" }, "Missing value for --agent")]
    public void Uninstall_validation_failures_are_user_errors(string[] args, string message)
    {
        using var box = new Sandbox();
        box.Install("--agent", "claude").AssertOk();
        box.Run(new[] { "uninstall" }.Concat(args)).AssertUserError(message);
        Assert.True(Directory.Exists(box.GlobalRoot));
    }

    [Fact]
    public void Uninstall_without_an_install_is_a_user_error()
    {
        using var box = new Sandbox();
        var r = box.Run("uninstall", "--force");
        Assert.Equal("user", (string?)r.Envelope["kind"]);
        Assert.StartsWith($"No kstack install found at {box.GlobalRoot}", r.Message);
    }

    private static SortedDictionary<string, string> Snapshot(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}

/// <summary>Agent homes, --dir, the duplicate warning and what uninstall leaves behind.</summary>
public class InstallDirectoryTests
{
    private static string SkillMd(string slotDir) => File.ReadAllText(Path.Combine(slotDir, "SKILL.md"));

    [Fact]
    public void Local_opencode_writes_the_directory_opencode_reads()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "opencode", "-q").AssertOk();
        Assert.True(File.Exists(Path.Combine(box.Project, ".opencode", "skills", "kstack-events", "SKILL.md")));
        Assert.False(Directory.Exists(Path.Combine(box.Project, ".config")));
    }

    [Theory]
    [InlineData("claude", "CLAUDE_CONFIG_DIR", "skills")]
    [InlineData("codex", "CODEX_HOME", "skills")]
    [InlineData("opencode", "XDG_CONFIG_HOME", "opencode/skills")]
    [InlineData("hermes", "HERMES_HOME", "skills")]
    [InlineData("pi", "PI_CODING_AGENT_DIR", "skills")]
    public void Agent_home_variables_are_honoured_and_uninstall_finds_the_slots_there(string agent, string variable, string under)
    {
        using var box = new Sandbox();
        var home = Path.Combine(box.Dir, "agent-home");
        var env = new Dictionary<string, string> { [variable] = home };
        var r = box.Run(new[] { "install", "--agent", agent }, env: env).AssertOk();
        var slot = Path.Combine(home, under, "kstack-events");
        Assert.Contains($"→ {Path.Combine(home, under)}  (", r.Content);
        Assert.True(File.Exists(Path.Combine(slot, "SKILL.md")));

        // Uninstall without the variable still removes what install wrote (manifest/dirs), and the dirs it created.
        var u = box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(box.GlobalRoot, "bin", "kstack")).AssertOk();
        Assert.Contains($"🗑  removed: {slot}", u.Content);
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public void Codex_gets_its_invocation_syntax_in_texts_and_at_run_time()
    {
        using var box = new Sandbox();
        var r = box.Install("--agent", "codex").AssertOk();
        Assert.Contains("$kstack-cluster-status", r.Content);
        var slot = Path.Combine(box.Home, ".agents", "skills", "kstack-forget");
        var help = box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "--help" }, binary: Path.Combine(box.GlobalRoot, "bin", "kstack")).AssertOk();
        Assert.StartsWith("$kstack-forget — ", help.Content);
        var bad = box.Run(new[] { "entrypoint", $"--skill-dir={slot}", "--", "--bogus" }, binary: Path.Combine(box.GlobalRoot, "bin", "kstack"));
        Assert.Equal("Unknown flag `--bogus`. Run `$kstack-forget --help` for usage.", bad.Message);
    }

    [Fact]
    public void Pi_texts_use_skill_colon()
    {
        using var box = new Sandbox();
        box.Install("--agent", "pi", "-q").AssertOk();
        var md = SkillMd(Path.Combine(box.Home, ".pi", "agent", "skills", "kstack-exec"));
        Assert.Contains("only when the user typed `/skill:kstack-exec` themselves", md.ReplaceLineEndings(" "));
    }

    [Fact]
    public void Dir_renders_standard_skills_into_any_directory_and_uninstall_removes_them()
    {
        using var box = new Sandbox();
        var dir = Path.Combine(box.Dir, "other-agent", "skills");
        var r = box.Install("--dir", dir).AssertOk();
        Assert.Contains($"🤖 dir      → {dir}  (", r.Content);
        foreach (var slot in Directory.EnumerateDirectories(dir)) SkillsRef.AssertValid(slot);
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude")));

        box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(box.GlobalRoot, "bin", "kstack")).AssertOk();
        Assert.False(Directory.Exists(Path.Combine(box.Dir, "other-agent")));
    }

    [Fact]
    public void Missing_dir_value_is_a_user_error()
    {
        using var box = new Sandbox();
        box.Install("--dir").AssertUserError("Missing value for --dir");
    }

    [Fact]
    public void A_global_and_a_local_install_for_claude_are_warned_about()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", "-q").AssertOk();
        var r = box.Install("--global", "--agent", "claude").AssertOk();
        Assert.Contains($"⚠️  claude: {Kstack.Commands.SkillCatalogue.Names.Count()} skill names (/kstack-", r.Content);
        Assert.Contains($"{Path.Combine(box.Home, ".claude", "skills")} (personal), {Path.Combine(box.Project, ".claude", "skills")} (project)", r.Content);
        Assert.Contains("Claude Code uses the personal copy", r.Content);
        Assert.Contains("; 1 warning: run without --quiet", box.Install("--global", "--agent", "claude", "-q").AssertOk().Content);
    }

    [Fact]
    public void A_shared_directory_read_by_two_agents_is_warned_about()
    {
        using var box = new Sandbox();
        var r = box.Install("--local", "--agent", "codex", "--agent", "opencode").AssertOk();
        Assert.Contains("⚠️  opencode: ", r.Content);
        Assert.DoesNotContain("⚠️  codex: ", r.Content);
    }

    [Fact]
    public void One_install_per_agent_has_no_warning()
    {
        using var box = new Sandbox();
        Assert.DoesNotContain("⚠️", box.Install("--agent", "claude", "--agent", "pi").AssertOk().Content);
    }

    [Fact]
    public void Uninstall_keeps_a_users_file_in_a_slot_and_says_so()
    {
        using var box = new Sandbox();
        box.Install("--local", "--agent", "claude", "-q").AssertOk();
        var slot = Path.Combine(box.Project, ".claude", "skills", "kstack-events");
        File.WriteAllText(Path.Combine(slot, "my-notes.md"), "mine");
        var r = box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(box.LocalRoot, "bin", "kstack")).AssertOk();
        Assert.Contains($"📦 kept:    {slot} (kstack's files removed; it holds files kstack did not write: my-notes.md)", r.Content);
        Assert.Equal(["my-notes.md"], Directory.EnumerateFileSystemEntries(slot).Select(Path.GetFileName));
        Assert.True(Directory.Exists(Path.Combine(box.Project, ".claude", "skills")));
        Assert.False(Directory.Exists(Path.Combine(box.Project, ".claude", "skills", "kstack-logs")));
    }

    [Fact]
    public void Uninstall_removes_agent_dirs_kstack_created_but_not_ones_that_existed()
    {
        using var box = new Sandbox();
        Directory.CreateDirectory(Path.Combine(box.Home, ".claude"));
        box.Install("--agent", "claude", "--agent", "kiro", "-q").AssertOk();
        box.Run(new[] { "uninstall", "--force" }, binary: Path.Combine(box.GlobalRoot, "bin", "kstack")).AssertOk();
        Assert.True(Directory.Exists(Path.Combine(box.Home, ".claude")));
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".claude", "skills")));
        Assert.False(Directory.Exists(Path.Combine(box.Home, ".kiro")));
    }
}
