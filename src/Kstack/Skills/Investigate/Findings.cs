using System.Text.RegularExpressions;
using Kstack.Skills.Shared;
using static Kstack.Envelope.DataText;

namespace Kstack.Skills.Investigate;

/// <summary>
/// One likely cause with the evidence that proves it. Summary and evidence are display-safe: cluster text inside them is
/// framed (quoted or token-checked) and redacted.
/// </summary>
public sealed record Finding(string Id, int Rank, string Subject, string Summary, IReadOnlyList<string> Evidence);

/// <summary>
/// The /investigate checklist: small deterministic rules with stable IDs mapping state combinations to likely causes.
/// Rules run over every gathered pod; the same finding on several pods of a workload is reported once.
/// </summary>
public static partial class Findings
{
    public sealed record Rule(string Id, int Rank, string Meaning, Func<Investigation, IEnumerable<Finding>> Evaluate);

    private static readonly HashSet<string> ImagePull = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"];
    private static readonly HashSet<string> ConfigErrors = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError", "ContainerCannotRun"];

    public static readonly IReadOnlyList<Rule> Rules =
    [
        new("INV-OOMKILLED", 10, "a container was OOMKilled: it exceeded its memory limit", OomKilled),
        new("INV-CRASH-EXIT", 11, "a container exits with a non-zero code or is in CrashLoopBackOff", CrashExit),
        new("INV-IMAGE-PULL", 12, "the image cannot be pulled (tag missing, access denied, registry unreachable)", ImagePullFailure),
        new("INV-UNSCHEDULABLE", 13, "the scheduler finds no node that fits", Unschedulable),
        new("INV-CONTAINER-CONFIG", 14, "the container cannot be created from its spec (missing key, bad command)", ContainerConfig),
        new("INV-MOUNT-FAILED", 15, "a volume cannot be mounted or attached", MountFailed),
        new("INV-REF-MISSING", 15, "a referenced Secret, ConfigMap, PVC or ServiceAccount does not exist", RefMissing),
        new("INV-NODE-UNHEALTHY", 16, "the pod's node is NotReady, under pressure or cordoned", NodeUnhealthy),
        new("INV-EVICTED", 17, "the pod was evicted by the kubelet", Evicted),
        new("INV-PROBE-FAILING", 20, "running but not Ready, with probe failures", ProbeFailing),
        new("INV-SERVICE-NO-ENDPOINTS", 21, "a Service selecting the pods has no ready endpoints", ServiceNoEndpoints),
        new("INV-PVC-NOT-BOUND", 22, "a claimed PVC is not Bound", PvcNotBound),
        new("INV-ROLLOUT-STUCK", 25, "a rollout stopped progressing", RolloutStuck),
        new("INV-WORKLOAD-UNAVAILABLE", 26, "the workload reports unavailable or failed", WorkloadUnavailable),
        new("INV-NOT-READY", 30, "running but not Ready, without probe events", NotReady),
    ];

    public static List<Finding> Evaluate(Investigation inv)
    {
        var all = Rules.SelectMany(r => r.Evaluate(inv)).ToList();
        // One row per distinct (rule, summary): pods of one workload that fail the same way are folded together.
        return all.GroupBy(f => (f.Id, f.Summary))
            .Select(g => g.Count() == 1 ? g.First() : g.First() with { Subject = $"{g.First().Subject} (+{g.Count() - 1} more)" })
            .OrderBy(f => f.Rank).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }

    private static string Q(string? s, int max = 160) => Quote(s, max);
    private static string T(string? s) => Token(s, 63);
    private static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") : "unknown time";
    private static string PodSubject(PodView p) => $"pod/{p.Name}";

    /// <summary>Events on one pod with one of the reasons: total count (series-aware), latest event.</summary>
    private static (long Count, EventFacts? Latest) On(Investigation inv, PodView p, params string[] reasons)
    {
        var events = inv.EventsOn("Pod", p.Name, p.Uid).Where(e => reasons.Contains(e.Facts.Reason)).Select(e => e.Facts).ToList();
        return (events.Sum(e => e.Count), events.OrderByDescending(e => e.Last).FirstOrDefault());
    }

    private static string? EventLine(Investigation inv, PodView p, params string[] reasons)
    {
        var (count, latest) = On(inv, p, reasons);
        return latest is null ? null : $"events: {T(latest.Reason)} ×{count}, last {Time(latest.Last)} {Q(latest.Message)}";
    }

    /// <summary>The most telling log line for a container: previous instance first, then current.</summary>
    private static (string? Line, bool IsLast) LogLine(Investigation inv, PodView p, ContainerView c, Func<NarrowedLog, string?> pick)
    {
        foreach (var l in inv.Logs.Where(l => l.Pod == p.Name && l.Container == c.Name && l.Log is not null).OrderByDescending(l => l.Previous))
            if (pick(l.Log!) is { } line) return (line, l.Log!.Lines.Count > 0 && l.Log.Lines[^1] == line);
        return (null, false);
    }

    private static string Resources(ContainerView c, string resource)
    {
        var parts = new List<string>();
        if (c.Limits.TryGetValue(resource, out var lim)) parts.Add($"limit {T(lim)}");
        if (c.Requests.TryGetValue(resource, out var req)) parts.Add($"request {T(req)}");
        return parts.Count == 0 ? $"no {resource} limit or request set" : $"{resource} " + string.Join(", ", parts);
    }

    private static IEnumerable<Finding> OomKilled(Investigation inv)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers.Where(c => c.Crash?.Reason == "OOMKilled"))
        {
            var t = c.Crash!;
            var (line, last) = LogLine(inv, p, c, l => LogNarrower.OomLine(l) ?? l.MarkerLine);
            var limit = c.Limits.TryGetValue("memory", out var lim) ? $"limit {T(lim)}" : "no memory limit set";
            var summary = $"container {T(c.Name)} OOMKilled (exit {t.ExitCode ?? 137}), restarted {c.Restarts}× — {limit}"
                          + (line is null ? "" : $", {(last ? "last log line" : "log line")} {Q(line)}");
            var evidence = new List<string>
            {
                $"{(c.Terminated is null ? "lastState" : "state")}.terminated: OOMKilled exit {t.ExitCode ?? 137} at {Time(t.FinishedAt)} — {ExitCodes.Explain(t.ExitCode ?? 137, "OOMKilled")}",
                $"resources: {Resources(c, "memory")}",
            };
            if (EventLine(inv, p, "BackOff") is { } ev) evidence.Add(ev);
            yield return new Finding("INV-OOMKILLED", 10, PodSubject(p), summary, evidence);
        }
    }

    private static IEnumerable<Finding> CrashExit(Investigation inv)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers)
        {
            var t = c.Crash;
            var looping = c.Reason == "CrashLoopBackOff";
            if (t?.Reason == "OOMKilled") continue;
            if (!looping && t is not { ExitCode: > 0 }) continue;
            var (line, _) = LogLine(inv, p, c, l => l.MarkerLine ?? (l.Lines.Count > 0 ? l.Lines[^1] : null));
            var head = looping ? "CrashLoopBackOff" : "terminated";
            var exit = t?.ExitCode is { } code ? $"exit {code} = {ExitCodes.Explain(code, t.Reason)}" : "no termination recorded";
            var summary = $"container {T(c.Name)} {head}: {exit}, restarted {c.Restarts}×" + (line is null ? "" : $" — log: {Q(line)}");
            var evidence = new List<string>();
            if (t is not null)
                evidence.Add($"{(c.Terminated is null ? "lastState" : "state")}.terminated: {T(t.Reason ?? "?")} exit {t.ExitCode} at {Time(t.FinishedAt)}");
            if (t?.Message is { Length: > 0 } msg) evidence.Add($"termination message: {Q(msg)}");
            if (EventLine(inv, p, "BackOff") is { } ev) evidence.Add(ev);
            var (liveness, latest) = On(inv, p, "Unhealthy");
            if (t?.ExitCode is 137 or 143 && latest is not null && latest.Message.Contains("Liveness", StringComparison.OrdinalIgnoreCase))
                evidence.Add($"liveness probe failures (Unhealthy ×{liveness}) explain the kill: {Q(latest.Message)}");
            yield return new Finding("INV-CRASH-EXIT", 11, PodSubject(p), summary, evidence);
        }
    }

    private static IEnumerable<Finding> ImagePullFailure(Investigation inv)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers.Where(c => c.Waiting && c.Reason is { } r && ImagePull.Contains(r)))
        {
            var pullEvents = inv.EventsOn("Pod", p.Name, p.Uid)
                .Where(e => e.Facts.Reason == "Failed" && e.Facts.Message.Contains("pull", StringComparison.OrdinalIgnoreCase)).Select(e => e.Facts)
                .OrderByDescending(e => e.Message.Length).ToList();
            var text = string.Join("\n", pullEvents.Select(e => e.Message).Append(c.Message ?? "").Append(c.Reason!));
            var summary = $"{T(c.Reason)}: {PullCause(text)} — image {Q(c.Image, 120)}";
            var evidence = new List<string>();
            if (pullEvents.FirstOrDefault() is { } fe) evidence.Add($"events: {T(fe.Reason)} ×{fe.Count}, last {Time(fe.Last)} {Q(fe.Message, 240)}");
            if (EventLine(inv, p, "BackOff") is { } ev) evidence.Add(ev);
            var pullSecrets = p.Refs.Items.Where(r => r.Usage == "imagePullSecrets").Select(r => r.Name).ToList();
            evidence.Add(pullSecrets.Count == 0 ? "no imagePullSecrets on the pod" : "imagePullSecrets: " + string.Join(", ", pullSecrets.Select(T)));
            yield return new Finding("INV-IMAGE-PULL", 12, PodSubject(p), summary, evidence);
        }
    }

    /// <summary>Why a pull fails, from the kubelet's messages.</summary>
    public static string PullCause(string text)
    {
        if (Regex.IsMatch(text, "not found|manifest unknown|does not exist", RegexOptions.IgnoreCase)) return "tag not found";
        if (Regex.IsMatch(text, "unauthorized|authentication required|access denied|denied|forbidden|401|403", RegexOptions.IgnoreCase))
            return "registry denied access (credentials or imagePullSecrets)";
        if (Regex.IsMatch(text, "toomanyrequests|rate limit", RegexOptions.IgnoreCase)) return "registry rate limit";
        if (Regex.IsMatch(text, "no such host|i/o timeout|connection refused|dial tcp|tls handshake|network is unreachable", RegexOptions.IgnoreCase))
            return "registry unreachable";
        if (text.Contains("InvalidImageName", StringComparison.Ordinal)) return "invalid image reference";
        return "image pull failing";
    }

    private static IEnumerable<Finding> Unschedulable(Investigation inv)
    {
        foreach (var p in inv.Pods.Where(p => p.Phase == "Pending" && p.ConditionOf("PodScheduled") is { Status: "False" }))
        {
            var msg = p.ConditionOf("PodScheduled")!.Message ?? "";
            var wanted = Insufficient().Matches(msg).Select(m => m.Groups[1].Value).Distinct()
                .Select(r => p.RequestTotals.TryGetValue(r, out var v) ? $"{T(r)} {T(v)}" : null).OfType<string>().ToList();
            var summary = $"Pending: {Q(msg, 200)}" + (wanted.Count > 0 ? $" — requests {string.Join(", ", wanted)}" : "");
            var evidence = new List<string>();
            if (EventLine(inv, p, "FailedScheduling") is { } ev) evidence.Add(ev);
            if (p.RequestTotals.Count > 0)
                evidence.Add("pod requests: " + string.Join(", ", p.RequestTotals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{T(r.Key)} {T(r.Value)}")));
            yield return new Finding("INV-UNSCHEDULABLE", 13, PodSubject(p), summary, evidence);
        }
    }

    [GeneratedRegex(@"Insufficient ([A-Za-z0-9/\-]+(?:\.[A-Za-z0-9/\-]+)*)")]
    private static partial Regex Insufficient();

    private static IEnumerable<Finding> ContainerConfig(Investigation inv)
    {
        foreach (var p in inv.Pods)
        foreach (var c in p.Containers.Where(c => c.Waiting && c.Reason is { } r && ConfigErrors.Contains(r)))
            yield return new Finding("INV-CONTAINER-CONFIG", 14, PodSubject(p), $"container {T(c.Name)} {T(c.Reason)}: {Q(c.Message, 200)}",
                EventLine(inv, p, "Failed") is { } ev ? [ev] : []);
    }

    private static IEnumerable<Finding> MountFailed(Investigation inv)
    {
        foreach (var p in inv.Pods)
        {
            var (count, latest) = On(inv, p, "FailedMount", "FailedAttachVolume");
            if (latest is null) continue;
            var evidence = new List<string>();
            if (p.Containers.FirstOrDefault(c => c.Waiting) is { } w) evidence.Add($"container {T(w.Name)} waiting {T(w.Reason)} since the pod started");
            yield return new Finding("INV-MOUNT-FAILED", 15, PodSubject(p), $"{T(latest.Reason)} ×{count}: {Q(latest.Message, 200)}", evidence);
        }
    }

    private static IEnumerable<Finding> RefMissing(Investigation inv) =>
        inv.Refs.Where(r => r.Status == "missing" && !r.Optional).Select(r => new Finding("INV-REF-MISSING", 15, $"{r.Kind.ToLowerInvariant()}/{r.Name}",
            $"{r.Kind} {T(r.Name)} does not exist (referenced by {Quote(r.Usage, 80)})",
            [$"GET {r.Kind} {T(r.Name)} in namespace {T(inv.Namespace)}: 404 Not Found" + (r.Kind == "Secret" ? " (metadata-only request)" : "")]));

    private static IEnumerable<Finding> NodeUnhealthy(Investigation inv)
    {
        foreach (var n in inv.Nodes)
        {
            var problems = new List<string>();
            if (!n.Ready) problems.Add(n.ReadyStatus == "Unknown" ? "NotReady (status Unknown)" : "NotReady");
            problems.AddRange(n.Pressures);
            if (n.Unschedulable) problems.Add("cordoned");
            if (problems.Count == 0) continue;
            var evidence = new List<string>();
            if (!n.Ready && n.ReadyMessage is { Length: > 0 } rm) evidence.Add($"Ready condition: {T(n.ReadyReason ?? "")} {Q(rm)}");
            if (n.PressureMessage is { Length: > 0 } pm) evidence.Add($"pressure: {Q(pm)}");
            var pods = inv.Pods.Where(p => p.NodeName == n.Name).Select(p => p.Name).Take(3).ToList();
            evidence.Add("pods here: " + string.Join(", ", pods.Select(T)));
            yield return new Finding("INV-NODE-UNHEALTHY", 16, $"node/{n.Name}", $"node {T(n.Name)} is {string.Join(", ", problems)}", evidence);
        }
    }

    private static IEnumerable<Finding> Evicted(Investigation inv) =>
        inv.Pods.Where(p => p.Phase == "Failed" && p.Reason?.StartsWith("Evicted", StringComparison.Ordinal) == true)
            .Select(p => new Finding("INV-EVICTED", 17, PodSubject(p), $"Evicted: {Q(p.Message, 240)}",
                EventLine(inv, p, "Evicted") is { } ev ? [ev, $"node {T(p.NodeName ?? "?")}"] : [$"node {T(p.NodeName ?? "?")}"]));

    private static bool CrashingOrWaiting(PodView p) => p.Containers.Any(c => c.Waiting || c.Crash?.Reason == "OOMKilled");

    private static IEnumerable<Finding> ProbeFailing(Investigation inv)
    {
        foreach (var p in inv.Pods.Where(p => p.Phase == "Running" && !p.Ready && !CrashingOrWaiting(p)))
        {
            var (count, latest) = On(inv, p, "Unhealthy");
            if (latest is null) continue;
            var ready = p.ConditionOf("Ready");
            var evidence = new List<string> { $"Ready=False since {Time(ready?.Since)}" + (ready?.Reason is { } r ? $" ({T(r)})" : "") };
            var notReady = p.Containers.Where(c => !c.Init && !c.Ready).Select(c => c.Name).ToList();
            if (notReady.Count > 0) evidence.Add("not ready: " + string.Join(", ", notReady.Select(T)) + ", restarts " + p.Restarts);
            foreach (var c in p.Containers.Where(c => !c.Ready))
                if (LogLine(inv, p, c, l => l.MarkerLine).Line is { } line) evidence.Add($"log ({T(c.Name)}): {Q(line)}");
            yield return new Finding("INV-PROBE-FAILING", 20, PodSubject(p),
                $"Ready=False with probe failures (Unhealthy ×{count}): {Q(latest.Message, 200)}", evidence);
        }
    }

    private static IEnumerable<Finding> NotReady(Investigation inv)
    {
        foreach (var p in inv.Pods.Where(p => p.Phase == "Running" && !p.Ready && !CrashingOrWaiting(p)))
        {
            if (On(inv, p, "Unhealthy").Latest is not null) continue;
            var ready = p.ConditionOf("Ready");
            yield return new Finding("INV-NOT-READY", 30, PodSubject(p),
                $"Ready=False ({T(ready?.Reason ?? "no reason")}) without probe events: {Q(ready?.Message, 160)}",
                [$"Ready=False since {Time(ready?.Since)}", $"node {T(p.NodeName ?? "?")}"]);
        }
    }

    private static IEnumerable<Finding> ServiceNoEndpoints(Investigation inv) =>
        inv.Services.Where(s => s.Ready == 0 && s.Error is not "endpoints not readable").Select(s => new Finding("INV-SERVICE-NO-ENDPOINTS", 21, $"service/{s.Name}",
            $"Service {T(s.Name)} has 0 ready endpoints ({s.NotReady} not ready)",
            [$"source: {s.Source}" + (s.Error is { } e ? $" ({e})" : ""), "traffic to this Service fails until a selected pod is Ready"]));

    private static IEnumerable<Finding> PvcNotBound(Investigation inv)
    {
        foreach (var r in inv.Refs.Where(r => r.Kind == "PersistentVolumeClaim" && r.Status == "present" && r.Detail?.StartsWith("Bound", StringComparison.Ordinal) != true))
        {
            var ev = inv.Events.Where(e => e.Facts.Kind == "PersistentVolumeClaim" && e.Facts.ObjectName == r.Name).Select(e => e.Facts)
                .OrderBy(e => e.Type == "Warning" ? 0 : 1).ThenByDescending(e => e.Last).FirstOrDefault();
            yield return new Finding("INV-PVC-NOT-BOUND", 22, $"pvc/{r.Name}", $"PersistentVolumeClaim {T(r.Name)} is {Quote(r.Detail, 120)}",
                ev is null ? [] : [$"events: {T(ev.Reason)} ×{ev.Count}, last {Time(ev.Last)} {Q(ev.Message)}"]);
        }
    }

    private static IEnumerable<ObjectView> Workloads(Investigation inv) =>
        inv.Owners.Concat(inv.Intermediates).Append(inv.Target).Where(o => o.Kind != "Pod" && o.Readable);

    private static IEnumerable<Finding> RolloutStuck(Investigation inv)
    {
        foreach (var o in Workloads(inv))
        {
            if (o.Conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False") is { } c)
                yield return new Finding("INV-ROLLOUT-STUCK", 25, $"{o.Kind.ToLowerInvariant()}/{o.Name}",
                    $"{o.Kind} {T(o.Name)} rollout stopped: {T(c.Reason ?? "Progressing=False")} {Q(c.Message)}", [o.Status]);
            if (o.StuckRevisions is { } revs)
                yield return new Finding("INV-ROLLOUT-STUCK", 25, $"{o.Kind.ToLowerInvariant()}/{o.Name}",
                    $"{o.Kind} {T(o.Name)} rolling update not completing (revisions {revs})", [o.Status]);
        }
    }

    private static IEnumerable<Finding> WorkloadUnavailable(Investigation inv)
    {
        foreach (var o in Workloads(inv))
        {
            var bad = o.Conditions.FirstOrDefault(c => (c.Type == "Available" && c.Status == "False") || (c.Type == "Failed" && c.Status == "True"));
            if (bad is null) continue;
            yield return new Finding("INV-WORKLOAD-UNAVAILABLE", 26, $"{o.Kind.ToLowerInvariant()}/{o.Name}",
                $"{o.Kind} {T(o.Name)} {T(bad.Type)}={T(bad.Status)} ({T(bad.Reason ?? "no reason")}): {o.Status}", bad.Message is { Length: > 0 } m ? [Q(m)] : []);
        }
    }
}
