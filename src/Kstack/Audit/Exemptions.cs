using System.Globalization;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kstack.Audit;

/// <summary>
/// One user-side exemption: a check ID (or *), a subject pattern (kind/namespace/name, * matches any run of
/// characters, case-insensitive kind), a reason and an optional expiry date. Lives in a local file, never in the cluster.
/// </summary>
internal sealed record Exemption(string Check, string Subject, string Reason, DateTimeOffset? Expires, int Line)
{
    public bool ExpiredAt(DateTimeOffset now) => Expires is { } e && e <= now;

    public bool Matches(Finding f)
    {
        if (Check != "*" && !string.Equals(Check, f.Check.Id, StringComparison.OrdinalIgnoreCase)) return false;
        var subject = f.Subject with { Container = null };
        return Glob(Subject).IsMatch(subject.ToString()) || (f.Subject.Container is not null && Glob(Subject).IsMatch(f.Subject.ToString()));
    }

    private Regex? _glob;
    private Regex Glob(string pattern) =>
        _glob ??= new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}

/// <summary>Reads the exemptions YAML file (YamlDotNet representation model, no reflection).</summary>
internal static class ExemptionsFile
{
    public const string DefaultName = "audit-exemptions.yaml";

    public const string Example = """
        exemptions:
        - check: SEC-IMAGE-NO-DIGEST          # a check ID, or * for every check
          subject: deployment/web/*           # kind/namespace/name (kind/name when cluster-scoped); * matches anything
          reason: digests are pinned by the deploy pipeline
          expires: 2026-06-30                 # optional; an expired exemption no longer applies and is reported
        """;

    /// <summary>The exemptions in a file; a missing default file is no exemptions, a missing named file a user error.</summary>
    public static IReadOnlyList<Exemption> Load(string path, bool explicitlyNamed)
    {
        if (!File.Exists(path))
        {
            if (explicitlyNamed) throw KstackException.User($"Exemptions file not found: {ArgumentText.Cap(path)}");
            return [];
        }
        try { return Parse(File.ReadAllText(path), path); }
        catch (YamlException e) { throw Invalid(path, (int)e.Start.Line, FirstLine(e.Message)); }
        catch (IOException e) { throw KstackException.User($"Exemptions file {ArgumentText.Cap(path)} cannot be read ({e.Message})."); }
    }

    public static IReadOnlyList<Exemption> Parse(string text, string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode root) throw Invalid(path, 1, "the file must be a mapping with an `exemptions:` list");
        if (!root.Children.TryGetValue(new YamlScalarNode("exemptions"), out var listNode)) throw Invalid(path, 1, "no `exemptions:` key");
        if (listNode is YamlScalarNode { Value: null or "" or "~" or "null" }) return [];
        if (listNode is not YamlSequenceNode list) throw Invalid(path, (int)listNode.Start.Line, "`exemptions` must be a list");
        var result = new List<Exemption>();
        foreach (var item in list)
        {
            var line = (int)item.Start.Line;
            if (item is not YamlMappingNode m) throw Invalid(path, line, "each exemption must be a mapping with check, subject and reason");
            string? Get(string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
            foreach (var key in m.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value))
                if (key is not ("check" or "subject" or "reason" or "expires"))
                    throw Invalid(path, line, $"unknown key `{key}` (allowed: check, subject, reason, expires)");
            var check = Get("check") is { Length: > 0 } c ? c : throw Invalid(path, line, "`check` is required (a check ID or *)");
            var subject = Get("subject") is { Length: > 0 } s ? s : throw Invalid(path, line, "`subject` is required (kind/namespace/name, * allowed)");
            var reason = Get("reason") is { Length: > 0 } r ? r : throw Invalid(path, line, "`reason` is required");
            DateTimeOffset? expires = null;
            if (Get("expires") is { Length: > 0 } e)
                expires = DateTimeOffset.TryParse(e, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t : throw Invalid(path, line, $"`expires` is not a date: {e}");
            result.Add(new Exemption(check, subject, reason, expires, line));
        }
        return result;
    }

    private static KstackException Invalid(string path, int line, string why) =>
        KstackException.User($"Exemptions file {ArgumentText.Cap(path)}, line {line}: {why}.\nExpected:\n{Example}");

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
