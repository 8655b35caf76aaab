using Kstack.Checks;
using Kstack.Objects;
using static Kstack.Envelope.DataText;

namespace Kstack.Skills.Investigate;

/// <summary>
/// One likely cause with the evidence that proves it, as shown. Summary and evidence are display-safe: cluster text inside
/// them is framed (quoted or token-checked) and redacted. Hit keeps the structured data it was rendered from.
/// </summary>
internal sealed record Finding(string Id, int Rank, string Subject, string Summary, IReadOnlyList<string> Evidence, CheckHit? Hit = null);

/// <summary>The English of the /investigate findings, made from the checks' structured hits.</summary>
internal static class FindingRenderer
{
    /// <summary>
    /// Rendered findings, ranked by their check's rank. One row per distinct (check, summary): pods of one workload that
    /// fail the same way are folded together.
    /// </summary>
    public static List<Finding> Findings(Investigation inv, IEnumerable<CheckHit> hits) =>
        hits.Select(h => Render(inv, h))
            .GroupBy(f => (f.Id, f.Summary))
            .Select(g => g.Count() == 1 ? g.First() : g.First() with { Subject = $"{g.First().Subject} (+{g.Count() - 1} more)" })
            .OrderBy(f => f.Rank).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();

    private static string Q(string? s, int max = 160) => Quote(s, max);
    private static string T(string? s) => Token(s, 63);
    private static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") : "unknown time";

    /// <summary>kind/name as the findings name their subject (pod/x, pvc/y, node/z); the namespace is the investigation's.</summary>
    public static string Subject(ObjectRef r) => (r.Kind == "PersistentVolumeClaim" ? "pvc" : r.Kind.ToLowerInvariant()) + "/" + r.Name;

    private static string? EventLine(EventSummary? e, int max = 160) =>
        e is null ? null : $"events: {T(e.Reason)} ×{e.Count}, last {Time(e.Last)} {Q(e.Message, max)}";

    private static string Resources(ContainerView c, string resource)
    {
        var parts = new List<string>();
        if (c.Limits.TryGetValue(resource, out var lim)) parts.Add($"limit {T(lim)}");
        if (c.Requests.TryGetValue(resource, out var req)) parts.Add($"request {T(req)}");
        return parts.Count == 0 ? $"no {resource} limit or request set" : $"{resource} " + string.Join(", ", parts);
    }

    public static string PullCause(PullFailure cause) => cause switch
    {
        PullFailure.TagNotFound => "tag not found",
        PullFailure.AccessDenied => "registry denied access (credentials or imagePullSecrets)",
        PullFailure.RateLimited => "registry rate limit",
        PullFailure.Unreachable => "registry unreachable",
        PullFailure.InvalidReference => "invalid image reference",
        _ => "image pull failing",
    };

    private static List<string> Lines(params string?[] lines) => lines.OfType<string>().ToList();

    public static Finding Render(Investigation inv, CheckHit hit)
    {
        var (summary, evidence) = hit switch
        {
            OomKilledHit h => Oom(h),
            CrashExitHit h => Crash(h),
            ImagePullHit h => ($"{T(h.Container.Reason)}: {PullCause(h.Cause)} — image {Q(h.Container.Image, 120)}",
                Lines(EventLine(h.PullEvent, 240), EventLine(h.BackOff),
                    h.PullSecrets.Count == 0 ? "no imagePullSecrets on the pod" : "imagePullSecrets: " + string.Join(", ", h.PullSecrets.Select(T)))),
            UnschedulableHit h => ($"Pending: {Q(h.Observed, 200)}" + (h.WantedRequests.Count > 0 ? $" — requests {string.Join(", ", h.WantedRequests.Select(r => $"{T(r.Key)} {T(r.Value)}"))}" : ""),
                Lines(EventLine(h.Event), h.RequestTotals.Count > 0
                    ? "pod requests: " + string.Join(", ", h.RequestTotals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{T(r.Key)} {T(r.Value)}")) : null)),
            ContainerConfigHit h => ($"container {T(h.Container.Name)} {T(h.Container.Reason)}: {Q(h.Container.Message, 200)}", Lines(EventLine(h.Event))),
            MountFailedHit h => ($"{T(h.Event.Reason)} ×{h.Event.Count}: {Q(h.Event.Message, 200)}",
                Lines(h.Waiting is { } w ? $"container {T(w.Name)} waiting {T(w.Reason)} since the pod started" : null)),
            RefMissingHit h => ($"{h.Ref.Kind} {T(h.Ref.Name)} does not exist (referenced by {Quote(h.Ref.Usage, 80)})",
                Lines($"GET {h.Ref.Kind} {T(h.Ref.Name)} in namespace {T(inv.Namespace)}: 404 Not Found" + (h.Ref.Kind == "Secret" ? " (metadata-only request)" : ""))),
            NodeUnhealthyHit h => Node(h),
            EvictedHit h => ($"Evicted: {Q(h.Message, 240)}", Lines(EventLine(h.Event), $"node {T(h.Node ?? "?")}")),
            ProbeFailingHit h => ($"Ready=False with probe failures (Unhealthy ×{h.Unhealthy.Count}): {Q(h.Unhealthy.Message, 200)}",
                Lines([ReadySince(h.Ready),
                    h.NotReadyContainers.Count > 0 ? "not ready: " + string.Join(", ", h.NotReadyContainers.Select(T)) + ", restarts " + h.Restarts : null,
                    .. h.LogLines.Select(l => $"log ({T(l.Key)}): {Q(l.Value)}")])),
            NotReadyHit h => ($"Ready=False ({T(h.Ready?.Reason ?? "no reason")}) without probe events: {Q(h.Ready?.Message, 160)}",
                Lines($"Ready=False since {Time(h.Ready?.Since)}", $"node {T(h.Node ?? "?")}")),
            ServiceNoEndpointsHit h => ($"Service {T(h.Service.Name)} has 0 ready endpoints ({h.Service.NotReady} not ready)",
                Lines($"source: {h.Service.Source}" + (h.Service.Error is { } e ? $" ({e})" : ""), "traffic to this Service fails until a selected pod is Ready")),
            PvcNotBoundHit h => ($"PersistentVolumeClaim {T(h.Claim.Name)} is {Quote(h.Claim.Detail, 120)}", Lines(EventLine(h.Event))),
            WorkloadHit h => Workload(h),
            _ => ($"{hit.Check.Title}: {T(hit.Path)} = {Q(hit.Observed)}", new List<string>()),
        };
        return new Finding(hit.CheckId, hit.Check.Rank, Subject(hit.Subject with { Container = null }), summary, evidence, hit);
    }

    private static string ReadySince(Condition? ready) => $"Ready=False since {Time(ready?.Since)}" + (ready?.Reason is { } r ? $" ({T(r)})" : "");

    private static (string, List<string>) Oom(OomKilledHit h)
    {
        var (c, t) = (h.Container, h.Termination);
        var limit = c.Limits.TryGetValue("memory", out var lim) ? $"limit {T(lim)}" : "no memory limit set";
        var summary = $"container {T(c.Name)} OOMKilled (exit {t.ExitCode ?? 137}), restarted {c.Restarts}× — {limit}"
                      + (h.LogLine is null ? "" : $", {(h.LastLogLine ? "last log line" : "log line")} {Q(h.LogLine)}");
        return (summary, Lines(
            $"{(c.Terminated is null ? "lastState" : "state")}.terminated: OOMKilled exit {t.ExitCode ?? 137} at {Time(t.FinishedAt)} — {ExitCodes.Explain(t.ExitCode ?? 137, "OOMKilled")}",
            $"resources: {Resources(c, "memory")}", EventLine(h.BackOff)));
    }

    private static (string, List<string>) Crash(CrashExitHit h)
    {
        var (c, t) = (h.Container, h.Termination);
        var exit = t?.ExitCode is { } code ? $"exit {code} = {ExitCodes.Explain(code, t.Reason)}" : "no termination recorded";
        var summary = $"container {T(c.Name)} {(h.Looping ? "CrashLoopBackOff" : "terminated")}: {exit}, restarted {c.Restarts}×"
                      + (h.LogLine is null ? "" : $" — log: {Q(h.LogLine)}");
        return (summary, Lines(
            t is null ? null : $"{(c.Terminated is null ? "lastState" : "state")}.terminated: {T(t.Reason ?? "?")} exit {t.ExitCode} at {Time(t.FinishedAt)}",
            t?.Message is { Length: > 0 } msg ? $"termination message: {Q(msg)}" : null,
            EventLine(h.BackOff),
            h.LivenessKill is { } l ? $"liveness probe failures (Unhealthy ×{l.Count}) explain the kill: {Q(l.Message)}" : null));
    }

    private static (string, List<string>) Node(NodeUnhealthyHit h)
    {
        var n = h.Node;
        var problems = new List<string>();
        if (!n.Ready) problems.Add(n.ReadyStatus == "Unknown" ? "NotReady (status Unknown)" : "NotReady");
        problems.AddRange(n.Pressures);
        if (n.Unschedulable) problems.Add("cordoned");
        return ($"node {T(n.Name)} is {string.Join(", ", problems)}", Lines(
            !n.Ready && n.ReadyMessage is { Length: > 0 } rm ? $"Ready condition: {T(n.ReadyReason ?? "")} {Q(rm)}" : null,
            n.PressureMessage is { Length: > 0 } pm ? $"pressure: {Q(pm)}" : null,
            "pods here: " + string.Join(", ", h.PodsHere.Select(T))));
    }

    private static (string, List<string>) Workload(WorkloadHit h)
    {
        var o = h.Workload;
        if (h.Revisions is { } revs) return ($"{o.Kind} {T(o.Name)} rolling update not completing (revisions {revs})", [o.Status]);
        var c = h.Condition!;
        if (h.Check.Id == Investigate.Findings.RolloutStuck.Id)
            return ($"{o.Kind} {T(o.Name)} rollout stopped: {T(c.Reason ?? "Progressing=False")} {Q(c.Message)}", [o.Status]);
        return ($"{o.Kind} {T(o.Name)} {T(c.Type)}={T(c.Status)} ({T(c.Reason ?? "no reason")}): {o.Status}", c.Message is { Length: > 0 } m ? [Q(m)] : []);
    }
}
