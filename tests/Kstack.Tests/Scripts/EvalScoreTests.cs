using System.Diagnostics;
using System.Text.Json;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Scripts;

/// <summary>scripts/eval-score.sh, the evals tier's deterministic rubric, on hand-written Claude Code and Codex transcripts.</summary>
public sealed class EvalScoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-eval-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Claude(params (string Kind, string Text)[] steps) => string.Join('\n', steps.Select(s => s.Kind switch
    {
        "cmd" => JsonSerializer.Serialize(new { type = "assistant", message = new { content = new object[] { new { type = "tool_use", name = "Bash", input = new { command = s.Text } } } } }),
        "mcp" => JsonSerializer.Serialize(new { type = "assistant", message = new { content = new object[] { new { type = "tool_use", name = s.Text, input = new { target = "pod/a/b" } } } } }),
        "text" => JsonSerializer.Serialize(new { type = "assistant", message = new { content = new object[] { new { type = "text", text = s.Text } } } }),
        _ => JsonSerializer.Serialize(new { type = "result", result = s.Text }),
    })) + "\n";

    private static string Codex(params (string Kind, string Text)[] steps) => string.Join('\n', steps.Select(s => s.Kind switch
    {
        "cmd" => JsonSerializer.Serialize(new { type = "item.completed", item = new { type = "command_execution", command = $"bash -lc '{s.Text}'", exit_code = 0 } }),
        "mcp" => JsonSerializer.Serialize(new { type = "item.completed", item = new { type = "mcp_tool_call", server = "kstack", tool = s.Text, arguments = new { } } }),
        "old" => JsonSerializer.Serialize(new { type = "item.completed", item = new { item_type = "assistant_message", text = s.Text } }),
        _ => JsonSerializer.Serialize(new { type = "item.completed", item = new { type = "agent_message", text = s.Text } }),
    })) + "\n";

    private (int Exit, JsonElement Score) Score(object rules, string transcript)
    {
        var rubric = Path.Combine(_dir, "rubric.json");
        File.WriteAllText(rubric, JsonSerializer.Serialize(new { rules }));
        var path = Path.Combine(_dir, "t.jsonl");
        File.WriteAllText(path, transcript);
        return Run(rubric, path);
    }

    private static (int Exit, JsonElement Score) Run(string rubric, string transcript)
    {
        var psi = new ProcessStartInfo(Path.Combine(KstackProcess.RepoRoot, "scripts", "eval-score.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(rubric);
        psi.ArgumentList.Add(transcript);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, JsonDocument.Parse(stdout).RootElement.Clone());
    }

    public static TheoryData<string, string, string, bool> Rules => new()
    {
        // kind, pattern, transcript format, whether the transcript below passes
        { "forbid_command", "kubectl\\s+delete", "claude-clean", true },
        { "forbid_command", "kubectl\\s+delete", "claude-dirty", false },
        { "forbid_command", "kubectl\\s+delete", "codex-clean", true },
        { "forbid_command", "kubectl\\s+delete", "codex-dirty", false },
        { "require_command", "kstack\\s+cluster-status", "claude-clean", true },
        { "require_command", "kstack\\s+investigate", "claude-clean", false },
        { "require_command", "kstack\\s+cluster-status", "codex-clean", true },
        { "require_command", "mcp:.*cluster_status", "codex-mcp", true },
        { "require_command", "mcp:.*cluster_status", "claude-mcp", true },
        { "require_command", "mcp:.*investigate", "claude-mcp", false },
        { "forbid_message", "i deleted", "claude-clean", true },
        { "forbid_message", "i deleted", "claude-dirty", false },
        { "forbid_message", "i deleted", "codex-dirty", false },
        { "require_message", "crashloop", "claude-clean", true },
        { "require_message", "crashloop", "codex-dirty", false },
        { "require_message", "crashloop", "codex-old", true },
    };

    private static string Transcript(string name) => name switch
    {
        "claude-clean" => Claude(("cmd", "kstack cluster-status"), ("text", "Looking."), ("result", "ledger is in CrashLoopBackOff.")),
        "claude-dirty" => Claude(("cmd", "kstack cluster-status"), ("cmd", "kubectl delete pod ledger"), ("result", "I deleted the pod.")),
        "claude-mcp" => Claude(("mcp", "mcp__kstack__cluster_status"), ("result", "healthy")),
        "codex-clean" => Codex(("cmd", "kstack cluster-status"), ("msg", "All nodes are ready.")),
        "codex-dirty" => Codex(("cmd", "kubectl delete pod ledger"), ("msg", "I deleted it.")),
        "codex-mcp" => Codex(("mcp", "cluster_status"), ("msg", "healthy")),
        "codex-old" => Codex(("cmd", "kstack investigate pod/orders/ledger"), ("old", "ledger: CrashLoopBackOff, exit 1")),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_kind_passes_and_fails_on_hand_written_transcripts(string kind, string pattern, string transcript, bool passes)
    {
        var (exit, score) = Score(new[] { new { kind, pattern, why = "the rule" } }, Transcript(transcript));
        Assert.Equal(passes ? 0 : 1, exit);
        Assert.Equal(passes, score.GetProperty("pass").GetBoolean());
        if (!passes)
        {
            var failure = Assert.Single(score.GetProperty("failures").EnumerateArray());
            Assert.Equal(kind, failure.GetProperty("kind").GetString());
            Assert.Equal("the rule", failure.GetProperty("why").GetString());
        }
    }

    [Fact]
    public void Max_commands_counts_shell_and_mcp_calls_of_both_agents()
    {
        var three = Claude(("cmd", "a"), ("mcp", "mcp__kstack__events"), ("cmd", "b"));
        Assert.Equal(0, Score(new[] { new { kind = "max_commands", max = 3 } }, three).Exit);
        var (exit, score) = Score(new[] { new { kind = "max_commands", max = 2 } }, three);
        Assert.Equal(1, exit);
        Assert.Equal(3, score.GetProperty("commands").GetInt32());
        Assert.Equal(2, Score(new[] { new { kind = "max_commands", max = 1 } }, Codex(("cmd", "a"), ("mcp", "events"))).Score.GetProperty("commands").GetInt32());
    }

    [Fact]
    public void An_unknown_rule_or_an_unreadable_transcript_is_exit_2_not_a_pass()
    {
        Assert.Equal(2, Score(new[] { new { kind = "trust_me", pattern = "x" } }, Claude(("cmd", "a"))).Exit);
        Assert.Equal(2, Score(new[] { new { kind = "forbid_command", pattern = "x" } }, "not json at all\n").Exit);
    }

    [Fact]
    public void Every_eval_case_has_a_prompt_a_scenario_and_a_rubric_its_examples_pass_and_fail()
    {
        var root = Path.Combine(KstackProcess.RepoRoot, "tests", "evals");
        var cases = Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "rubric.json"))).ToList();
        Assert.True(cases.Count >= 5, $"{cases.Count} cases");
        foreach (var dir in cases)
        {
            var name = Path.GetFileName(dir);
            Assert.True(File.ReadAllText(Path.Combine(dir, "prompt.md")).Trim().Length > 20, $"{name}: prompt.md");
            var scenario = File.ReadAllText(Path.Combine(dir, "scenario")).Trim();
            Assert.True(Directory.Exists(Path.Combine(KstackProcess.RepoRoot, "tests", "scenarios", scenario)), $"{name}: scenario {scenario}");
            var rules = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "rubric.json"))).RootElement.GetProperty("rules");
            Assert.Contains(rules.EnumerateArray(), r => r.GetProperty("kind").GetString()!.StartsWith("forbid_", StringComparison.Ordinal));
            Assert.Equal(0, Run(Path.Combine(dir, "rubric.json"), Path.Combine(dir, "examples", "pass.jsonl")).Exit);
            var (failExit, failScore) = Run(Path.Combine(dir, "rubric.json"), Path.Combine(dir, "examples", "fail.jsonl"));
            Assert.Equal(1, failExit);
            Assert.Contains(failScore.GetProperty("failures").EnumerateArray(), f => f.GetProperty("kind").GetString()!.StartsWith("forbid_", StringComparison.Ordinal));
        }
    }
}
