using System.CommandLine;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Events;

/// <summary>/events: recent events grouped, ranked and deduplicated, with the owner walk cached for follow-ups.</summary>
public sealed class EventsCommand : SkillCommand
{
    public const string OwnersFile = "event-owners.json";

    private static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>
    {
        ["events"] = ListSpec.Events.File, ["pods"] = ListSpec.PodsMeta.File,
        ["replicasets"] = ListSpec.ReplicaSetsMeta.File, ["jobs"] = ListSpec.JobsMeta.File,
    };

    private readonly Option<string?> _timeout = RequestTimeout.Option();

    public override string Name => "events";
    public override string? DefaultTtl => "5m";
    protected override IEnumerable<Option> SkillOptions => [_timeout];

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var dir = SnapshotDir.For(run);
        var timeout = RequestTimeout.Parse(run.Get(_timeout));
        using var api = new LazyKubeApi(() => new KubeApi(run.Kubeconfig, run.Context) { Timeout = timeout });
        var results = await new SnapshotFetcher(api.Lazy, dir, run.Ttl).EnsureAsync(
            [ListSpec.Events, ListSpec.PodsMeta, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta], run.Namespace, ct);
        var events = results[ListSpec.Events.File];
        if (!events.Available)
        {
            var hint = run.Namespace is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {run.Namespace}";
            return Env.UserError($"Events are not readable: {AgentContext.Unreadable(events, hint)}.");
        }

        var facts = await CachedList.MapAsync(events.Path, EventFacts.From, ct);
        var owners = await OwnerIndex.LoadAsync(
            new[] { ListSpec.PodsMeta, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta }.Select(s => results[s.File]).Where(r => r.Available)
                .Select(r => (r.Path, r.Spec.ItemKind)), ct);
        var now = DateTimeOffset.UtcNow;
        var report = EventsAnalysis.Analyse(run.Context, run.Namespace, facts, now);
        var ownersPath = Path.Combine(dir, OwnersFile);
        await WriteOwnerWalkAsync(ownersPath, facts, owners);

        string? OwnerOf(EventGroup g)
        {
            var tops = g.Objects.Select(o => owners.Chain(g.Namespace, g.Kind, o, null)).Where(c => c.Count > 0)
                .Select(c => c[^1].ToString()).Distinct().Take(2).ToList();
            return tops.Count == 1 ? tops[0] : null;
        }

        var agentContext = AgentContext.Build(w =>
        {
            AgentContext.WriteCache(w, dir, results, Roles);
            w.WriteString("owners_file", ownersPath);
            w.WriteString("events_api", events.Detail is null ? ListSpec.Events.ItemApiVersion : ListSpec.CoreEvents.ItemApiVersion);
            w.WriteStartObject("counts");
            w.WriteNumber("events", report.TotalEvents);
            w.WriteNumber("warning_groups", report.WarningGroups);
            w.WriteNumber("notable_groups", report.NotableGroups);
            w.WriteNumber("suppressed", report.SuppressedCount);
            w.WriteEndObject();
        });
        return run.Json
            ? Env.Agent(EventsRenderer.Json(report, OwnerOf, now), agentContext)
            : Env.Verbatim(EventsRenderer.Text(report, OwnerOf, Freshness.Sentence(results.Values, run.TtlText, now.UtcDateTime), now), agentContext);
    }

    /// <summary>
    /// event-owners.json: every involved object with its owner chain, so "events for deployment X" is one jq away:
    /// jq -r '.[] | select(.chain | index("Deployment/x")) | .name'.
    /// </summary>
    private static Task WriteOwnerWalkAsync(string path, IReadOnlyList<EventFacts> events, OwnerIndex owners) =>
        AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream);
            w.WriteStartArray();
            foreach (var o in events.Select(e => (e.ObjectNamespace, e.Kind, e.ObjectName)).Distinct())
            {
                var chain = owners.Chain(o.ObjectNamespace, o.Kind, o.ObjectName, null);
                w.WriteStartObject();
                w.WriteString("namespace", o.ObjectNamespace);
                w.WriteString("kind", o.Kind);
                w.WriteString("name", o.ObjectName);
                w.WriteStartArray("chain");
                foreach (var c in chain) w.WriteStringValue(c.ToString());
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.Flush();
            return Task.CompletedTask;
        });
}
