using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kstack.Commands;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Cli;

/// <summary>The root command, run as the built binary: version, help, unknown words, flag values and their bounds.</summary>
public sealed class KstackAppProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-cli-proc-").FullName;

    public KstackAppProcessTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "home"));
        // A context whose server nobody answers: every check below must fail before the first request.
        File.WriteAllText(Path.Combine(_dir, "kubeconfig"), """
            apiVersion: v1
            kind: Config
            clusters:
            - name: nowhere
              cluster:
                server: https://127.0.0.1:1
            contexts:
            - name: nowhere
              context:
                cluster: nowhere
                user: u
            users:
            - name: u
              user:
                token: t
            current-context: nowhere
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private JsonObject Run(params string[] args)
    {
        var output = KstackProcess.Run(KstackProcess.KstackBin, args, new Dictionary<string, string?>
        {
            ["KSTACK_ROOT"] = Path.Combine(_dir, "root"), ["HOME"] = Path.Combine(_dir, "home"), ["KUBECONFIG"] = Path.Combine(_dir, "kubeconfig"),
        }, timeoutMs: 30_000);
        Assert.True(output.Exit == 0, $"exit {output.Exit}: {output.Stderr}");
        Assert.Equal("", output.Stderr);
        return EnvelopeAssert.Valid(output.Stdout);
    }

    private static string UserError(JsonObject env)
    {
        Assert.Equal("error", (string?)env["status"]);
        Assert.Equal("user", (string?)env["kind"]);
        return (string)env["message"]!;
    }

    [Fact]
    public void Version_names_the_project_version_the_commit_and_the_build_date()
    {
        var csproj = File.ReadAllText(Path.Combine(KstackProcess.RepoRoot, "src", "Kstack", "Kstack.csproj"));
        var version = Regex.Match(csproj, "<Version>([^<]+)</Version>").Groups[1].Value;
        var env = Run("--version");
        Assert.Equal("verbatim", (string?)env["render"]);
        Assert.Matches($@"^kstack {Regex.Escape(version)} \(commit ([0-9a-f]{{12}}|unknown), built \d{{4}}-\d\d-\d\dT\d\d:\d\dZ\)$", (string)env["content"]!);
        Assert.Equal((string?)env["content"], (string?)Run("version")["content"]);
    }

    [Fact]
    public void Help_is_an_envelope_when_stdout_is_not_a_terminal_and_names_every_verb()
    {
        foreach (var args in new[] { new[] { "--help" }, ["-h"], ["help"], [] })
        {
            var content = (string)Run(args)["content"]!;
            Assert.StartsWith("kstack ", content);
            foreach (var word in SkillCatalogue.Names.Concat(["install", "uninstall", "pane", "entrypoint"]))
                Assert.Contains($"\n  {word} ", content);
        }
    }

    [Fact]
    public void Help_at_a_terminal_is_plain_text_and_json_keeps_the_envelope()
    {
        string AtTerminal(string args)
        {
            var output = KstackProcess.Run("script", ["-qec", $"{KstackProcess.KstackBin} {args}", "/dev/null"], new Dictionary<string, string?>
            {
                ["KSTACK_ROOT"] = Path.Combine(_dir, "root"), ["HOME"] = Path.Combine(_dir, "home"),
            }, timeoutMs: 30_000);
            Assert.Equal(0, output.Exit);
            // The runtime switches a terminal's keypad mode on start-up (ESC [?1h ESC =): not part of the answer.
            return Regex.Replace(output.Stdout.Replace("\r\n", "\n"), @"\e\[\?[0-9;]*[a-zA-Z]|\e[=>]", "");
        }
        var text = AtTerminal("--help");
        Assert.StartsWith("kstack ", text);
        Assert.Contains("\nSkills:\n", text);
        Assert.StartsWith("kstack ", AtTerminal("--version"));
        Assert.StartsWith("/forget — ", AtTerminal("forget --help"));
        Assert.StartsWith("{\"kstack\":\"1\"", AtTerminal("--help --json"));
        Assert.StartsWith("{\"kstack\":\"1\"", AtTerminal("forget --context x"));
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("--bogus")]
    public void An_unknown_command_is_a_user_error(string word) =>
        Assert.Equal($"Unknown command `{word}`. Run `kstack --help` for usage.", UserError(Run(word)));

    [Fact]
    public void A_huge_argument_is_echoed_capped()
    {
        var huge = new string('x', 120_000);
        var unknownFlag = UserError(Run("forget", "--" + huge));
        Assert.StartsWith("Unknown flag `--xxx", unknownFlag);
        Assert.EndsWith("…`. Run `/forget --help` for usage.", unknownFlag);
        Assert.True(unknownFlag.Length < 300, $"{unknownFlag.Length} characters");
        Assert.True(UserError(Run(huge)).Length < 300);
        Assert.True(UserError(Run("events", "--ttl", huge)).Length < 300);
        Assert.True(UserError(Run("install", "--agent", huge)).Length < 400);
    }

    [Theory]
    [InlineData("99999999999999999999", "Flag --top is out of range: `99999999999999999999`. Use a whole number from 1 to 2147483647.")]
    [InlineData("2147483648", "Flag --top is out of range: `2147483648`. Use a whole number from 1 to 2147483647.")]
    [InlineData("ten", "Flag --top takes a whole number, got `ten`.")]
    [InlineData("0", "Flag --top must be at least 1.")]
    public void Top_values_out_of_range_say_so(string value, string message) =>
        Assert.Equal(message, UserError(Run("metrics", "--top", value)));

    [Fact]
    public void A_flag_without_its_value_still_says_it_requires_one() =>
        Assert.Equal("Flag --top requires a value.", UserError(Run("metrics", "--top")));

    [Theory]
    [InlineData("investigate", "pod/web")]
    [InlineData("events", "")]
    [InlineData("cluster-status", "")]
    [InlineData("metrics", "")]
    public void Timeouts_beyond_what_a_timer_supports_are_user_errors(string skill, string target)
    {
        string[] Args(string timeout) => [skill, .. target.Length > 0 ? new[] { target } : [], "--timeout", timeout];
        Assert.Equal("Flag --timeout must be at most 1d.", UserError(Run(Args("50d"))));
        Assert.Equal("Flag --timeout must be at most 1d.", UserError(Run(Args("3650d"))));
        Assert.Equal("Invalid --timeout value `106751991167301d`. Use durations like 30s, 15m, 2h, 1d.", UserError(Run(Args("106751991167301d"))));
        Assert.Equal("Flag --timeout must be greater than 0s.", UserError(Run(Args("0s"))));
    }

    [Fact]
    public void A_flag_given_twice_is_named()
    {
        Assert.Equal("Flag --since takes one value; it was given 2.", UserError(Run("metrics", "--since", "1h", "--since", "2h")));
    }
}
