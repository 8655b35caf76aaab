using System.Text;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.ClusterStatus;

/// <summary>Text and JSON renderings of a cluster-status report. Cluster-derived text is capped and framed.</summary>
internal static class ClusterStatusRenderer
{
    public const int MaxIssueRows = 5;
    /// <summary>Verbatim text fits in this many columns.</summary>
    public const int Width = 120;
    public const int MaxJsonIssues = ClusterStatusReport.MaxKeptIssues;

    public static string Text(ClusterStatusReport r, string freshness, DateTimeOffset now)
    {
        var sb = new StringBuilder(1024);
        sb.Append("Cluster: ").Append(DataText.Inline(r.Context, 60)).Append(" · Kubernetes ")
          .Append(DataText.Token(r.GitVersion, 40)).Append(" · ").Append(DataText.Token(r.Platform, 30)).Append('\n');
        if (r.Namespace is not null) sb.Append("Namespace: ").Append(DataText.Token(r.Namespace, 63)).Append('\n');
        sb.Append('\n');

        sb.Append("Nodes  ");
        if (r.Nodes is { } n)
            sb.Append(n.Total == 0 ? "none found" :
                $"{n.Ready}/{n.Total} Ready · {n.Pressure} pressure · {n.Unschedulable} unschedulable · {n.ControlPlane} control-plane, {n.Worker} worker");
        else sb.Append("not readable: ").Append(r.NodesUnreadable);
        sb.Append('\n');

        sb.Append("Pods   ");
        if (r.Pods is { } p) sb.Append(p.Total == 0 ? "none found" : $"{p.Ready}/{p.Total} Ready · {p.WithRestarts} pod(s) with restarts");
        else sb.Append("not readable: ").Append(r.PodsUnreadable);
        sb.Append("\n\n");

        if (r.IssuesTotal == 0)
        {
            sb.Append(r.Pods is null && r.Nodes is null
                ? "Issues: unknown — nothing was readable."
                : "Issues: none — every readable pod is Ready or Succeeded and every node is Ready without pressure.");
            sb.Append("\n\n");
        }
        else
        {
            sb.Append($"Issues ({r.IssuesTotal}):\n");
            var rows = r.Issues.Take(MaxIssueRows).Select(i => Row(i, now)).ToList();
            var w0 = rows.Max(x => x[0].Length);
            var w1 = rows.Max(x => x[1].Length);
            var w2 = rows.Max(x => x[2].Length);
            var w3 = rows.Max(x => x[3].Length);
            var prefixes = rows.Select(x => $"  {x[0].PadRight(w0)}  {x[1].PadRight(w1)}  {x[2].PadRight(w2)}  {x[3].PadRight(w3)}  ").ToList();
            // One line per issue when every row fits the width; else every owner or message goes to a line of its own.
            var oneLine = rows.Zip(prefixes).All(p => (p.Second + p.First[4]).TrimEnd().Length <= Width);
            foreach (var ((x, prefix), issue) in rows.Zip(prefixes).Zip(r.Issues))
                sb.Append(oneLine ? (prefix + x[4]).TrimEnd() : Wrapped(prefix, issue)).Append('\n');
            if (r.IssuesTotal > MaxIssueRows) sb.Append($"  …and {r.IssuesTotal - MaxIssueRows} more\n");
            sb.Append('\n');
        }
        sb.Append(freshness)
          .Append(" Ask to drill in — e.g. \"list nodes\", \"list pods\", \"pods on <node>\", \"which nodes are tainted\".");
        return sb.ToString();
    }

    /// <summary>
    /// A row whose owner or message did not fit: the owner (an identifier) whole on the next line, or the message (free
    /// text) there cut with … to the width.
    /// </summary>
    private static string Wrapped(string prefix, Issue i)
    {
        const string indent = "      ";
        var head = prefix.TrimEnd();
        if (i.Owner is not null) return head + "\n" + indent + "owner " + DataText.Token(i.Owner, 50);
        return i.Message is { Length: > 0 } m ? head + "\n" + indent + DataText.QuoteFitting(m, Width - indent.Length) : head;
    }

    private static string[] Row(Issue i, DateTimeOffset now)
    {
        var node = i.Subject.Kind == "Node";
        var target = node ? "node/" + DataText.Token(i.Subject.Name, 43) : DataText.Token(i.Subject.Namespace + "/" + i.Subject.Name, 48);
        var restarts = node ? "" : i.Restarts == 1 ? "1 restart" : $"{i.Restarts} restarts";
        var tail = i.Owner is not null ? DataText.Token(i.Owner, 50)
                 : i.Message is { Length: > 0 } d ? DataText.Quote(d, 60) : "";
        return [target, Reason(i), restarts, Since(i, now), tail];
    }

    /// <summary>The reason column: the observed state in words, cluster tokens checked.</summary>
    public static string Reason(Issue i)
    {
        var exit = i.ExitCode is { } c ? $", exit {c}" : "";
        var check = i.CheckId;
        if (check == IssueChecks.NodeNotReady.Id) return i.Observed == "Unknown" ? "NotReady (Unknown)" : "NotReady";
        if (check == IssueChecks.NodePressure.Id) return DataText.Token(i.Observed, 60);
        if (check == IssueChecks.CrashLoop.Id) return i.LastReason is { } r ? $"CrashLoopBackOff ({DataText.Token(r, 30)}{exit})" : "CrashLoopBackOff";
        if (check == IssueChecks.OomKilled.Id) return $"OOMKilled{exit}";
        if (check == IssueChecks.NotReady.Id) return $"Running, not ready ({DataText.Token(i.Observed, 20)})";
        if (check == IssueChecks.Pending.Id && i.Path == IssueChecks.UnschedulablePath) return "Pending (unschedulable)";
        return DataText.Token(i.Observed, check == IssueChecks.Unknown.Id ? 30 : 40);
    }

    /// <summary>How long the row's state has lasted, naming the state (<c>NotReady for 4m</c>); the object's age only as a fallback.</summary>
    public static string Since(Issue i, DateTimeOffset now)
    {
        if (i.Since is not { } since) return "age ?";
        var d = Duration.Format(now - since);
        return i.SinceEvent switch
        {
            SinceEvent.NodeNotReady => $"NotReady for {d}",
            SinceEvent.NodePressure => $"{DataText.Token(i.Observed?.Split('+')[0], 20)} for {d}",
            SinceEvent.PodNotReady => $"not ready for {d}",
            SinceEvent.Unschedulable => $"unschedulable for {d}",
            SinceEvent.Pending => $"pending for {d}",
            SinceEvent.Failed => $"failed {d} ago",
            SinceEvent.Evicted => $"evicted {d} ago",
            _ => $"age {d}",
        };
    }

    /// <summary>The state the row's time counts from, as the --json <c>state</c> value.</summary>
    private static string StateName(SinceEvent e) => e switch
    {
        SinceEvent.NodeNotReady => "NotReady", SinceEvent.NodePressure => "Pressure", SinceEvent.PodNotReady => "NotReady",
        SinceEvent.Unschedulable => "Unschedulable", SinceEvent.Pending => "Pending", SinceEvent.Failed => "Failed",
        SinceEvent.Evicted => "Evicted", _ => "Created",
    };

    /// <summary>--json content: the same report as a bounded JSON document; values are plain (cleaned, redacted, capped).</summary>
    public static string Json(ClusterStatusReport r, string cacheDir, bool fromCache, DateTimeOffset now)
    {
        long? Seconds(DateTimeOffset? t) => t is { } v ? (long)(now - v).TotalSeconds : null;
        var issues = r.Issues.Take(MaxJsonIssues).Select(i => new IssueDocument(
            i.CheckId, i.Subject.Kind, i.Subject.Namespace is { } ns ? C(ns) : null, C(i.Subject.Name), C(Reason(i)), i.Restarts,
            Seconds(i.Created), i.Owner is { } o ? C(o) : null, i.Message is { Length: > 0 } d ? DataText.Plain(d, 200) : null,
            C(i.Path), i.Observed is { } obs ? DataText.Plain(obs, 200) : null, StateName(i.SinceEvent), Seconds(i.Since))).ToList();
        return Kstack.Json.Dto.Serialize(new ClusterStatusDocument(C(r.Context), C(r.GitVersion), C(r.Platform), r.Namespace is { } n ? C(n) : null,
            r.Nodes, r.NodesUnreadable is { } nu ? C(nu) : null, r.Pods, r.PodsUnreadable is { } pu ? C(pu) : null,
            r.IssuesTotal, issues, cacheDir, fromCache), ClusterStatusJson.Default.ClusterStatusDocument);
    }

    private static string C(string s) => TerminalText.Clean(s);
}
