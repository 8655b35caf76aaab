using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Skills.ClusterStatus;

/// <summary>Text and JSON renderings of a cluster-status report. Cluster-derived text is capped and framed.</summary>
public static class ClusterStatusRenderer
{
    public const int MaxIssueRows = 5;
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
            foreach (var x in rows)
            {
                var line = $"  {x[0].PadRight(w0)}  {x[1].PadRight(w1)}  {x[2].PadRight(w2)}  {x[3].PadRight(w3)}  {x[4]}";
                sb.Append(line.TrimEnd()).Append('\n');
            }
            if (r.IssuesTotal > MaxIssueRows) sb.Append($"  …and {r.IssuesTotal - MaxIssueRows} more\n");
            sb.Append('\n');
        }
        sb.Append(freshness)
          .Append(" Ask to drill in — e.g. \"list nodes\", \"list pods\", \"pods on <node>\", \"which nodes are tainted\".");
        return sb.ToString();
    }

    private static string[] Row(Issue i, DateTimeOffset now)
    {
        var target = i.Kind == "Node" ? "node/" + DataText.Token(i.Name, 43) : DataText.Token(i.Namespace + "/" + i.Name, 48);
        var restarts = i.Kind == "Node" ? "" : i.Restarts == 1 ? "1 restart" : $"{i.Restarts} restarts";
        var age = i.Since is { } since ? Duration.Format(now - since) : "?";
        var tail = i.Owner is not null ? DataText.Token(i.Owner, 50)
                 : i.Detail is { Length: > 0 } d ? DataText.Quote(d, 60) : "";
        return [target, i.Reason, restarts, age, tail];
    }

    /// <summary>--json content: the same report as a bounded JSON document.</summary>
    public static string Json(ClusterStatusReport r, string cacheDir, bool fromCache, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("context", C(r.Context));
            w.WriteString("kubernetesVersion", C(r.GitVersion));
            w.WriteString("platform", C(r.Platform));
            if (r.Namespace is null) w.WriteNull("namespace"); else w.WriteString("namespace", C(r.Namespace));
            w.WritePropertyName("nodes");
            if (r.Nodes is { } n)
            {
                w.WriteStartObject();
                w.WriteNumber("total", n.Total); w.WriteNumber("ready", n.Ready); w.WriteNumber("pressure", n.Pressure);
                w.WriteNumber("unschedulable", n.Unschedulable); w.WriteNumber("controlPlane", n.ControlPlane); w.WriteNumber("worker", n.Worker);
                w.WriteEndObject();
            }
            else w.WriteNullValue();
            if (r.NodesUnreadable is not null) w.WriteString("nodesUnreadable", C(r.NodesUnreadable));
            w.WritePropertyName("pods");
            if (r.Pods is { } p)
            {
                w.WriteStartObject();
                w.WriteNumber("total", p.Total); w.WriteNumber("ready", p.Ready); w.WriteNumber("withRestarts", p.WithRestarts);
                w.WriteEndObject();
            }
            else w.WriteNullValue();
            if (r.PodsUnreadable is not null) w.WriteString("podsUnreadable", C(r.PodsUnreadable));
            w.WriteNumber("issuesTotal", r.IssuesTotal);
            w.WriteStartArray("issues");
            foreach (var i in r.Issues.Take(MaxJsonIssues))
            {
                w.WriteStartObject();
                w.WriteString("check", i.CheckId);
                w.WriteString("kind", i.Kind);
                if (i.Kind != "Node") w.WriteString("namespace", C(i.Namespace));
                w.WriteString("name", C(i.Name));
                w.WriteString("reason", C(i.Reason));
                w.WriteNumber("restarts", i.Restarts);
                if (i.Since is { } s) w.WriteNumber("ageSeconds", (long)(now - s).TotalSeconds);
                if (i.Owner is not null) w.WriteString("owner", C(i.Owner));
                if (i.Detail is { Length: > 0 } d) w.WriteString("detail", DataText.Inline(d, 200));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("cacheDir", cacheDir);
            w.WriteBoolean("fromCache", fromCache);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string C(string s) => TerminalText.Clean(s);
}
