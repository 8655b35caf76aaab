using System.Text.Json;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Events;

/// <summary>/events: recent events grouped, ranked and deduplicated, with the owner walk cached for follow-ups.</summary>
internal sealed class EventsCommand : SnapshotSkillCommand
{
    public const string OwnersFile = "event-owners.json";
    public const string ReportFile = "events.report.json";

    private static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>
    {
        ["events"] = ListSpec.Events.File, ["pods"] = ListSpec.PodsMeta.File,
        ["replicasets"] = ListSpec.ReplicaSetsMeta.File, ["jobs"] = ListSpec.JobsMeta.File,
    };

    public override SkillDescriptor Descriptor => EventsSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        ListFacts<EventFacts> eventFacts = new(ListSpec.Events, EventFacts.From);
        ListFacts<OwnerIndex.Entry>[] ownerFacts = [OwnerIndex.Facts(ListSpec.PodsMeta), OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta)];
        var (dir, results) = await FetchAsync(run, [ListSpec.Events, ListSpec.PodsMeta, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta], ct,
            [eventFacts, .. ownerFacts]);
        var events = results[ListSpec.Events.File];
        if (!events.HasValue)
        {
            var hint = run.Namespace is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {run.Namespace}";
            return Env.UserError($"Events are not readable: {AgentContext.Unreadable(events, hint)}.");
        }

        var ownersPath = Path.Combine(dir, OwnersFile);
        var report = await CachedReportAsync(Path.Combine(dir, ReportFile), results,
            () => AnalyseAsync(run, results, eventFacts, ownerFacts, ownersPath, ct), EventsJson.Default.EventsReport);
        var now = DateTimeOffset.UtcNow;

        var cache = AgentContext.Cache(results, Roles);
        var agentContext = Kstack.Json.Dto.Serialize(new EventsAgentContext(dir, cache.Files, cache.Unreadable, cache.Stale, ownersPath, report.EventsApi,
            new EventsCounts(report.TotalEvents, report.WarningGroups, report.NotableGroups, report.SuppressedCount)), EventsAgentJson.Default.EventsAgentContext);
        return run.Json
            ? Env.Agent(EventsRenderer.Json(report, now), agentContext)
            : Env.Verbatim(EventsRenderer.Text(report, Freshness.Sentence(results.Values, run.TtlText, now.UtcDateTime), now), agentContext);
    }

    /// <summary>Reads the cached lists, groups the events, resolves each shown group's owner and writes the owner walk.</summary>
    private static async Task<EventsReport> AnalyseAsync(SkillRun run, IReadOnlyDictionary<string, Read<Snapshot>> results,
        ListFacts<EventFacts> events, ListFacts<OwnerIndex.Entry>[] ownerLists, string ownersPath, CancellationToken ct)
    {
        var facts = (await events.GetAsync(results, ct))!;
        var owners = await OwnerIndex.FromAsync(results, ct, ownerLists);
        await WriteOwnerWalkAsync(ownersPath, facts, owners);
        var report = EventsAnalysis.Analyse(run.Context, run.Namespace, facts);

        string? OwnerOf(EventGroup g)
        {
            var tops = g.Objects.Select(o => owners.Chain(g.Namespace, g.Kind, o, null)).Where(c => c.Count > 0)
                .Select(c => c[^1].ToString()).Distinct().Take(2).ToList();
            return tops.Count == 1 ? tops[0] : null;
        }

        return report with
        {
            Shown = report.Shown.Select(g => g with { Owner = OwnerOf(g), Objects = g.Objects.Take(EventsRenderer.ObjectsShown).ToList() }).ToList(),
        };
    }

    /// <summary>
    /// event-owners.json: every involved object with its owner chain, so "events for deployment X" is one jq away:
    /// jq -r '.[] | select(.chain | index("Deployment/x")) | .name'.
    /// </summary>
    private static Task WriteOwnerWalkAsync(string path, IReadOnlyList<EventFacts> events, OwnerIndex owners) =>
        AtomicFile.WriteAsync(path, stream =>
        {
            var walk = events.Select(e => (e.ObjectNamespace, e.Kind, e.ObjectName)).Distinct()
                .Select(o => new EventOwnerDocument(o.ObjectNamespace, o.Kind, o.ObjectName,
                    owners.Chain(o.ObjectNamespace, o.Kind, o.ObjectName, null).Select(c => c.ToString()).ToList()))
                .ToList();
            Kstack.Json.Dto.Write(stream, walk, EventsJson.Default.ListEventOwnerDocument);
            return Task.CompletedTask;
        });
}
