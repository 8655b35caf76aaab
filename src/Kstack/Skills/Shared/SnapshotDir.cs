using Kstack.Commands;

namespace Kstack.Skills.Shared;

/// <summary>Cluster-wide snapshots live in the context's cache dir; namespaced ones in ns/&lt;namespace&gt;/ below it.</summary>
internal static class SnapshotDir
{
    public static string For(SkillRun run) => For(run, run.Namespace);

    /// <summary>The directory for a namespace other than the run's (e.g. the one a /metrics target lives in).</summary>
    public static string For(SkillRun run, string? ns) =>
        ns is null ? run.CacheDir : Path.Combine(run.CacheDir, "ns", Cache.InstallRoot.ShortSha(ns) + "-" + Sanitize(ns));

    private static string Sanitize(string ns) =>
        new(ns.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').Take(63).ToArray());
}
