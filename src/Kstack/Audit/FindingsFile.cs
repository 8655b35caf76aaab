using Kstack.Checks;
using Kstack.Cache;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Objects;

namespace Kstack.Audit;

/// <summary>The old findings file a --baseline run compares against: fingerprint → what it was.</summary>
internal sealed record BaselineFile(string Path, IReadOnlyDictionary<string, ResolvedFinding> Fingerprints);

/// <summary>
/// The full findings of an audit run, schema <c>audit/1</c> (documented in docs/audit-report.md), written atomically to
/// <c>&lt;cache_dir&gt;/audit-&lt;x&gt;.json</c>. Observed values are cluster data as found, minus credentials (env
/// values never get here; other values pass the redactor).
/// </summary>
internal static class FindingsFile
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(string path, AuditReport r) =>
        Cache.AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, Options);
            Write(w, r);
            w.Flush();
            return Task.CompletedTask;
        });

    public static void Write(Utf8JsonWriter w, AuditReport r)
    {
        w.WriteStartObject();
        w.WriteString("schema", AuditReport.Schema);
        w.WriteString("audit", r.Audit);
        w.WriteString("context", r.Context);
        w.WriteString("kubernetesVersion", r.KubernetesVersion);
        w.WriteString("namespace", r.Namespace);
        w.WriteString("generatedAt", r.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("objectsRead", r.ObjectsRead);
        w.WriteStartObject("counts");
        w.WriteNumber("total", r.Findings.Count);
        foreach (var s in Enum.GetValues<Severity>().Reverse()) w.WriteNumber(s.Name(), r.Count(s));
        if (r.NewFingerprints is { } fresh)
        {
            w.WriteNumber("new", fresh.Count);
            w.WriteNumber("unchanged", r.Findings.Count - fresh.Count);
            w.WriteNumber("resolved", r.Resolved?.Count ?? 0);
        }
        w.WriteNumber("exempted", r.Exempted.Count);
        w.WriteEndObject();

        w.WriteStartArray("checks");
        foreach (var c in r.Catalogue)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("category", c.Category);
            w.WriteString("severity", c.Severity.Name());
            w.WriteString("title", c.Title);
            w.WriteString("remediation", c.Remediation);
            WriteStrings(w, "standards", c.Standards);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            w.FlushWhenFull();
            WriteFinding(w, f);
            if (r.NewFingerprints is { } nf) w.WriteString("baseline", nf.Contains(f.Fingerprint) ? "new" : "unchanged");
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("exempted");
        foreach (var e in r.Exempted)
        {
            WriteFinding(w, e.Finding);
            w.WriteString("reason", e.By.Reason);
            if (e.By.Expires is { } x) w.WriteString("expires", x.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("expiredExemptions");
        foreach (var e in r.ExpiredExemptions)
        {
            w.WriteStartObject();
            w.WriteString("check", e.Check);
            w.WriteString("subject", e.Subject);
            w.WriteString("reason", e.Reason);
            w.WriteString("expires", e.Expires!.Value.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("line", e.Line);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("inClusterExemptionAsks");
        foreach (var a in r.InClusterAsks)
        {
            w.WriteStartObject();
            WriteSubject(w, a.Subject);
            w.WriteString("annotation", Clean(a.Annotation));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (r.Resolved is { } resolved)
        {
            w.WriteStartArray("resolved");
            foreach (var x in resolved)
            {
                w.WriteStartObject();
                w.WriteString("fingerprint", x.Fingerprint);
                w.WriteString("check", x.CheckId);
                w.WriteString("severity", x.Severity);
                WriteSubject(w, x.Subject);
                w.WriteString("field", x.Field);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        w.WriteStartArray("unreadable");
        foreach (var u in r.Unreadable)
        {
            w.WriteStartObject();
            w.WriteString("resource", u.Resource);
            w.WriteString("reason", u.Reason);
            WriteStrings(w, "unchecked", u.Unchecked);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes a finding's fields into an object it leaves open (the caller adds fields and closes it).</summary>
    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("fingerprint", f.Fingerprint);
        w.WriteString("check", f.Check.Id);
        w.WriteString("severity", f.Check.Severity.Name());
        w.WriteString("category", f.Check.Category);
        WriteSubject(w, f.Subject);
        w.WriteString("field", Clean(f.Field));
        w.WriteString("observed", f.Observed is null ? null : Clean(f.Observed));
        w.WriteStartObject("blastRadius");
        w.WriteString("scope", f.Scope.ToString().ToLowerInvariant());
        w.WriteBoolean("running", f.Running);
        w.WriteNumber("rank", f.Rank);
        w.WriteEndObject();
        if (f.Pods > 0) w.WriteNumber("pods", f.Pods);
        WriteStrings(w, "standards", f.Check.Standards);
        w.WriteString("remediation", f.Check.Remediation);
    }

    private static void WriteSubject(Utf8JsonWriter w, ObjectRef s)
    {
        w.WriteStartObject("subject");
        w.WriteString("kind", s.Kind);
        w.WriteString("namespace", s.Namespace is null ? null : Clean(s.Namespace));
        w.WriteString("name", Clean(s.Name));
        if (s.Container is not null) w.WriteString("container", Clean(s.Container));
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>Cluster text in the file: terminal controls removed and credentials redacted, otherwise as found.</summary>
    private static string Clean(string s) => CleanText.Of(s);

    /// <summary>Reads an earlier findings file for --baseline; anything else is a user error.</summary>
    public static BaselineFile ReadBaseline(string path)
    {
        if (!File.Exists(path)) throw KstackException.User($"Baseline file not found: {ArgumentText.Cap(path)}");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema", out var schema) || schema.GetString() != AuditReport.Schema)
                throw KstackException.User($"Baseline file {ArgumentText.Cap(path)} is not an audit findings file (schema {AuditReport.Schema}); pass an earlier <cache_dir>/audit-<x>.json.");
            var map = new Dictionary<string, ResolvedFinding>(StringComparer.Ordinal);
            if (root.TryGetProperty("findings", out var findings) && findings.ValueKind == JsonValueKind.Array)
                foreach (var f in findings.EnumerateArray())
                {
                    var fp = Str(f, "fingerprint");
                    if (fp.Length == 0) continue;
                    var s = f.TryGetProperty("subject", out var subj) ? subj : default;
                    var subject = new ObjectRef(Str(s, "kind"), s.ValueKind == JsonValueKind.Object && s.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String ? ns.GetString() : null,
                        Str(s, "name"), s.ValueKind == JsonValueKind.Object && s.TryGetProperty("container", out var c) ? c.GetString() : null);
                    map[fp] = new ResolvedFinding(fp, Str(f, "check"), Str(f, "severity"), subject, Str(f, "field"));
                }
            return new BaselineFile(path, map);
        }
        catch (JsonException e) { throw KstackException.User($"Baseline file {ArgumentText.Cap(path)} is not valid JSON ({Kube.Kubeconfig.FirstLine(e.Message)})."); }
        catch (InvalidOperationException) { throw KstackException.User($"Baseline file {ArgumentText.Cap(path)} does not have the {AuditReport.Schema} shape."); }
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
