using Kstack.Commands;
using Kstack.Completion;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Completion;

/// <summary>The model the scripts are written from: every skill and verb with its flags, from the one command tree.</summary>
public sealed class CompletionModelTests
{
    private static readonly CommandShape Root = CompletionModel.Build();

    private static CommandShape At(string path) => CompletionModel.All(Root).Single(c => c.Path == path);

    [Fact]
    public void Every_skill_is_a_top_level_word_with_every_flag_its_parser_takes()
    {
        foreach (var skill in SkillCatalogue.All)
        {
            var shape = At(skill.Name);
            var spellings = shape.Options.SelectMany(o => o.Spellings).ToHashSet();
            foreach (var flag in skill.AllFlags)
                foreach (var spelling in flag.Spellings)
                    Assert.Contains(spelling, spellings);
            Assert.Equal(skill.Target is not null, shape.TakesTarget);
        }
        var top = Root.Subcommands.Select(c => c.Path).ToList();
        Assert.Contains("install", top);
        Assert.Contains("upgrade", top);
        Assert.Contains("dismiss-update", top);
        Assert.Contains("completion", top);
        Assert.DoesNotContain("help", top); // hidden
        Assert.Equal(["list", "read", "send", "stop"], At("pane").Subcommands.Select(c => c.Path.Split(' ')[^1]).Order());
    }

    [Fact]
    public void Choice_flags_offer_their_choices_and_switches_take_no_value()
    {
        var metrics = At("metrics").Options;
        var by = metrics.Single(o => o.Spellings.Contains("--by"));
        Assert.True(by.TakesValue);
        Assert.Equal(["cpu", "memory"], by.Choices);
        Assert.False(metrics.Single(o => o.Spellings.Contains("--json")).TakesValue);
        Assert.True(metrics.Single(o => o.Spellings.Contains("--since")).TakesValue);
    }
}

/// <summary>
/// The scripts through the built binary and the real shells: they parse, and bash, zsh and fish complete a skill name,
/// a flag, a flag's choices, a subcommand and (from a fresh cached snapshot only) a target name.
/// </summary>
public sealed class CompletionScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-completion-").FullName;
    private string Root => Path.Combine(_dir, "root");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Env() => new()
    {
        ["KSTACK_ROOT"] = Root, ["HOME"] = Path.Combine(_dir, "home"), ["KSTACK_KUBE_CONTEXT"] = "prod",
    };

    /// <summary>The script as a shell would read it: plain text on stdout, no envelope.</summary>
    private string Script(string shell)
    {
        var run = KstackProcess.Run(KstackProcess.KstackBin, ["completion", shell], Env());
        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Stderr);
        Assert.DoesNotContain("\"kstack\":\"1\"", run.Stdout);
        var file = Path.Combine(_dir, "kstack." + shell);
        File.WriteAllText(file, run.Stdout);
        return file;
    }

    private static string? Find(string shell) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, shell)).FirstOrDefault(File.Exists);

    private KstackProcess.Output Shell(string shell, params string[] args)
    {
        var run = KstackProcess.Run(shell, args, Env());
        Assert.True(run.Exit == 0, $"{shell} {string.Join(' ', args)}: exit {run.Exit}: {run.Stderr}");
        return run;
    }

    /// <summary>A pods.json and nodes.json in the context's cache, as a snapshot skill leaves them, written <paramref name="age"/> ago.</summary>
    private void Snapshot(TimeSpan age)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "cache", "kube", Kstack.Cache.InstallRoot.ShortSha("prod"))).FullName;
        File.WriteAllText(Path.Combine(dir, "pods.json"), """
            {"apiVersion":"v1","kind":"List","items":[
              {"metadata":{"name":"web-7f9c4-abcde","namespace":"shop"}},
              {"metadata":{"name":"worker-0","namespace":"jobs"}},
              {"metadata":{"name":"$(touch /tmp/pwned)","namespace":"shop"}}]}
            """);
        File.WriteAllText(Path.Combine(dir, "nodes.json"), """{"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"node-a"}}]}""");
        foreach (var f in Directory.GetFiles(dir)) File.SetLastWriteTimeUtc(f, DateTime.UtcNow - age);
    }

    /// <summary>What bash offers for the words typed so far (the last one is the word being completed).</summary>
    private string[] Bash(string script, params string[] typed)
    {
        var words = string.Join(' ', typed.Select(w => $"'{w}'"));
        var program = $"source '{script}'; COMP_WORDS=('{KstackProcess.KstackBin}' {words}); COMP_CWORD={typed.Length}; _kstack; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        return Shell("bash", "-c", program).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Bash_parses_registers_and_completes_skills_flags_choices_and_subcommands()
    {
        var script = Script("bash");
        Shell("bash", "-n", script);
        Assert.Equal("complete -F _kstack kstack", Shell("bash", "-c", $"source '{script}'; complete -p kstack").Stdout.Trim());

        Assert.Equal(["cluster-status"], Bash(script, "clus"));
        Assert.Contains("investigate", Bash(script, ""));
        Assert.Contains("upgrade", Bash(script, ""));
        Assert.Equal(["--refresh"], Bash(script, "events", "--ref"));
        Assert.Equal(["cpu", "memory"], Bash(script, "metrics", "--by", ""));
        Assert.Equal(["read"], Bash(script, "pane", "re"));
        Assert.Equal(["fish"], Bash(script, "completion", "fi"));
        // Only leading words select a command: `read` after a free word is not pane's subcommand.
        Assert.Empty(Bash(script, "events", "pane", "re"));
        // A flag that takes any text offers nothing rather than the skill names.
        Assert.Empty(Bash(script, "events", "--context", ""));
    }

    [Fact]
    public void Bash_offers_target_names_only_from_a_fresh_snapshot_of_the_context()
    {
        var script = Script("bash");
        Assert.Empty(Bash(script, "investigate", ""));
        Snapshot(TimeSpan.FromMinutes(1));
        Assert.Equal(["web-7f9c4-abcde"], Bash(script, "investigate", "we"));
        Assert.Equal(["node/node-a", "web-7f9c4-abcde", "worker-0"], Bash(script, "logs", ""));
        Assert.Equal(["worker-0"], Bash(script, "logs", "-n", "jobs", ""));
        Assert.Empty(Bash(script, "events", "we")); // /events takes no target
        Assert.Empty(Bash(script, "investigate", "--context", "staging", "we")); // another context's cache is empty

        Snapshot(TimeSpan.FromHours(1));
        Assert.Empty(Bash(script, "investigate", "we"));
    }

    [Fact]
    public void Zsh_parses_and_completes_through_compadd()
    {
        if (Find("zsh") is null) return; // .ci/run installs zsh; a machine without it has nothing to complete
        var script = Script("zsh");
        Shell("zsh", "-n", script);
        Snapshot(TimeSpan.FromMinutes(1));
        // compadd and compdef stand in for the completion system: compadd prints what it is given.
        string[] Zsh(params string[] typed)
        {
            var words = string.Join(' ', typed.Select(w => $"'{w}'"));
            var program = $"compdef() {{ :; }}; compadd() {{ [[ $1 == -- ]] && shift; print -l -- \"$@\"; }}; source '{script}'; "
                          + $"words=('{KstackProcess.KstackBin}' {words}); CURRENT={typed.Length + 1}; _kstack";
            return Shell("zsh", "-f", "-c", program).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith(typed[^1], StringComparison.Ordinal)).ToArray();
        }
        Assert.Equal(["cluster-status"], Zsh("clus"));
        Assert.Equal(["--refresh"], Zsh("events", "--ref"));
        Assert.Equal(["cpu", "memory"], Zsh("metrics", "--by", ""));
        Assert.Equal(["web-7f9c4-abcde"], Zsh("investigate", "we"));
    }

    [Fact]
    public void Fish_parses_and_completes_with_complete_C()
    {
        if (Find("fish") is null) return; // .ci/run installs fish
        var script = Script("fish");
        Shell("fish", "--no-execute", script);
        Snapshot(TimeSpan.FromMinutes(1));
        var bin = Path.GetDirectoryName(KstackProcess.KstackBin)!;
        string[] Fish(string line) =>
            Shell("fish", "--no-config", "-c", $"set -gx PATH '{bin}' $PATH; source '{script}'; complete -C '{line}'").Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
        Assert.Equal(["cluster-status"], Fish("kstack clus"));
        Assert.Equal(["--refresh"], Fish("kstack events --ref"));
        Assert.Equal(["cpu", "memory"], Fish("kstack metrics --by ").Order());
        Assert.Equal(["read"], Fish("kstack pane re"));
        Assert.Equal(["web-7f9c4-abcde"], Fish("kstack investigate we"));
    }

    [Fact]
    public void An_unknown_or_missing_shell_is_a_user_error_and_json_gives_the_envelope()
    {
        Assert.Equal("user", SimCluster.KstackIn(Env(), "completion", "powershell").Kind);
        Assert.Equal("user", SimCluster.KstackIn(Env(), "completion").Kind);
        var json = SimCluster.KstackIn(Env(), "completion", "bash", "--json").AssertOk();
        Assert.StartsWith("# bash completion for kstack ", json.Content);
    }

    [Fact]
    public async Task Targets_come_from_the_snapshot_of_the_cluster_identity_the_context_reaches()
    {
        await using var sim = await SimCluster.StartAsync("demo");
        sim.Kstack("cluster-status").AssertOk();
        var names = sim.Kstack("completion", "targets", "--json").AssertOk().Content.Split('\n');
        Assert.Contains("node/worker-d", names);
        Assert.Contains("ledger-6f7d9c5b84-x2k4p", names);
    }
}
