using System.Text;
using Kstack.Objects;
using Kstack.Cache;
using Kstack.Json;
using static Kstack.Envelope.DataText;

namespace Kstack.Skills.Investigate;

/// <summary>
/// The bounded answer for the agent (under <see cref="MaxContent"/> characters): findings with evidence first, then the
/// chain, containers, events, log excerpts and related objects. Cluster text is framed; detail shrinks until it fits.
/// </summary>
internal static class InvestigateRenderer
{
    public const int MaxContent = 5800;

    private sealed record Budget(int Evidence, int Events, int LogViews, int LogLines, int Pods, int Findings);

    private static readonly Budget[] Budgets =
    [
        new(3, 6, 3, 5, 5, 8), new(2, 4, 2, 4, 3, 6), new(1, 3, 2, 3, 3, 5), new(1, 2, 1, 2, 2, 4), new(0, 1, 1, 1, 1, 3), new(0, 0, 0, 0, 1, 2),
    ];

    public static string Text(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath)
    {
        var text = "";
        foreach (var b in Budgets)
        {
            text = Render(inv, findings, bundlePath, b);
            if (text.Length <= MaxContent) return text;
        }
        return text.Length <= MaxContent ? text : text[..(MaxContent - 1)] + "…";
    }

    private static string Ago(DateTimeOffset? t, DateTimeOffset now) => t is { } v ? Duration.Format(now - v > TimeSpan.Zero ? now - v : TimeSpan.Zero) + " ago" : "?";

    private static string Render(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath, Budget b)
    {
        var sb = new StringBuilder();
        sb.Append($"Investigation: {inv.Kind.Kind} {Token(inv.Namespace)}/{Token(inv.Name)} · context {Token(inv.Context)}\n");
        sb.Append($"Chain: {ChainLine(inv)}\n");
        sb.Append($"Status: {Inline(inv.Target.Status, 200)}");
        if (inv.Kind == KindInfo.Pod && inv.Pods.Count > 0)
            sb.Append($" · node {Token(inv.Pods[0].NodeName ?? "none")} · age {Ago(inv.Pods[0].Created, inv.Now).Replace(" ago", "")}");
        sb.Append('\n');

        sb.Append('\n');
        if (findings.Count == 0) sb.Append("Findings: none of the checks matched; the pods look healthy from the API's point of view.\n");
        else sb.Append($"Findings ({findings.Count}, most likely cause first):\n");
        var i = 0;
        foreach (var f in findings.Take(b.Findings))
        {
            sb.Append($"{++i}. [{f.Id}] {Token(f.Subject, 120)}: {f.Summary}\n");
            foreach (var e in f.Evidence.Take(b.Evidence)) sb.Append($"   - {e}\n");
        }
        if (findings.Count > b.Findings) sb.Append($"   …{findings.Count - b.Findings} more in the bundle (.findings)\n");

        foreach (var o in inv.Owners.Reverse().Concat(inv.Intermediates).Where(o => o.Readable && o.Status.Length > 0))
        {
            sb.Append($"{o.Kind} {Token(o.Name)}: {Inline(o.Status, 160)}");
            foreach (var c in o.BadConditions.Take(2)) sb.Append($" · {Token(c.Type)}={Token(c.Status)} ({Token(c.Reason ?? "")})");
            sb.Append('\n');
        }

        if (inv.Pods.Count > 0)
        {
            sb.Append(inv.Kind == KindInfo.Pod ? "\nContainers:\n" : $"\nPods ({inv.PodsTotal}, worst first):\n");
            foreach (var p in inv.Pods.Take(inv.Kind == KindInfo.Pod ? 1 : b.Pods))
            {
                if (inv.Kind != KindInfo.Pod)
                    sb.Append($"  {Token(p.Name)}  {Token(p.Phase)} · ready {(p.Ready ? "yes" : "no")} · restarts {p.Restarts} · node {Token(p.NodeName ?? "none")}\n");
                foreach (var c in p.Containers.Take(4)) sb.Append($"  {(inv.Kind == KindInfo.Pod ? "" : "  ")}{ContainerLine(c, inv.Now)}\n");
            }
        }

        var warnings = inv.Events.Count(e => e.Facts.Type == "Warning");
        sb.Append($"\nEvents on the chain: {inv.Events.Count} ({warnings} Warning)\n");
        foreach (var e in inv.Events.Take(b.Events))
        {
            var f = e.Facts;
            sb.Append($"  {Token(f.Type, 20)} {Token(f.Reason, 40)} ×{f.Count} {Token(f.Kind)}/{Token(f.ObjectName)} {Ago(f.Last, inv.Now)} {Quote(f.Message, 140)}\n");
        }

        var logs = inv.Logs.Where(l => l.Log is not null || l.Error is not null).ToList();
        if (logs.Count > 0)
        {
            sb.Append("\nLogs (tail 200, redacted, narrowed to failure markers):\n");
            // Identical current/previous logs (a waiting container serves its last instance for both) are shown once.
            var shown = new List<IReadOnlyList<string>>();
            foreach (var l in logs.OrderByDescending(l => l.Previous).Take(b.LogViews + 2))
            {
                var label = $"  {Token(l.Pod)}/{Token(l.Container)}{(l.Previous ? " (previous)" : "")}";
                if (l.Log is not { } log) { sb.Append($"{label}: {Quote(l.Error, 160)}\n"); continue; }
                if (shown.Any(s => s.SequenceEqual(log.Lines))) { sb.Append($"{label}: same lines as above\n"); continue; }
                if (shown.Count >= b.LogViews) continue;
                shown.Add(log.Lines);
                sb.Append($"{label}: {log.Lines.Count} of {log.TotalLines} lines kept\n");
                foreach (var line in log.Lines.TakeLast(b.LogLines)) sb.Append($"    {Quote(line, 180)}\n");
            }
        }

        sb.Append("\nRelated (by reference; Secrets by name only):\n");
        if (inv.Services.Count == 0) sb.Append("  Services: none select these pods\n");
        foreach (var s in inv.Services) sb.Append($"  Service {Token(s.Name)}: {s.Ready} ready / {s.NotReady} not ready ({s.Source})\n");
        foreach (var group in inv.Refs.GroupBy(r => r.Kind))
        {
            var items = group.Take(6).Select(r => $"{Token(r.Name)} ({r.Status}{(r.Detail is { } d ? ", " + Quote(d, 80) : "")})");
            sb.Append($"  {group.Key}: {string.Join(", ", items)}{(group.Count() > 6 ? $", +{group.Count() - 6} more" : "")}\n");
        }
        foreach (var n in inv.Nodes)
            sb.Append($"  Node {Token(n.Name)}: {(n.Ready ? "Ready" : "NotReady")}{(n.Pressures.Count > 0 ? " · " + string.Join("+", n.Pressures) : "")}{(n.Unschedulable ? " · cordoned" : "")}\n");

        if (inv.Unreadable.Count > 0)
        {
            sb.Append("\nNot readable (partial bundle):\n");
            foreach (var u in inv.Unreadable.Take(6)) sb.Append($"  {Token(u.Part, 60)}: {Quote(u.Reason, 160)}\n");
        }
        sb.Append($"\nFull bundle (redacted JSON): {bundlePath}");
        return sb.ToString();
    }

    /// <summary>The chain as Investigation.ChainParts orders it, each object reference framed on its own (owner names are cluster text).</summary>
    private static string ChainLine(Investigation inv)
    {
        static string Ref(ObjectView o) => Token(o.Ref, 120);
        var parts = inv.Owners.Reverse().Select(Ref).Append(Ref(inv.Target)).ToList();
        if (inv.Kind != KindInfo.Pod)
        {
            if (inv.Intermediates.Count > 0) parts.Add(string.Join(" + ", inv.Intermediates.Select(Ref)));
            parts.Add(inv.PodsTotal == 1 ? "1 pod" : $"{inv.PodsTotal} pods");
        }
        return string.Join(" → ", parts);
    }

    private static string ContainerLine(ContainerView c, DateTimeOffset now)
    {
        var sb = new StringBuilder($"{Token(c.Name)}{(c.Init ? " (init)" : "")}: {c.State}");
        if (c.Reason is { } r) sb.Append(' ').Append(Token(r, 40));
        // When the state began: startedAt (running), finishedAt (terminated), the last exit (waiting after a crash).
        if (c.State == "running" && c.Since is { } started) sb.Append(" for ").Append(Ago(started, now)[..^4]);
        else if (c.State == "terminated" && c.Since is { } finished) sb.Append(' ').Append(Ago(finished, now));
        else if (c.Waiting && c.Last?.FinishedAt is { } exited) sb.Append(" since the last exit ").Append(Ago(exited, now));
        sb.Append($" · ready {(c.Ready ? "yes" : "no")} · restarts {c.Restarts}");
        if (c.Crash is { ExitCode: { } code } t)
            sb.Append($" · {(c.Terminated is null ? "last" : "now")} {Token(t.Reason ?? "terminated", 30)} exit {code} = {ExitCodes.Explain(code, t.Reason)}");
        if (c.Limits.Count > 0) sb.Append(" · limits " + string.Join(" ", c.Limits.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{Token(l.Key)} {Token(l.Value)}")));
        return sb.ToString();
    }

    /// <summary>--json: the bundle summary (target, chain, findings, pods, services, unreadable, bundle path), bounded.</summary>
    public static string Json(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath)
    {
        var text = "";
        foreach (var (maxFindings, evidence, pods) in new[] { (10, 3, 5), (6, 1, 3), (4, 0, 1) })
        {
            text = JsonWith(inv, findings, bundlePath, maxFindings, evidence, pods);
            if (text.Length <= MaxContent) break;
        }
        return text;
    }

    private static string JsonWith(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath, int maxFindings, int maxEvidence, int maxPods)
    {
        static string S(string? value, int max = 1000) => BundleWriter.S(value, max);
        var pods = inv.Pods.Take(maxPods).Select(p => new SummaryPodDocument(S(p.Name), S(p.Phase), p.Ready, p.Restarts, S(p.NodeName),
            p.Containers.Take(4).Select(c => new SummaryContainerDocument(S(c.Name), c.State, c.Reason is { } r ? S(r, 60) : null, c.Restarts,
                c.Crash?.ExitCode, c.Crash is { ExitCode: { } code } t ? ExitCodes.Explain(code, t.Reason) : null)).ToList())).ToList();
        var summary = new SummaryDocument(S(inv.Context),
            new TargetDocument(inv.Kind.Kind, S(inv.Namespace), S(inv.Name), null, S(inv.Target.Status)), S(inv.ChainText),
            findings.Count, BundleWriter.FindingList(findings.Take(maxFindings), maxEvidence), inv.PodsTotal, pods,
            inv.Services.Select(s => new ServiceDocument(S(s.Name), s.Ready, s.NotReady, null, null)).ToList(),
            inv.Events.Count, inv.Events.Count(e => e.Facts.Type == "Warning"), BundleWriter.UnreadableList(inv.Unreadable), bundlePath);
        return Dto.Serialize(summary, InvestigateJson.Default.SummaryDocument);
    }
}
