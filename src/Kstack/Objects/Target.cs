using Kstack.Envelope;

namespace Kstack.Objects;

/// <summary>What a skill accepts as a target: the kinds (in bare-name search order) and whether a label selector may stand for pods.</summary>
internal sealed record TargetRules(string Skill, IReadOnlyList<KindInfo> Kinds, bool Selectors, string Usage)
{
    /// <summary>"pod, deployment, statefulset …": the accepted kinds as the user types them.</summary>
    public string KindList => string.Join(", ", Kinds.Select(k => k.Kind.ToLowerInvariant()));
}

/// <summary>
/// A target as the user wrote it, in the one grammar every skill shares:
/// <c>kind/name</c>, <c>kind/namespace/name</c>, <c>namespace/name</c>, a bare <c>name</c> (searched across the
/// namespaces the account may list unless <c>-n</c> is given), or a label selector (<c>app=web</c>) where the skill
/// takes several pods. Kind and namespace may be unknown until <see cref="TargetResolver"/> looks.
/// </summary>
internal sealed record Target(KindInfo? Kind, string? Namespace, string Name, string? Selector = null, string? KindWord = null, bool NamespaceTyped = false)
{
    /// <summary>
    /// Parses the target among a skill's free words. <paramref name="kinds"/> decides whether a first segment is a kind;
    /// a first segment it does not know is a namespace in <c>a/b</c> (<see cref="NamespaceTyped"/>; the resolver asks
    /// discovery whether it was a custom kind when nothing matches) and a kind to discover in <c>a/b/c</c> (<see cref="KindWord"/>).
    /// </summary>
    public static Target Parse(IReadOnlyList<string> words, string? nsFlag, TargetRules rules, KindTable? kinds = null)
    {
        kinds ??= KindTable.Builtin;
        var text = Pick(words, rules, kinds) ?? throw KstackException.User($"Name a target for /{rules.Skill}. {rules.Usage}");
        if (LabelSelector.LooksLike(text))
        {
            if (!rules.Selectors) throw KstackException.User($"/{rules.Skill} takes one object, not a label selector ({Safe(text)}). {rules.Usage}");
            return new Target(null, nsFlag, "", LabelSelector.Validate(text));
        }
        var parts = text.Split('/');
        KindInfo? kind = null;
        string? ns = null, kindWord = null;
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2 when kinds.Find(parts[0]) is { } k:
                (kind, name) = (k, parts[1]);
                break;
            case 2 when parts[0].Contains('.') || parts[0].Any(char.IsAsciiLetterUpper):
                // Not a namespace name, so a kind the built-in table does not know: deployments.apps, Widget, widgets.example.com.
                (kindWord, name) = (parts[0], parts[1]);
                break;
            case 2:
                (ns, name) = (parts[0], parts[1]);
                break;
            case 3:
                kind = kinds.Find(parts[0]);
                kindWord = kind is null ? parts[0] : null;
                (ns, name) = (parts[1], parts[2]);
                break;
            default:
                throw KstackException.User($"Cannot read target {Safe(text)}. {rules.Usage}");
        }
        if (kind is not null) Accept(kind, parts[0], rules);
        if (kind is { Namespaced: false } && parts.Length == 3)
            throw KstackException.User($"{kind.Kind} is cluster-scoped: name it as {kind.Kind.ToLowerInvariant()}/<name>, without a namespace.");
        if (ns is not null && nsFlag is not null && ns != nsFlag)
            throw KstackException.User($"The target names namespace {Safe(ns)} but --namespace is {Safe(nsFlag)}; give one.");
        if (kind is not { Namespaced: false }) ns ??= nsFlag;
        if (!IsName(name)) throw KstackException.User($"{Safe(name)} is not a valid object name. {rules.Usage}");
        if (ns is not null && !IsNamespace(ns)) throw KstackException.User($"{Safe(ns)} is not a valid namespace name. {rules.Usage}");
        if (kindWord is not null && !IsName(kindWord.ToLowerInvariant())) throw KstackException.User($"Unknown kind {Safe(kindWord)}. {rules.Usage}");
        return new Target(kind, ns, name, null, kindWord, NamespaceTyped: parts.Length == 2 && kind is null && kindWord is null);
    }

    /// <summary>A user error unless the skill takes this kind.</summary>
    public static void Accept(KindInfo kind, string typed, TargetRules rules)
    {
        if (!rules.Kinds.Contains(kind))
            throw KstackException.User($"/{rules.Skill} takes {rules.KindList}, not {Safe(typed)} ({kind.Kind}). {rules.Usage}");
    }

    /// <summary>
    /// The words that name the target: the whole text when it is a selector with spaces (<c>env in (a, b)</c>),
    /// else a word with '/', else "&lt;kind&gt; &lt;name&gt;", else the first word that is not a bare kind.
    /// </summary>
    private static string? Pick(IReadOnlyList<string> words, TargetRules rules, KindTable kinds)
    {
        var list = words.Select(w => w.Trim()).Where(w => w.Length > 0).ToList();
        if (list.Count == 0) return null;
        var joined = string.Join(' ', list);
        if (rules.Selectors && (joined.Contains(" in ", StringComparison.Ordinal) || joined.Contains(" notin ", StringComparison.Ordinal))) return joined;
        if (rules.Selectors && list.FirstOrDefault(LabelSelector.LooksLike) is { } selector) return selector;
        if (list.FirstOrDefault(w => w.Contains('/')) is { } slashed) return slashed;
        if (list.Count >= 2 && kinds.Find(list[0]) is not null) return list[0] + "/" + list[1];
        return list[0];
    }

    /// <summary>DNS subdomain (what object names allow): lower-case alphanumerics, '-' and '.', at most 253.</summary>
    public static bool IsName(string s) =>
        s.Length is > 0 and <= 253 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.')
        && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);

    /// <summary>DNS label: what namespace names allow.</summary>
    public static bool IsNamespace(string s) => s.Length <= 63 && !s.Contains('.') && IsName(s);

    private static string Safe(string s) => DataText.Quote(s, 60);
}
