using Kstack.Commands;

namespace Kstack.Skills.Shared;

/// <summary>Cluster-wide snapshots live in the context's cache dir; namespaced ones in ns/&lt;namespace&gt;/ below it.</summary>
internal static class SnapshotDir
{
    public static string For(SkillRun run) =>
        run.Namespace is null ? run.CacheDir : Path.Combine(run.CacheDir, "ns", Cache.InstallRoot.ShortSha(run.Namespace) + "-" + Sanitize(run.Namespace));

    private static string Sanitize(string ns) =>
        new(ns.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').Take(63).ToArray());
}
