using System.Net;
using System.Text.Json;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Json;
using Kstack.Kube;
using Kstack.Panes;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Cleanup;

/// <summary>
/// /cleanup: the first call lists every object carrying both of kstack's owned-by marks and returns a plan (UIDs, what
/// each delete does, finalizers that will hold it) with a 10-minute id; only `--confirm &lt;id&gt;` deletes, each object
/// with its planned UID and resourceVersion as preconditions.
/// </summary>
internal sealed class CleanupCommand : SkillCommand
{
    /// <summary>Objects shown one per line in a plan; beyond it the plan says how many more it holds.</summary>
    public const int MaxShown = 60;
    public const int MaxSuspiciousShown = 20;

    public override SkillDescriptor Descriptor => CleanupSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        if (run.FreeText.Count > 0)
            throw KstackException.User($"/{run.Slot} takes no target: it finds kstack's objects itself. Narrow it with --older-than, --session or --skill.");
        var filters = Filters(run);
        var plans = new PlanStore(run.Root, () => DateTimeOffset.UtcNow);
        if (run.Get(CleanupSkill.Confirm) is { } id) return await ConfirmAsync(run, plans, id, filters.Text.Length == 0 ? null : filters.Text, ct);
        return await PlanAsync(run, plans, filters, ct);
    }

    private static (CleanupFilters Filters, string Text) Filters(SkillRun run)
    {
        var older = run.Get(CleanupSkill.OlderThan) is { } o ? CleanupSkill.OlderThan.Parse(o) : (TimeSpan?)null;
        var session = run.Get(CleanupSkill.Session);
        var skill = run.Get(CleanupSkill.Skill);
        if (session is { Length: 0 } || skill is { Length: 0 }) throw KstackException.User("--session and --skill need a value.");
        var words = new List<string>();
        if (run.Namespace is { } ns) words.Add($"-n {ns}");
        if (older is { } age) words.Add($"--older-than {Cache.Duration.Format(age)}");
        if (session is not null) words.Add($"--session {session}");
        if (skill is not null) words.Add($"--skill {skill}");
        return (new CleanupFilters(older, session, skill), string.Join(' ', words));
    }

    // ------------------------------------------------------------------ plan

    private sealed record Listing(List<(CleanupKind, JsonElement)> Items, List<string> Unreadable, List<string> Capped);

    private static async Task<Listing> ListAsync(SkillRun run, CancellationToken ct)
    {
        var api = run.Api;
        var kinds = CleanupKind.All.Where(k => run.Namespace is null || k.Namespaced).ToList();
        var reads = kinds.Select(k => api.ListAsync(k.ListPath(run.Namespace), k.ListAction(run.Namespace), ct, accept: k.Accept)).ToList();
        var results = await Task.WhenAll(reads);
        var listing = new Listing([], [], []);
        for (var i = 0; i < kinds.Count; i++)
        {
            var r = results[i];
            if (r.Value is not { } items)
            {
                if (r.Outcome == ReadOutcome.Failed) r.OrThrow(run.Context);
                listing.Unreadable.Add($"{kinds[i].Plural} ({r.Problem!.ScopedReason})");
                continue;
            }
            if (items.Count >= 5000) listing.Capped.Add(kinds[i].Plural);
            foreach (var item in items) listing.Items.Add((kinds[i], item));
        }
        return listing;
    }

    private async Task<Env> PlanAsync(SkillRun run, PlanStore plans, (CleanupFilters Filters, string Text) filters, CancellationToken ct)
    {
        var listing = await ListAsync(run, ct);
        var now = DateTimeOffset.UtcNow;
        var found = CleanupDiscovery.Of(listing.Items, filters.Filters, now);
        var panes = new PaneStore(run.Root).All().Where(p => p.Context == run.Context).ToList();
        var lines = new List<string>();
        CleanupPlan? plan = null;
        if (found.Planned.Count > 0)
        {
            plan = plans.Create(run.Context, filters.Text, new CleanupPlan
            {
                Items = found.Planned.Select(o => new PlannedDelete(o.Kind.Kind, o.Namespace, o.Name, o.Uid, o.ResourceVersion, o.Session, o.Skill)).ToList(),
            }, CleanupStateJson.Default.CleanupPlan);
            lines.Add($"Cleanup plan {plan.Id} — nothing has been deleted yet. It expires in {PlanStore.Lifetime.TotalMinutes:0} minutes (at {plan.Expires:HH:mm:ss}Z).");
        }
        else lines.Add("Nothing to clean up: no object " + (found.FilteredOut.Count > 0 ? "matching the filters " : "") + $"carries both of kstack's marks ({Ownership.OwnedByKey}={Ownership.OwnedByValue} as label and annotation).");
        lines.Add($"  Context:  {DataText.Token(run.Context)}");
        if (filters.Text.Length > 0) lines.Add($"  Filters:  {DataText.Token(filters.Text, 200)}{(found.FilteredOut.Count > 0 ? $" ({found.FilteredOut.Count} other kstack object(s) left out)" : "")}");
        if (run.Namespace is not null) lines.Add("  Scope:    that namespace only; cluster-scoped kinds (ClusterRoles, ClusterRoleBindings) were not searched");
        if (plan is not null)
        {
            lines.Add($"Delete {found.Planned.Count} object(s) kstack created, in this order (grouped by session and skill):");
            AddObjects(lines, found.Planned, panes, now);
        }
        if (found.Suspicious.Count > 0)
        {
            lines.Add($"Suspicious, never deleted ({found.Suspicious.Count}): they carry only one of kstack's two marks, so kstack did not make them as they are. Check who did:");
            foreach (var o in found.Suspicious.Take(MaxSuspiciousShown))
                lines.Add($"  {o.Kind.Lower} {DataText.Token(o.Ref, 120)}  {(o.Mark == Ownership.Mark.LabelOnly ? "label only" : "annotation only")}  uid {DataText.Token(o.Uid, 40)}");
            if (found.Suspicious.Count > MaxSuspiciousShown) lines.Add($"  … and {found.Suspicious.Count - MaxSuspiciousShown} more");
        }
        if (found.DebugPods.Count > 0)
        {
            lines.Add($"Ephemeral debug containers ({found.DebugPods.Count} pod(s)): Kubernetes cannot delete them; they stay in the pod's spec until the pod is replaced.");
            foreach (var d in found.DebugPods.Take(MaxSuspiciousShown))
            {
                var pane = CleanupDiscovery.PaneOf(d, panes);
                var end = pane is not null ? $"ends with its shell: {PaneLauncher.SelfCommand()} pane stop {pane.Session}" : "its shell has no kstack pane; it ends when that shell exits";
                var pod = d.OwnedByKstack ? "the pod is kstack's and is in the plan above (deleting it ends them)" : "the pod is not kstack's: kstack never deletes it (its owner may replace it)";
                lines.Add($"  pod {DataText.Token($"{d.Namespace}/{d.Name}", 120)}: {string.Join(", ", d.Containers.Select(c => $"{DataText.Token(c.Container, 40)} ({c.State})"))} — {end}; {pod}");
            }
            if (found.DebugPods.Count > MaxSuspiciousShown) lines.Add($"  … and {found.DebugPods.Count - MaxSuspiciousShown} more");
        }
        foreach (var u in listing.Unreadable) lines.Add($"Not searched: {TerminalText.Clean(u)}.");
        foreach (var c in listing.Capped) lines.Add($"Only the first 5000 {c} were searched; narrow with -n <namespace>.");
        if (plan is not null)
        {
            lines.Add($"To go ahead, the user confirms: {run.Invocation} --confirm {plan.Id}");
            lines.Add($"The id works once, only for context {DataText.Token(run.Context)} and exactly these {plan.Items.Count} object(s) by UID; an object replaced or changed since is left alone.");
        }
        var context = new CleanupPlanAgentContext(plan?.Id, plan?.Expires, found.Planned.Count, found.Suspicious.Count, found.DebugPods.Count, plan is null);
        return Env.Verbatim(string.Join('\n', lines), Dto.Serialize(context, CleanupStateJson.Default.CleanupPlanAgentContext));
    }

    private static void AddObjects(List<string> lines, IReadOnlyList<FoundObject> objects, IReadOnlyList<PaneRecord> panes, DateTimeOffset now)
    {
        string? group = null;
        var shown = 0;
        foreach (var o in objects)
        {
            if (shown == MaxShown)
            {
                lines.Add($"  … and {objects.Count - MaxShown} more in the plan (every one carries both marks; the plan holds each UID)");
                break;
            }
            var g = $"session {(o.Session is null ? "(none)" : DataText.Token(o.Session, 80))} · skill {(o.Skill is null ? "(unknown)" : DataText.Token(o.Skill, 40))}";
            if (g != group) lines.Add("  " + (group = g));
            var age = o.Created is { } c ? Cache.Duration.Format(now - c) : "?";
            var extra = new List<string> { $"age {age}" };
            if (o.Node is { Length: > 0 } node) extra.Add($"node {DataText.Token(node, 60)}");
            if (CleanupDiscovery.PaneOf(o, panes) is { } pane)
                extra.Add($"pane {pane.Session} ({(Tmux.Available() && Tmux.HasSession(pane.Session) ? "running" : "ended")}; it will be stopped)");
            lines.Add($"    {o.Kind.Lower} {DataText.Token(o.Ref, 120)}  uid {DataText.Token(o.Uid, 40)}  {string.Join("  ", extra)}");
            var effect = o.Kind.Effect;
            if (o.Finalizers.Count > 0)
                effect += $"; finalizers {string.Join(", ", o.Finalizers.Select(f => DataText.Token(f, 60)))} will hold it: it is only marked for deletion until they are removed";
            if (o.Terminating) effect += "; already marked for deletion";
            lines.Add($"        deleting it {effect}");
            shown++;
        }
    }

    // ------------------------------------------------------------------ confirm

    private static readonly string[] OutcomeOrder = ["deleted", "already gone", "blocked by finalizer", "replaced since the plan", "changed since the plan", "forbidden", "failed"];

    private async Task<Env> ConfirmAsync(SkillRun run, PlanStore plans, string id, string? target, CancellationToken ct)
    {
        var plan = plans.Take(id, run.Context, target, "cleanup", CleanupStateJson.Default.CleanupPlan);
        var api = run.Api;
        var lines = new List<string> { $"Cleanup plan {plan.Id} carried out in context {DataText.Token(run.Context)}:" };
        var reported = new List<(string Outcome, string Line)>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var gonePods = new HashSet<(string, string)>();
        var goneSessions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in plan.Items)
        {
            var kind = CleanupKind.ByKind(item.Kind) ?? throw KstackException.Infra($"Plan {id} names a kind kstack does not clean up ({TerminalText.Clean(item.Kind)}); nothing more was deleted.");
            var (outcome, detail) = await DeleteAsync(api, kind, item, ct);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            var what = $"{kind.Lower} {DataText.Token(item.Namespace is null ? item.Name : $"{item.Namespace}/{item.Name}", 120)}";
            reported.Add((outcome, $"  {outcome,-24} {what}{(detail.Length > 0 ? " — " + detail : "")}"));
            if (outcome is "deleted" or "already gone")
            {
                if (kind.Kind == "Pod") gonePods.Add((item.Namespace ?? "", item.Name));
                if (item.Session is not null) goneSessions.Add(item.Session);
            }
        }
        // Bounded: what did not go as planned first, then what was deleted, at most MaxShown lines.
        var ordered = reported.Where(r => r.Outcome != "deleted").Concat(reported.Where(r => r.Outcome == "deleted")).ToList();
        lines.AddRange(ordered.Take(MaxShown).Select(r => r.Line));
        if (ordered.Count > MaxShown) lines.Add($"  … and {ordered.Count - MaxShown} more (counted below)");
        var stopped = StopPanes(run, gonePods, goneSessions);
        if (stopped.Count > 0) lines.Add($"Panes stopped (their objects are gone): {string.Join(", ", stopped.Take(MaxSuspiciousShown))}{(stopped.Count > MaxSuspiciousShown ? $" and {stopped.Count - MaxSuspiciousShown} more" : "")}");
        lines.Add("Counts: " + string.Join(", ", OutcomeOrder.Where(counts.ContainsKey).Select(o => $"{counts[o]} {o}")));
        return Env.Verbatim(string.Join('\n', lines), Dto.Serialize(new CleanupDoneAgentContext(plan.Id, counts, stopped), CleanupStateJson.Default.CleanupDoneAgentContext));
    }

    /// <summary>One DELETE with the planned UID and resourceVersion as preconditions, and what came of it.</summary>
    private static async Task<(string Outcome, string Detail)> DeleteAsync(KubeApi api, CleanupKind kind, PlannedDelete item, CancellationToken ct)
    {
        var body = Dto.Serialize(new DeleteOptions("v1", "DeleteOptions", new DeletePreconditions(item.Uid, item.ResourceVersion)), CleanupApiJson.Default.DeleteOptions);
        var (code, text) = await api.SendAsync(HttpMethod.Delete, kind.ItemPath(item.Namespace, item.Name), body, $"delete {kind.Lower} {item.Name}", ct);
        var message = TerminalText.Clean(Kubeconfig.FirstLine(text));
        switch (code)
        {
            case HttpStatusCode.OK or HttpStatusCode.Accepted:
                var finalizers = Finalizers(text);
                return finalizers.Count > 0
                    ? ("blocked by finalizer", $"marked for deletion; it stays until {string.Join(", ", finalizers.Select(f => DataText.Token(f, 60)))} {(finalizers.Count == 1 ? "is" : "are")} removed")
                    : ("deleted", "");
            case HttpStatusCode.NotFound:
                return ("already gone", "");
            case HttpStatusCode.Forbidden:
                return ("forbidden", DataText.Quote(message, 300));
            case HttpStatusCode.Conflict when message.Contains("UID in the precondition", StringComparison.Ordinal) || message.Contains("UID in precondition", StringComparison.Ordinal):
                return ("replaced since the plan", "not touched: an object of that name with another UID is there now");
            case HttpStatusCode.Conflict when message.Contains("ResourceVersion in", StringComparison.Ordinal):
                return ("changed since the plan", "not touched: it was modified after the plan (run /cleanup again to re-check it)");
            default:
                return ("failed", $"HTTP {(int)code} {DataText.Quote(message, 300)}");
        }
    }

    /// <summary>The finalizers of the object a delete answered with (none for a Status).</summary>
    private static List<string> Finalizers(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.Str("kind") == "Status") return [];
            return root.Array("metadata", "finalizers").Select(f => f.ValueKind == JsonValueKind.String ? f.GetString() ?? "" : f.GetRawText()).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Stops the panes (same context) whose pods or session objects were deleted, and updates their records.</summary>
    private static List<string> StopPanes(SkillRun run, HashSet<(string, string)> gonePods, HashSet<string> goneSessions)
    {
        var store = new PaneStore(run.Root);
        var stopped = new List<string>();
        foreach (var r in store.All().Where(p => p.Context == run.Context))
        {
            var podsGone = r.Pods.Where(p => gonePods.Contains((p.Namespace, p.Name))).ToList();
            if (podsGone.Count == 0 && !goneSessions.Contains(r.Session)) continue;
            if (Tmux.Available()) Tmux.KillSession(r.Session);
            var left = r.Pods.Where(p => !podsGone.Contains(p)).ToList();
            if (left.Count == 0) store.Delete(r.Session);
            else store.Save(r with { Pods = left });
            stopped.Add(r.Session);
        }
        return stopped;
    }
}
