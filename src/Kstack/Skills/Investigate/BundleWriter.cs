using System.Globalization;
using Kstack.Objects;
using Kstack.Envelope;
using Kstack.Json;
using Kstack.Redaction;

namespace Kstack.Skills.Investigate;

/// <summary>
/// The full evidence bundle as JSON (schema "investigate/1"), saved in the cache for jq follow-ups. Every cluster string is
/// redacted and cleaned; Secrets appear by name and existence only, because their data is never requested.
/// </summary>
internal static class BundleWriter
{
    public const string Schema = "investigate/1";

    public static void Write(Stream stream, Investigation inv, IReadOnlyList<Finding> findings, string bundlePath) =>
        Dto.Write(stream, Document(inv, findings, bundlePath), InvestigateJson.Default.BundleDocument);

    public static BundleDocument Document(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath) => new(
        Schema, S(inv.Context), Time(inv.Now), bundlePath,
        new TargetDocument(inv.Kind.Kind, S(inv.Namespace), S(inv.Name), S(inv.Target.Uid), S(inv.Target.Status)),
        S(inv.ChainText), inv.Owners.Select(Object).ToList(), inv.Intermediates.Select(Object).ToList(),
        inv.Kind != KindInfo.Pod ? Object(inv.Target) : null,
        inv.PodsTotal, inv.Pods.Select(Pod).ToList(),
        inv.Events.Select(e => new EventDocument(S(e.Facts.Type), S(e.Facts.Reason), S(e.Facts.Kind), S(e.Facts.ObjectName), Opt(e.Uid),
            e.Facts.Count, Time(e.Facts.First), Time(e.Facts.Last), S(e.Facts.Message, 4000))).ToList(),
        inv.Logs.Select(l => new LogDocument(S(l.Pod), S(l.Container), l.Previous, Opt(l.Error),
            l.Log is null ? null : Gatherer.TailLines, l.Log?.TotalLines, l.Log?.Narrowed, Opt(l.Log?.MarkerLine), l.Log?.Lines)).ToList(),
        inv.Services.Select(s => new ServiceDocument(S(s.Name), s.Ready, s.NotReady, s.Source, Opt(s.Error))).ToList(),
        inv.Refs.Select(r => new ReferenceDocument(r.Kind, S(r.Name), r.Status, Opt(r.Detail), S(r.Usage), r.Optional,
            r.Kind is "Secret" or "ConfigMap" or "ServiceAccount" ? "metadata-only" : null)).ToList(),
        inv.Nodes.Select(n => new NodeDocument(S(n.Name), S(n.ReadyStatus), Opt(n.ReadyReason), Opt(n.ReadyMessage), n.Pressures,
            Opt(n.PressureMessage), n.Unschedulable)).ToList(),
        FindingList(findings, int.MaxValue), UnreadableList(inv.Unreadable));

    public static List<FindingDocument> FindingList(IEnumerable<Finding> findings, int maxEvidence) =>
        findings.Select(f => new FindingDocument(f.Id, S(f.Subject), f.Summary, f.Evidence.Take(maxEvidence).ToList())).ToList();

    public static List<UnreadableDocument> UnreadableList(IEnumerable<Unreadable> unreadable) =>
        unreadable.Select(u => new UnreadableDocument(S(u.Part), S(u.Reason, 300))).ToList();

    private static ObjectDocument Object(ObjectView o) =>
        new(S(o.Kind), S(o.Name), S(o.Uid), o.Readable, S(o.Status), Conditions(o.Conditions));

    private static PodDocument Pod(PodView p) => new(
        S(p.Name), S(p.Uid), S(p.Phase), Opt(p.Reason), Opt(p.Message), Opt(p.NodeName), Time(p.Created), p.Ready, p.Restarts,
        Opt(p.Owner?.ToString()), S(p.Refs.ServiceAccount), Map(p.RequestTotals), Conditions(p.Conditions),
        p.Containers.Select(k => new ContainerDocument(S(k.Name), k.Init, S(k.Image), k.Ready, k.Restarts, k.State, Opt(k.Reason), Opt(k.Message),
            Time(k.Since), Term(k.Terminated), Term(k.Last), Map(k.Limits), Map(k.Requests))).ToList());

    private static TerminationDocument? Term(Termination? t) => t is null ? null : new(
        Opt(t.Reason), t.ExitCode, t.ExitCode is { } code ? ExitCodes.Explain(code, t.Reason) : null, t.Signal,
        Time(t.StartedAt), Time(t.FinishedAt), Opt(t.Message));

    private static List<ConditionDocument> Conditions(IReadOnlyList<Condition> conditions) =>
        conditions.Select(c => new ConditionDocument(S(c.Type), S(c.Status), Opt(c.Reason), Opt(c.Message), Time(c.Since))).ToList();

    /// <summary>Keys in ordinal order (a key that cleans to one already present keeps the last value).</summary>
    private static Dictionary<string, string> Map(IReadOnlyDictionary<string, string> map)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) d[S(k)] = S(v);
        return d;
    }

    private static string? Opt(string? value) => value is null ? null : S(value, 4000);

    private static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

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
