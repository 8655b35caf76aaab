using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Events;

/// <summary>The /events descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class EventsSkill
{
    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "events",
        Summary = "recent events, grouped, ranked by severity and deduplicated.",
        Flags = [RequestTimeout.Flag],
        DefaultTtl = "5m",
        Reads = ["events", "pods (metadata)", "replicasets (metadata)", "jobs (metadata)"],
        JsonResult = "events/1",
        JsonDocuments = [EventsJson.Default.EventsDocument],
        Examples =
        [
            new("", "Warning and notable events cluster-wide (reuses a snapshot younger than 5m)"),
            new("-n shop --refresh", "Fetch again, only namespace shop"),
            new("--ttl 30s --json", "Accept at most 30 seconds of staleness; answer as JSON"),
        ],
        Notes = "Shows at most 25 groups; the full event list stays in the cache for jq follow-ups.",
        Create = () => new EventsCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
