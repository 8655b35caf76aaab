using Kstack.Checks;
using Kstack.Cache;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Objects;

namespace Kstack.Audit;

/// <summary>
/// SARIF 2.1.0 for GitHub code scanning: one rule per check (help text, security-severity, tags from the standards),
/// one result per finding at a stable location — the GitOps manifest path when the object names one
/// (config.kubernetes.io/origin), else a synthetic k8s/&lt;context&gt;/&lt;namespace&gt;/&lt;kind&gt;/&lt;name&gt;.yaml — with
/// our own partialFingerprints, and automationDetails per cluster so one cluster's run never closes another's alerts.
/// </summary>
internal static partial class SarifWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static Task WriteAsync(string path, AuditReport r, IReadOnlyDictionary<ObjectRef, string> manifestPaths, string toolVersion) =>
        Cache.AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Write(w, r, manifestPaths, toolVersion);
            w.Flush();
            return Task.CompletedTask;
        });

    public static void Write(Utf8JsonWriter w, AuditReport r, IReadOnlyDictionary<ObjectRef, string> manifestPaths, string toolVersion)
    {
        var rules = r.Catalogue.ToList();
        var index = rules.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var context = Segment(r.Context);

        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "kstack");
        w.WriteString("semanticVersion", toolVersion);
        w.WriteString("informationUri", $"{Commands.HelpText.DocsBase}audit-{r.Audit}");
        w.WriteStartArray("rules");
        foreach (var c in rules)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("name", Name(c.Id));
            w.WriteStartObject("shortDescription"); w.WriteString("text", c.Title); w.WriteEndObject();
            w.WriteStartObject("fullDescription"); w.WriteString("text", $"{c.Title}. Maps to: {string.Join(", ", c.Standards)}."); w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", $"{c.Title}.\nFix: {c.Remediation}\nStandards: {string.Join(", ", c.Standards)}");
            w.WriteString("markdown", $"**{c.Title}.**\n\nFix: {c.Remediation}\n\nStandards: {string.Join(", ", c.Standards.Select(s => $"`{s}`"))}");
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration"); w.WriteString("level", c.Severity.SarifLevel()); w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteStartArray("tags");
            foreach (var t in new[] { "security", c.Category }.Concat(c.Standards).Distinct().Take(20)) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteString("precision", "high");
            w.WriteString("security-severity", c.Severity.SecurityScore());
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("automationDetails");
        w.WriteString("id", $"kstack/{context}/audit-{r.Audit}/{r.GeneratedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var f in r.Findings)
        {
            w.FlushWhenFull();
            w.WriteStartObject();
            w.WriteString("ruleId", f.Check.Id);
            w.WriteNumber("ruleIndex", index[f.Check.Id]);
            w.WriteString("level", f.Check.Severity.SarifLevel());
            w.WriteStartObject("message");
            w.WriteString("text", Message(f));
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", manifestPaths.TryGetValue(f.Subject with { Container = null }, out var manifest) ? manifest : SyntheticUri(context, f.Subject));
            w.WriteEndObject();
            w.WriteStartObject("region");
            w.WriteNumber("startLine", 1); w.WriteNumber("startColumn", 1); w.WriteNumber("endLine", 1); w.WriteNumber("endColumn", 2);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("name", Clean(f.Subject.Name));
            w.WriteString("fullyQualifiedName", Clean((f.Subject with { Container = null }).ToString()));
            w.WriteString("kind", "object");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("partialFingerprints");
            w.WriteString("primaryLocationLineHash", Cache.InstallRoot.ShortSha($"{r.Context}|{f.Key}") + ":1");
            w.WriteString("kstackFinding/v1", f.Fingerprint);
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteString("severity", f.Check.Severity.Name());
            w.WriteString("field", Clean(f.Field));
            w.WriteString("scope", f.Scope.ToString().ToLowerInvariant());
            if (r.NewFingerprints is { } nf) w.WriteString("baseline", nf.Contains(f.Fingerprint) ? "new" : "unchanged");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>k8s/&lt;context&gt;/&lt;namespace or _cluster&gt;/&lt;kind&gt;/&lt;name&gt;.yaml, each segment URI-safe.</summary>
    public static string SyntheticUri(string contextSegment, ObjectRef s) =>
        $"k8s/{contextSegment}/{(s.Namespace is null ? "_cluster" : Segment(s.Namespace))}/{s.Kind.ToLowerInvariant()}/{Segment(s.Name)}.yaml";

    /// <summary>
    /// The manifest path kustomize records in config.kubernetes.io/origin ("path: apps/web.yaml"), when it is a plain
    /// relative path. The annotation is cluster text: anything absolute, with "..", a scheme or odd characters is ignored.
    /// </summary>
    public static string? ManifestPath(string? originAnnotation)
    {
        if (originAnnotation is null) return null;
        foreach (var line in originAnnotation.Split('\n'))
        {
            var t = line.Trim();
            if (!t.StartsWith("path:", StringComparison.Ordinal)) continue;
            var p = t[5..].Trim().Trim('"', '\'');
            if (p.Length is > 0 and < 300 && SafePath().IsMatch(p) && !p.Split('/').Contains("..") && !p.StartsWith('/')) return p;
        }
        return null;
    }

    private static string Message(Finding f)
    {
        var sb = new StringBuilder();
        sb.Append(f.Check.Title).Append(": ").Append(Clean(f.Subject.ToString()));
        sb.Append(" — ").Append(Clean(f.Field));
        if (f.Observed is { Length: > 0 } o) sb.Append(" = ").Append(DataText.Quote(o, 200));
        if (f.Pods > 1) sb.Append($" ({f.Pods} pods)");
        sb.Append(". Fix: ").Append(f.Check.Remediation);
        return sb.ToString();
    }

    private static string Name(string id)
    {
        var sb = new StringBuilder();
        foreach (var part in id.Split('-')) sb.Append(part[..1]).Append(part[1..].ToLowerInvariant());
        return sb.ToString();
    }

    private static string Segment(string s) => Uri.EscapeDataString(Clean(s)).Replace("%2F", "_", StringComparison.Ordinal);

    private static string Clean(string s) => CleanText.Of(s);

    [GeneratedRegex(@"^[A-Za-z0-9._/\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafePath();
}
