using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kstack.Envelope;
using Kstack.Tests.Envelope;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Commands;

/// <summary>Runs the built kstack binary as a process: one envelope on stdout, nothing on stderr, exit 0.</summary>
public sealed class ForgetCommandProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-forget-proc-").FullName;
    private string Root => Path.Combine(_dir, "root");
    private string Home => Path.Combine(_dir, "home");
    private string KubeconfigPath { get; set; }

    public ForgetCommandProcessTests()
    {
        Directory.CreateDirectory(Home);
        KubeconfigPath = Path.Combine(_dir, "no-such-kubeconfig");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Context_with_a_quote_comes_back_exactly()
    {
        var env = Run("forget", "--context", "x\"y");
        Assert.Equal("x\"y", (string?)env["kube_context"]);
        Assert.Equal("ok", (string?)env["status"]);
        Assert.Equal("Nothing to forget for context `x\"y` — no local state found.", (string?)env["content"]);
    }

    [Fact]
    public void Thirty_hostile_contexts_round_trip_in_kube_context()
    {
        string[] labels =
        [
            "dquote", "backslash", "many-backslashes", "sibling-render", "newline-render", "crlf-render", "close-and-new-envelope",
            "embedded-envelope", "sibling-kube-context", "c0-1B", "c0-0D", "c0-07", "c1-9B", "c1-85", "csi-sgr-red",
            "osc8-hyperlink", "osc52-clipboard", "dcs", "bidi-202E", "bidi-2067", "trojan-source", "tag-E0041",
            "tag-hidden-text", "lone-high", "lone-low", "reversed-pair", "line-separators", "emoji-zwj-family",
            "utf8-cesu-pair", "utf8-valid-c1-csi",
        ];
        var byLabel = HostileCorpus.Entries.ToDictionary(e => e.Label, e => e.Value);
        var contexts = labels.Select(l => byLabel[l]).ToList();
        Assert.Equal(30, contexts.Count);
        Assert.All(contexts, c => Assert.DoesNotContain('\0', c));
        foreach (var (ctx, label) in contexts.Zip(labels))
        {
            var env = Run("forget", "--context=" + ctx);
            var received = TerminalText.ReplaceInvalid(ctx);
            Assert.True(received == (string?)env["kube_context"], $"{label}: kube_context did not round-trip");
            Assert.True(TerminalText.Clean($"Nothing to forget for context `{received}` — no local state found.") == (string?)env["content"],
                $"{label}: unexpected content");
            HostileCorpusTests.AssertNeutral((string)env["content"]!, label);
        }
    }

    [Fact]
    public void Unknown_flag_is_the_canonical_user_error()
    {
        var env = Run("forget", "--bogus");
        Assert.Equal("error", (string?)env["status"]);
        Assert.Equal("user", (string?)env["kind"]);
        Assert.Equal("Unknown flag `--bogus`. Run `/forget --help` for usage.", (string?)env["message"]);
    }

    [Fact]
    public void Help_is_a_verbatim_envelope()
    {
        var env = Run("forget", "--help");
        Assert.Equal("ok", (string?)env["status"]);
        Assert.Equal("verbatim", (string?)env["render"]);
        Assert.StartsWith("/forget — ", (string?)env["content"]);
        Assert.Contains("--all", (string?)env["content"]);
        Assert.False(env.ContainsKey("kube_context"));
    }

    [Fact]
    public void Forget_removes_the_cache_and_state_of_the_context_and_lists_both()
    {
        var cache = Path.Combine(Root, "cache", "kube", Sha12("prod"));
        var state = Path.Combine(Root, "state", "contexts", Sha12("prod"));
        var other = Path.Combine(Root, "cache", "kube", Sha12("staging"));
        foreach (var d in new[] { cache, state, other }) Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(cache, "pods.json"), "{}");
        File.WriteAllText(Path.Combine(state, "namespace"), "default");
        File.WriteAllText(Path.Combine(other, "pods.json"), "{}");

        var env = Run("forget", "--context", "prod");
        Assert.Equal($"Forgot local state for context `prod`:\n  cache  ({cache})\n  state  ({state})", (string?)env["content"]);
        Assert.Equal("prod", (string?)env["kube_context"]);
        Assert.False(File.Exists(Path.Combine(cache, "pods.json")));
        Assert.False(Directory.Exists(state));
        Assert.True(File.Exists(Path.Combine(other, "pods.json")), "another context's cache was touched");

        var again = Run("forget", "--context", "prod");
        Assert.Equal("Nothing to forget for context `prod` — no local state found.", (string?)again["content"]);
    }

    [Fact]
    public void Forget_all_keeps_global_state_and_the_manifest()
    {
        foreach (var ctx in new[] { "a", "b" })
        {
            var c = Directory.CreateDirectory(Path.Combine(Root, "cache", "kube", Sha12(ctx))).FullName;
            var s = Directory.CreateDirectory(Path.Combine(Root, "state", "contexts", Sha12(ctx))).FullName;
            File.WriteAllText(Path.Combine(c, "pods.json"), "{}");
            File.WriteAllText(Path.Combine(s, "k"), "v");
        }
        Directory.CreateDirectory(Path.Combine(Root, "state", "global"));
        Directory.CreateDirectory(Path.Combine(Root, "manifest"));
        File.WriteAllText(Path.Combine(Root, "state", "global", "prefs"), "keep me");
        File.WriteAllText(Path.Combine(Root, "manifest", "version"), "0.1.0");
        File.WriteAllText(Path.Combine(Root, "manifest", "skills"), "forget\n");

        var env = Run("forget", "--all");
        Assert.Equal("Forgot local state for all contexts.", (string?)env["content"]);
        // Only the lock files stay (a fetch waiting on one keeps excluding the others).
        Assert.All(Directory.EnumerateFileSystemEntries(Path.Combine(Root, "cache", "kube")),
            d => Assert.Equal([".lock"], Directory.EnumerateFileSystemEntries(d).Select(Path.GetFileName)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, "state", "contexts")));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(Root, "state", "global", "prefs")));
        Assert.Equal("0.1.0", File.ReadAllText(Path.Combine(Root, "manifest", "version")));
        Assert.Equal("forget\n", File.ReadAllText(Path.Combine(Root, "manifest", "skills")));

        Assert.Equal("Nothing to forget — no local state found for any context.", (string?)Run("forget", "--all")["content"]);
    }

    [Fact]
    public void Without_any_context_the_user_is_told_how_to_set_one()
    {
        var env = Run("forget");
        Assert.Equal("error", (string?)env["status"]);
        Assert.Equal("user", (string?)env["kind"]);
        // KUBECONFIG names a file that does not exist: the message says which.
        Assert.Equal($"Unable to determine kube context: KUBECONFIG names `{KubeconfigPath}`, which does not exist. "
                     + "Point KUBECONFIG at your kubeconfig, set a context with kubectl, or pass --context=<name>.", (string?)env["message"]);
        Assert.False(env.ContainsKey("kube_context"));
    }

    [Fact]
    public void A_changed_current_context_carries_a_drift_notice_unless_pinned()
    {
        KubeconfigPath = Path.Combine(_dir, "kubeconfig");
        WriteKubeconfig("kind-alpha");
        var first = Run("forget");
        Assert.Equal("kind-alpha", (string?)first["kube_context"]);
        Assert.False(first.ContainsKey("notice"));

        WriteKubeconfig("kind-beta");
        var pinned = Run("forget", "--context", "kind-beta");
        Assert.Equal("kind-beta", (string?)pinned["kube_context"]);
        Assert.False(pinned.ContainsKey("notice"), "an explicit --context must not carry a drift notice");

        Run("forget", "--context", "kind-alpha");
        var drifted = Run("forget");
        Assert.Equal("kind-beta", (string?)drifted["kube_context"]);
        var notice = (string?)drifted["notice"];
        Assert.NotNull(notice);
        // The current-context was already kind-beta at the pinned call: only the pin differs, and the notice says that.
        Assert.Contains("The last kstack call used context `kind-alpha` (named explicitly; the kubeconfig current-context was already `kind-beta`)", notice);
        Assert.DoesNotContain("changed", notice);
        Assert.Contains("--context=kind-alpha", notice);

        var steady = Run("forget");
        Assert.False(steady.ContainsKey("notice"), "no notice once the new context has been used");
    }

    [Fact]
    public async Task Eight_parallel_runs_on_one_context_all_succeed_and_leave_no_temp_files()
    {
        var cache = Directory.CreateDirectory(Path.Combine(Root, "cache", "kube", Sha12("shared"))).FullName;
        var state = Directory.CreateDirectory(Path.Combine(Root, "state", "contexts", Sha12("shared"))).FullName;
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(Path.Combine(cache, $"r{i}.json"), "{}");
            File.WriteAllText(Path.Combine(state, $"s{i}"), "x");
        }
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Run("forget", "--context", "shared"))));
        Assert.All(runs, env => Assert.Equal("shared", (string?)env["kube_context"]));
        var contents = runs.Select(env => (string)env["content"]!).ToList();
        Assert.All(contents, c => Assert.True(c.StartsWith("Forgot local state for context `shared`:\n", StringComparison.Ordinal)
                                              || c == "Nothing to forget for context `shared` — no local state found.", c));
        Assert.Equal(1, contents.Count(c => c.Contains($"  cache  ({cache})")));
        Assert.Equal(1, contents.Count(c => c.Contains($"  state  ({state})")));
        Assert.Empty(Directory.EnumerateFiles(Root, "*.tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain(Directory.EnumerateFiles(cache), f => Path.GetFileName(f) != ".lock");
        Assert.False(Directory.Exists(state));
    }

    private void WriteKubeconfig(string current) => File.WriteAllText(KubeconfigPath, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: https://127.0.0.1:1
        contexts:
        - name: kind-alpha
          context:
            cluster: fake
            user: alpha
        - name: kind-beta
          context:
            cluster: fake
            user: beta
        users:
        - name: alpha
          user:
            token: alpha-token
        - name: beta
          user:
            token: beta-token
        current-context: {current}
        """);

    private static string Sha12(string context) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context)))[..12];

    /// <summary>Runs kstack with an isolated root, HOME and KUBECONFIG; asserts exit 0, empty stderr and one valid envelope.</summary>
    private JsonObject Run(params string[] args)
    {
        var output = KstackProcess.Run(KstackProcess.KstackBin, args,
            new Dictionary<string, string?> { ["KSTACK_ROOT"] = Root, ["HOME"] = Home, ["KUBECONFIG"] = KubeconfigPath }, timeoutMs: 30_000);
        var what = $"kstack {string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "…" : a))}";
        Assert.True(output.Stderr.Length == 0, $"{what}: stderr: {output.Stderr}");
        Assert.True(output.Exit == 0, $"{what}: exit code {output.Exit}");
        Assert.True(output.Stdout.EndsWith('\n') && output.Stdout.IndexOf('\n') == output.Stdout.Length - 1, $"{what}: stdout is not exactly one line");
        return EnvelopeAssert.Valid(output.Stdout);
    }
}
