using System.Text.Json;
using Kstack.Skills.Shared;

namespace Kstack.Skills.ClusterStatus;

/// <summary>Exact round trip of a report for the report cache (not the --json shape, which is bounded and framed).</summary>
public static class ClusterStatusReportJson
{
    public static void Write(Utf8JsonWriter w, ClusterStatusReport r)
    {
        w.WriteStartObject();
        w.WriteString("context", r.Context);
        w.WriteString("gitVersion", r.GitVersion);
        w.WriteString("platform", r.Platform);
        w.WriteString("namespace", r.Namespace);
        if (r.Nodes is { } n)
        {
            w.WriteStartArray("nodes");
            foreach (var v in new[] { n.Total, n.Ready, n.Pressure, n.Unschedulable, n.ControlPlane, n.Worker }) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteString("nodesUnreadable", r.NodesUnreadable);
        if (r.Pods is { } p)
        {
            w.WriteStartArray("pods");
            foreach (var v in new[] { p.Total, p.Ready, p.WithRestarts }) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteString("podsUnreadable", r.PodsUnreadable);
        w.WriteNumber("issuesTotal", r.IssuesTotal);
        w.WriteNumber("podsListed", r.PodsListed);
        w.WriteStartArray("issues");
        foreach (var i in r.Issues)
        {
            w.WriteStartObject();
            w.WriteString("check", i.CheckId);
            w.WriteNumber("rank", i.Rank);
            w.WriteString("kind", i.Kind);
            w.WriteString("namespace", i.Namespace);
            w.WriteString("name", i.Name);
            w.WriteString("reason", i.Reason);
            w.WriteNumber("restarts", i.Restarts);
            if (i.Since is { } since) w.WriteString("since", since);
            w.WriteString("owner", i.Owner);
            w.WriteString("detail", i.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static ClusterStatusReport Read(JsonElement e)
    {
        int[]? Ints(string name) => e.Get(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(x => x.GetInt32()).ToArray() : null;
        var n = Ints("nodes");
        var p = Ints("pods");
        var issues = e.Array("issues").Select(i => new Issue(
            i.Str("check") ?? "", (int)(i.Long("rank") ?? 0), i.Str("kind") ?? "", i.Str("namespace") ?? "", i.Str("name") ?? "",
            i.Str("reason") ?? "", (int)(i.Long("restarts") ?? 0), i.Time("since"), i.Str("owner"), i.Str("detail"))).ToList();
        return new ClusterStatusReport(e.Str("context") ?? "", e.Str("gitVersion") ?? "", e.Str("platform") ?? "", e.Str("namespace"),
            n is null ? null : new NodeSummary(n[0], n[1], n[2], n[3], n[4], n[5]), e.Str("nodesUnreadable"),
            p is null ? null : new PodSummary(p[0], p[1], p[2]), e.Str("podsUnreadable"),
            issues, (int)(e.Long("issuesTotal") ?? 0), (int)(e.Long("podsListed") ?? 0));
    }
}
