using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Envelope;
using Kstack.Redaction;

namespace Kstack.Skills.Investigate;

/// <summary>
/// The full evidence bundle as JSON (schema "investigate/1"), saved in the cache for jq follow-ups. Every cluster string is
/// redacted and cleaned; Secrets appear by name and existence only, because their data is never requested.
/// </summary>
public static class BundleWriter
{
    public const string Schema = "investigate/1";

    public static void Write(Stream stream, Investigation inv, IReadOnlyList<Finding> findings, string bundlePath)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("context", S(inv.Context));
        w.WriteString("generatedAt", Time(inv.Now));
        w.WriteString("bundle", bundlePath);
        w.WriteStartObject("target");
        w.WriteString("kind", inv.Kind.Kind);
        w.WriteString("namespace", S(inv.Namespace));
        w.WriteString("name", S(inv.Name));
        w.WriteString("uid", S(inv.Target.Uid));
        w.WriteString("status", S(inv.Target.Status));
        w.WriteEndObject();
        w.WriteString("chain", S(inv.ChainText));
        w.WriteStartArray("owners");
        foreach (var o in inv.Owners) Object(w, o);
        w.WriteEndArray();
        w.WriteStartArray("intermediates");
        foreach (var o in inv.Intermediates) Object(w, o);
        w.WriteEndArray();
        if (inv.Kind != KindInfo.Pod)
        {
            w.WritePropertyName("workload");
            Object(w, inv.Target);
        }
        w.WriteNumber("podsTotal", inv.PodsTotal);
        w.WriteStartArray("pods");
        foreach (var p in inv.Pods) Pod(w, p);
        w.WriteEndArray();
        w.WriteStartArray("events");
        foreach (var e in inv.Events)
        {
            var f = e.Facts;
            w.WriteStartObject();
            w.WriteString("type", S(f.Type));
            w.WriteString("reason", S(f.Reason));
            w.WriteString("kind", S(f.Kind));
            w.WriteString("name", S(f.ObjectName));
            Opt(w, "uid", e.Uid);
            w.WriteNumber("count", f.Count);
            if (f.First is { } first) w.WriteString("first", Time(first));
            if (f.Last is { } last) w.WriteString("last", Time(last));
            w.WriteString("message", S(f.Message, 4000));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("logs");
        foreach (var l in inv.Logs)
        {
            w.WriteStartObject();
            w.WriteString("pod", S(l.Pod));
            w.WriteString("container", S(l.Container));
            w.WriteBoolean("previous", l.Previous);
            Opt(w, "error", l.Error);
            if (l.Log is { } log)
            {
                w.WriteNumber("tailLines", Gatherer.TailLines);
                w.WriteNumber("linesRead", log.TotalLines);
                w.WriteBoolean("narrowed", log.Narrowed);
                Opt(w, "markerLine", log.MarkerLine);
                w.WriteStartArray("lines");
                foreach (var line in log.Lines) w.WriteStringValue(line);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("services");
        foreach (var s in inv.Services)
        {
            w.WriteStartObject();
            w.WriteString("name", S(s.Name));
            w.WriteNumber("ready", s.Ready);
            w.WriteNumber("notReady", s.NotReady);
            w.WriteString("source", s.Source);
            Opt(w, "error", s.Error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("references");
        foreach (var r in inv.Refs)
        {
            w.WriteStartObject();
            w.WriteString("kind", r.Kind);
            w.WriteString("name", S(r.Name));
            w.WriteString("status", r.Status);
            Opt(w, "detail", r.Detail);
            w.WriteString("usage", S(r.Usage));
            w.WriteBoolean("optional", r.Optional);
            if (r.Kind is "Secret" or "ConfigMap" or "ServiceAccount") w.WriteString("read", "metadata-only");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var n in inv.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", S(n.Name));
            w.WriteString("ready", S(n.ReadyStatus));
            Opt(w, "readyReason", n.ReadyReason);
            Opt(w, "readyMessage", n.ReadyMessage);
            w.WriteStartArray("pressures");
            foreach (var p in n.Pressures) w.WriteStringValue(p);
            w.WriteEndArray();
            Opt(w, "pressureMessage", n.PressureMessage);
            w.WriteBoolean("unschedulable", n.Unschedulable);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteFindings(w, findings, int.MaxValue);
        WriteUnreadable(w, inv.Unreadable);
        w.WriteEndObject();
        w.Flush();
    }

    public static void WriteFindings(Utf8JsonWriter w, IReadOnlyList<Finding> findings, int maxEvidence)
    {
        w.WriteStartArray("findings");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("subject", S(f.Subject));
            w.WriteString("summary", f.Summary);
            w.WriteStartArray("evidence");
            foreach (var e in f.Evidence.Take(maxEvidence)) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void WriteUnreadable(Utf8JsonWriter w, IReadOnlyList<Unreadable> unreadable)
    {
        w.WriteStartArray("unreadable");
        foreach (var u in unreadable)
        {
            w.WriteStartObject();
            w.WriteString("part", S(u.Part));
            w.WriteString("reason", S(u.Reason, 300));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Object(Utf8JsonWriter w, ObjectView o)
    {
        w.WriteStartObject();
        w.WriteString("kind", S(o.Kind));
        w.WriteString("name", S(o.Name));
        w.WriteString("uid", S(o.Uid));
        w.WriteBoolean("readable", o.Readable);
        w.WriteString("status", S(o.Status));
        Conditions(w, o.Conditions);
        w.WriteEndObject();
    }

    private static void Pod(Utf8JsonWriter w, PodView p)
    {
        w.WriteStartObject();
        w.WriteString("name", S(p.Name));
        w.WriteString("uid", S(p.Uid));
        w.WriteString("phase", S(p.Phase));
        Opt(w, "reason", p.Reason);
        Opt(w, "message", p.Message);
        Opt(w, "node", p.NodeName);
        if (p.Created is { } c) w.WriteString("created", Time(c));
        w.WriteBoolean("ready", p.Ready);
        w.WriteNumber("restarts", p.Restarts);
        Opt(w, "owner", p.Owner?.ToString());
        w.WriteString("serviceAccount", S(p.Refs.ServiceAccount));
        Map(w, "requests", p.RequestTotals);
        Conditions(w, p.Conditions);
        w.WriteStartArray("containers");
        foreach (var k in p.Containers)
        {
            w.WriteStartObject();
            w.WriteString("name", S(k.Name));
            w.WriteBoolean("init", k.Init);
            w.WriteString("image", S(k.Image));
            w.WriteBoolean("ready", k.Ready);
            w.WriteNumber("restarts", k.Restarts);
            w.WriteString("state", k.State);
            Opt(w, "reason", k.Reason);
            Opt(w, "message", k.Message);
            if (k.Since is { } since) w.WriteString("since", Time(since));
            Term(w, "terminated", k.Terminated);
            Term(w, "lastTerminated", k.Last);
            Map(w, "limits", k.Limits);
            Map(w, "requests", k.Requests);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Term(Utf8JsonWriter w, string name, Termination? t)
    {
        if (t is null) return;
        w.WriteStartObject(name);
        Opt(w, "reason", t.Reason);
        if (t.ExitCode is { } code)
        {
            w.WriteNumber("exitCode", code);
            w.WriteString("meaning", ExitCodes.Explain(code, t.Reason));
        }
        if (t.Signal is { } sig) w.WriteNumber("signal", sig);
        if (t.StartedAt is { } s) w.WriteString("startedAt", Time(s));
        if (t.FinishedAt is { } f) w.WriteString("finishedAt", Time(f));
        Opt(w, "message", t.Message);
        w.WriteEndObject();
    }

    private static void Conditions(Utf8JsonWriter w, IReadOnlyList<Condition> conditions)
    {
        w.WriteStartArray("conditions");
        foreach (var c in conditions)
        {
            w.WriteStartObject();
            w.WriteString("type", S(c.Type));
            w.WriteString("status", S(c.Status));
            Opt(w, "reason", c.Reason);
            Opt(w, "message", c.Message);
            if (c.Since is { } t) w.WriteString("since", Time(t));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(S(k), S(v));
        w.WriteEndObject();
    }

    private static void Opt(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, S(value, 4000));
    }

    /// <summary>Cluster text for the bundle: redacted, control characters dropped, capped.</summary>
    public static string S(string? value, int max = 1000)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = TerminalText.Clean(Redactor.Redact(value));
        if (text.Length <= max) return text;
        var n = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..n] + "…";
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
