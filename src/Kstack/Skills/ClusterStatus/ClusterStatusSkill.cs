using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.ClusterStatus;

/// <summary>The /cluster-status descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class ClusterStatusSkill
{
    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "cluster-status",
        Summary = "health snapshot: node readiness and pressure, pod readiness and restarts, ranked top issues.",
        Flags = [RequestTimeout.Flag],
        DefaultTtl = "15m",
        Reads = ["version", "nodes", "pods", "replicasets (metadata)", "jobs (metadata)"],
        JsonResult = "cluster-status/1",
        JsonDocuments = [ClusterStatusJson.Default.ClusterStatusDocument],
        Examples =
        [
            new("", "Snapshot of the whole cluster (reuses a snapshot younger than 15m)"),
            new("--refresh -n payments", "Fetch again, only namespace payments"),
            new("--json", "The same answer as one JSON document"),
        ],
        Notes = "The full lists stay in the per-context cache; follow-up questions are answered with jq over the cached files.",
        Create = () => new ClusterStatusCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
