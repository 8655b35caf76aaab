using System.Diagnostics;
using System.Text.Json.Nodes;
using Kstack.Tests.Support;
using Xunit;
using Xunit.Sdk;

namespace Kstack.Tests.SecurityTier;

/// <summary>
/// One probe of the security tier over one skill: every invocation is checked and every failed check recorded as a
/// violation (the probe goes on), then the count goes to the tier's summary and the test fails on any violation.
/// </summary>
public sealed class TierProbe(string probe, string skill)
{
    /// <summary>Where each probe appends "probe, skill, tried, violations"; scripts/test.sh prints the table from it.</summary>
    public static string ReportPath =>
        Environment.GetEnvironmentVariable("KSTACK_TIER_REPORT") is { Length: > 0 } p ? p : Path.Combine(Path.GetTempPath(), "kstack-security-tier.tsv");

    /// <summary>Longest a run may take before it counts as a hang: far above any answer, far below a stuck process.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static readonly Lock ReportLock = new();
    private readonly Lock _lock = new();
    private readonly List<string> _violations = [];
    private int _tried;

    public int Tried => _tried;

    /// <summary>Runs kstack, checks that stdout is exactly one schema-valid envelope with a clean exit, then the extra checks.</summary>
    public JsonObject? Run(IReadOnlyDictionary<string, string?> env, string[] args, Action<JsonObject, KstackProcess.Output>? check = null,
        TimeSpan? bound = null)
    {
        var limit = bound ?? Bound;
        Interlocked.Increment(ref _tried);
        var label = Label(args) + (env.TryGetValue("KUBECONFIG", out var k) && k is not null ? $" (KUBECONFIG {Path.GetFileName(k)})" : "");
        var sw = Stopwatch.StartNew();
        KstackProcess.Output output;
        try { output = KstackProcess.Run(KstackProcess.KstackBin, args, env, timeoutMs: (int)limit.TotalMilliseconds * 3); }
        catch (Exception e) when (e is XunitException or System.Text.DecoderFallbackException or AggregateException)
        {
            Violation($"{label}: {Cut(e.Message)}");
            return null;
        }
        if (sw.Elapsed > limit) Violation($"{label}: took {sw.Elapsed.TotalSeconds:0.0} s (bound {limit.TotalSeconds} s)");
        JsonObject envelope;
        try
        {
            Assert.True(output.Exit == 0, $"exit {output.Exit}");
            Assert.True(output.Stderr.Length == 0, "stderr: " + output.Stderr);
            envelope = EnvelopeAssert.Valid(output.Stdout);
            Assert.DoesNotContain("   at ", (string?)envelope["message"] ?? "");
            if ((string?)envelope["status"] == "error") Assert.Contains((string?)envelope["kind"], new[] { "user", "infra" });
        }
        catch (XunitException e)
        {
            Violation($"{label}: {Cut(e.Message)} | stdout: {Cut(output.Stdout)}");
            return null;
        }
        Check(label + " | stdout: " + Cut(output.Stdout), () => check?.Invoke(envelope, output));
        return envelope;
    }

    /// <summary>Records a failed assertion as a violation instead of stopping the probe.</summary>
    public void Check(string what, Action check)
    {
        try { check(); }
        catch (XunitException e) { Violation($"{what}: {Cut(e.Message)}"); }
    }

    private void Violation(string text)
    {
        lock (_lock) _violations.Add(text);
    }

    public void Count() => Interlocked.Increment(ref _tried);

    /// <summary>Writes the summary line and fails the test when anything was violated.</summary>
    public void Finish()
    {
        lock (ReportLock) File.AppendAllText(ReportPath, $"{probe}\t{skill}\t{Tried}\t{_violations.Count}\n");
        Assert.True(Tried > 0, $"{probe} tried nothing on {skill}");
        Assert.True(_violations.Count == 0, $"{_violations.Count} of {Tried} {probe} runs on {skill} violated the guarantee:\n" + string.Join("\n", _violations.Take(20)));
    }

    public static string Label(string[] args) => "kstack " + string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + $"…({a.Length})" : a));

    private static string Cut(string s) => s.Length > 400 ? s[..400] + "…" : s;
}
