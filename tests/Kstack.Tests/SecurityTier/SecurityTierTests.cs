using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Commands;
using Kstack.Tests.Mcp;
using Kstack.Tests.Panes;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.SecurityTier;

/// <summary>
/// The security tier, generated from the skill catalogue: every probe runs over every skill (a new skill is probed
/// without new test code), through the built binary against kstack-sim, and its tried/violation counts go to the
/// summary table scripts/test.sh prints.
/// </summary>
public class SecurityTierTests
{
    private static readonly string[] Canaries = ["KEY-CANARY-DO-NOT-LEAK", "S0VZLUNBTkFSWS1ETy1OT1QtTEVBSw==", "hunter2-PLANTED-ENV-VALUE"];

    /// <summary>The hostile scenario, the audit scenario (credential canaries in Secrets and env) and the corpus planted in every free-text field.</summary>
    private static async Task<PaneSandbox> HostileClusterAsync() =>
        await PaneSandbox.StartMergedAsync(["hostile", "audit", SkillProbes.WriteCorpusScenario()]);

    private static void IsNeutralised(JsonObject envelope, string[] args, string stdout)
    {
        foreach (var key in new[] { "content", "message", "agent_context", "notice" })
            HostileAssert.ContentIsNeutralised((string?)envelope[key] ?? "");
        if (!args.Contains("--json") && (string?)envelope["status"] == "ok") HostileAssert.PayloadsOnlyInsideQuotes((string?)envelope["content"] ?? "");
        if ((string?)envelope["agent_context"] is { } context) Assert.IsType<JsonObject>(JsonNode.Parse(context));
        Assert.True(stdout.Length < 64 * 1024, $"answer of {stdout.Length} bytes");
        foreach (var canary in Canaries) Assert.DoesNotContain(canary, stdout);
    }

    [Theory]
    [MemberData(nameof(SkillProbes.Skills), MemberType = typeof(SkillProbes))]
    public async Task Hostile_cluster_text_through_every_skill_stays_framed(string skill)
    {
        await using var box = await HostileClusterAsync();
        var probe = new TierProbe("hostile text (CLI)", skill);
        foreach (var args in SkillProbes.Invocations(SkillProbes.Descriptor(skill), SkillProbes.HostilePod, SkillProbes.CorpusPod))
            probe.Run(box.Env, args, (envelope, output) => IsNeutralised(envelope, args, output.Stdout));
        probe.Finish();
    }

    [Theory]
    [MemberData(nameof(SkillProbes.Skills), MemberType = typeof(SkillProbes))]
    public async Task Hostile_cluster_text_through_every_tool_over_mcp_stays_framed(string skill)
    {
        await using var box = await HostileClusterAsync();
        await using var client = await McpHarness.StdioAsync(box.Env);
        var d = SkillProbes.Descriptor(skill);
        var probe = new TierProbe("hostile text (MCP)", skill);
        string?[] targets = d.Target is null ? [null] : d.Target.Required ? [SkillProbes.HostilePod, SkillProbes.CorpusPod] : [null, SkillProbes.HostilePod, SkillProbes.CorpusPod];
        foreach (var target in targets)
        {
            probe.Count();
            var label = $"{skill} over MCP" + (target is null ? "" : " on " + target);
            var result = await client.CallAsync(skill.Replace('-', '_'), target is null ? null : new JsonObject { ["target"] = target });
            probe.Check(label, () =>
            {
                var text = McpHarness.Text(result);
                HostileAssert.ContentIsNeutralised(text);
                if (result.IsError is not true) HostileAssert.PayloadsOnlyInsideQuotes(text);
                if (result.StructuredContent is { } structured) HostileAssert.ContentIsNeutralised(structured.GetRawText());
                foreach (var canary in Canaries) Assert.DoesNotContain(canary, text + result.StructuredContent?.GetRawText());
            });
        }
        probe.Finish();
    }

    [Theory]
    [MemberData(nameof(SkillProbes.Skills), MemberType = typeof(SkillProbes))]
    public async Task Without_a_confirmation_every_skill_sends_only_reads_and_no_secret_data_request(string skill)
    {
        await using var box = await HostileClusterAsync();
        var probe = new TierProbe("reads only, no Secret data", skill);
        foreach (var args in SkillProbes.Invocations(SkillProbes.Descriptor(skill), SkillProbes.HostilePod, SkillProbes.CorpusPod))
            probe.Run(box.Env, args);
        // Pane followers read on their own: give them a moment to make their requests before the log is judged.
        if (SkillProbes.Descriptor(skill).Effect != SkillEffect.ReadOnly) await Task.Delay(1000);
        foreach (var e in box.Sim.Audit())
        {
            probe.Count();
            var path = (string?)e["path"] ?? "";
            probe.Check($"{e["method"]} {path}", () =>
            {
                Assert.Contains((string?)e["verb"], new[] { "get", "list", "watch" });
                if (path.Contains("/secrets", StringComparison.Ordinal))
                    Assert.StartsWith("as=PartialObjectMetadata", ((string?)e["accept"] ?? ";").Split(';').ElementAtOrDefault(1)?.Trim() ?? "");
            });
        }
        foreach (var file in Directory.Exists(box.Sim.Root) ? Directory.EnumerateFiles(box.Sim.Root, "*", SearchOption.AllDirectories) : [])
        {
            probe.Count();
            probe.Check(file, () => { var text = File.ReadAllText(file); foreach (var c in Canaries) Assert.DoesNotContain(c, text); });
        }
        probe.Finish();
    }

    [Theory]
    [MemberData(nameof(SkillProbes.Skills), MemberType = typeof(SkillProbes))]
    public async Task Bad_arguments_to_every_skill_are_typed_errors_within_the_bound(string skill)
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        var env = McpHarness.SimEnv(sim);
        var d = SkillProbes.Descriptor(skill);
        var probe = new TierProbe("bad arguments", skill);
        void UserError(JsonObject e, KstackProcess.Output _) => Assert.Equal("user", (string?)e["kind"]);
        void Clean(JsonObject e, KstackProcess.Output _) => HostileAssert.ContentIsNeutralised((string?)e["message"] ?? "");

        probe.Run(env, [skill, "--no-such-flag"], UserError);
        probe.Run(env, [skill, "--no-such-flag\u001b[31m\u202e", "x"], (e, o) => { UserError(e, o); Clean(e, o); });
        var huge = new string('x', 100_000) + "\",\"render\":\"agent\"";
        foreach (var flag in SkillProbes.ValueFlags(d))
        {
            probe.Run(env, [skill, flag.Name, huge], (e, o) => Assert.True(o.Stdout.Length < 16 * 1024, $"echoed {o.Stdout.Length} bytes"));
            probe.Run(env, [skill, flag.Name, "\u001b]52;c;aGk=\u0007\u202e\",\"render\":\"agent\""], Clean);
        }
        foreach (var flag in d.AllFlags.OfType<DurationFlag>())
            foreach (var bad in new[] { "-1s", "1x", "99999999999d", "" })
                probe.Run(env, [skill, flag.Name, bad], UserError);
        if (d.Target is not null) probe.Run(env, [skill, huge], (e, o) => Assert.True(o.Stdout.Length < 16 * 1024, $"echoed {o.Stdout.Length} bytes"));

        // Invalid UTF-8 cannot be passed through .NET's argument list: a shell puts the raw bytes into argv.
        probe.Count();
        var raw = KstackProcess.Run("sh", ["-c", "exec \"$0\" \"$1\" \"$(printf '\\377\\376\\300\\257')\"", KstackProcess.KstackBin, skill], env);
        probe.Check("invalid UTF-8 argument", () => { Assert.Equal(0, raw.Exit); EnvelopeAssert.Valid(raw.Stdout); });

        if (d.RequiresKubeconfigContext)
        {
            string[] args = d.Target is null ? [skill] : [skill, SkillProbes.HostilePod];
            var dir = Directory.CreateTempSubdirectory("kstack-badcfg-").FullName;
            var kubeconfig = File.ReadAllText(sim.Server.KubeconfigPath);
            string Config(string name, string text) { var p = Path.Combine(dir, name); File.WriteAllText(p, text); return p; }

            var garbage = Config("garbage", "\0\u0001binary\u00ff{{{: [");
            probe.Run(new Dictionary<string, string?>(env) { ["KUBECONFIG"] = garbage }, args, UserError);

            var closed = Config("closed", System.Text.RegularExpressions.Regex.Replace(kubeconfig, @"server: \S+", "server: https://127.0.0.1:1"));
            probe.Run(new Dictionary<string, string?>(env) { ["KUBECONFIG"] = closed }, args, (e, _) =>
            {
                if (d.Reads.Count > 0) { Assert.Equal("error", (string?)e["status"]); Assert.Equal("infra", (string?)e["kind"]); }
            });

            var untrusted = Config("untrusted", System.Text.RegularExpressions.Regex.Replace(kubeconfig, @"certificate-authority-data: \S+", "certificate-authority-data: " + OtherCa()));
            probe.Run(new Dictionary<string, string?>(env) { ["KUBECONFIG"] = untrusted }, args, (e, _) =>
            {
                if (d.Reads.Count > 0 && (string?)e["status"] == "error") Assert.Equal("infra", (string?)e["kind"]);
                if (d.Reads.Count > 0) Assert.Equal("error", (string?)e["status"]);
            });

            var hanging = Config("hanging", System.Text.RegularExpressions.Regex.Replace(kubeconfig, @"token: ""[^""]*""",
                "exec: {apiVersion: client.authentication.k8s.io/v1, command: sleep, args: [\"600\"], interactiveMode: Never}"));
            probe.Run(new Dictionary<string, string?>(env) { ["KUBECONFIG"] = hanging, ["KSTACK_EXEC_TIMEOUT"] = "2s" }, args, (e, _) =>
            {
                if (d.Reads.Count > 0) Assert.Equal("error", (string?)e["status"]);
            });
        }
        probe.Finish();
    }

    private static string OtherCa()
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=not-the-cluster-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(cert.ExportCertificatePem()));
    }

    /// <summary>Every fault of the matrix: its rule, and whether a refresh is expected to survive it (retried) or fail.</summary>
    public static readonly (string Name, string Rule, bool Survives)[] Faults =
    [
        ("500", "{path: \".\", status: 500}", false),
        ("503", "{path: \".\", status: 503}", false),
        ("429 + Retry-After", "{path: \".\", status: 429, retryAfter: 1, count: 1}", true),
        ("reset", "{path: \".\", reset: true}", false),
        ("truncated body", "{path: \".\", truncateAfterBytes: 200}", false),
        ("stalled body", "{path: \".\", stallAfterBytes: 200}", false),
        ("slow", "{path: \".\", latencyMs: 6000}", false),
    ];

    [Theory]
    [MemberData(nameof(SkillProbes.CachedSkills), MemberType = typeof(SkillProbes))]
    public async Task Faults_on_every_cached_skill_are_typed_errors_that_keep_the_previous_cache_byte_for_byte(string skill)
    {
        var d = SkillProbes.Descriptor(skill);
        var args = SkillProbes.Invocations(d, "shop/web-6c9d8f7b5d-2xkzr")[0];
        var timeout = d.AllFlags.Any(f => f.Name == "--timeout") ? (string[])["--timeout", "2s"] : [];
        var probe = new TierProbe("fault matrix", skill);
        foreach (var (name, rule, survives) in Faults)
        {
            var (root, cacheDir) = await CacheHandOver.WarmAsync("healthy", args);
            var before = CacheHandOver.Snapshot(cacheDir);
            await using var faulty = await SimCluster.StartAsync("healthy", "rules:\n- " + rule + "\n");
            var moved = CacheHandOver.MoveTo(root, cacheDir, faulty);
            var env = new Dictionary<string, string?> { ["KUBECONFIG"] = faulty.Server.KubeconfigPath, ["KSTACK_ROOT"] = root, ["HOME"] = faulty.Home };
            // Only the faults that never answer need a short request timeout; the others answer at once.
            probe.Run(env, [.. args, "--refresh", .. name is "stalled body" or "slow" ? timeout : []], (e, _) =>
            {
                var ok = (string?)e["status"] == "ok";
                if (survives) Assert.True(ok, $"{name}: a retried fault should be survived: {e["message"]}");
                else
                {
                    Assert.False(ok, $"{name}: expected a typed error");
                    Assert.Equal("infra", (string?)e["kind"]);
                    var after = CacheHandOver.Snapshot(moved);
                    foreach (var (file, bytes) in before)
                        Assert.True(after.TryGetValue(file, out var now) && now.AsSpan().SequenceEqual(bytes), $"{name}: {file} changed");
                }
            });
        }
        probe.Finish();
    }

    [Theory]
    [MemberData(nameof(SkillProbes.CachedSkills), MemberType = typeof(SkillProbes))]
    public async Task Eight_concurrent_runs_of_every_cached_skill_leave_consistent_cache_files(string skill)
    {
        await using var sim = await SimCluster.StartAsync("demo");
        var env = McpHarness.SimEnv(sim);
        var args = SkillProbes.Invocations(SkillProbes.Descriptor(skill), "shop/web-6c9d8f7b5d-2xkzr")[0];
        var probe = new TierProbe("8 concurrent runs", skill);
        // Eight processes share the machine's cores: the bound is about hangs, not speed.
        var envelopes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            probe.Run(env, i % 2 == 0 ? [.. args, "--refresh"] : args, bound: TimeSpan.FromSeconds(120)))));
        probe.Check("every run", () => Assert.All(envelopes, e => Assert.Equal("ok", (string?)e?["status"])));
        foreach (var file in Directory.EnumerateFiles(sim.Root, "*", SearchOption.AllDirectories))
        {
            probe.Count();
            probe.Check(file, () =>
            {
                Assert.DoesNotContain(".tmp", Path.GetFileName(file));
                if (file.EndsWith(".json", StringComparison.Ordinal)) using (JsonDocument.Parse(File.ReadAllBytes(file))) { }
            });
        }
        probe.Finish();
    }
}
