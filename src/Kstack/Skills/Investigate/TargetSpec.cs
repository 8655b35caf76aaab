using Kstack.Envelope;

namespace Kstack.Skills.Investigate;

/// <summary>
/// What the user asked to investigate: <c>&lt;kind&gt;/&lt;name&gt;</c>, <c>&lt;ns&gt;/&lt;name&gt;</c>,
/// <c>&lt;kind&gt;/&lt;ns&gt;/&lt;name&gt;</c> (the form ambiguity errors list) or a bare name. Kind and namespace may be unknown.
/// </summary>
public sealed record TargetSpec(KindInfo? Kind, string? Namespace, string Name)
{
    public const string Usage = "Usage: /investigate <kind>/<name> | <namespace>/<name> | <name> [-n <namespace>], e.g. pod/checkout-7c9 -n payments.";

    public static TargetSpec Parse(IReadOnlyList<string> words, string? nsFlag)
    {
        var text = Pick(words) ?? throw KstackException.User("Name what to investigate. " + Usage);
        var parts = text.Split('/');
        KindInfo? kind = null;
        string? ns = null;
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2 when KindInfo.Find(parts[0]) is { } k:
                (kind, name) = (k, parts[1]);
                break;
            case 2 when KindInfo.IsOtherKind(parts[0]):
                throw KstackException.User($"/investigate looks at pods and workloads (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet), not {Safe(parts[0])}. Name the workload behind it.");
            case 2:
                (ns, name) = (parts[0], parts[1]);
                break;
            case 3:
                kind = KindInfo.Find(parts[0]) ?? throw KstackException.User($"Unknown kind {Safe(parts[0])}. " + Usage);
                (ns, name) = (parts[1], parts[2]);
                break;
            default:
                throw KstackException.User($"Cannot read target {Safe(text)}. " + Usage);
        }
        if (ns is not null && nsFlag is not null && ns != nsFlag)
            throw KstackException.User($"The target names namespace {Safe(ns)} but --namespace is {Safe(nsFlag)}; give one.");
        ns ??= nsFlag;
        if (!IsName(name)) throw KstackException.User($"{Safe(name)} is not a valid object name. " + Usage);
        if (ns is not null && !IsNamespace(ns)) throw KstackException.User($"{Safe(ns)} is not a valid namespace name.");
        return new TargetSpec(kind, ns, name);
    }

    /// <summary>The word that names the target: one with a '/', else "&lt;kind&gt; &lt;name&gt;", else the first word.</summary>
    private static string? Pick(IReadOnlyList<string> words)
    {
        var list = words.Where(w => w.Length > 0).ToList();
        if (list.Count == 0) return null;
        if (list.FirstOrDefault(w => w.Contains('/')) is { } slashed) return slashed;
        if (list.Count >= 2 && KindInfo.Find(list[0]) is not null) return list[0] + "/" + list[1];
        return list[0];
    }

    /// <summary>DNS subdomain (what object names allow): lower-case alphanumerics, '-' and '.', at most 253.</summary>
    public static bool IsName(string s) =>
        s.Length is > 0 and <= 253 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.')
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);

    public static bool IsNamespace(string s) => s.Length <= 63 && !s.Contains('.') && IsName(s);

    private static string Safe(string s) => DataText.Quote(s, 60);
}
