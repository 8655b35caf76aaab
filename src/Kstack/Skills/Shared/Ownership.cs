using System.Text.Json;

namespace Kstack.Skills.Shared;

/// <summary>
/// How kstack marks what it creates in a cluster: the owned-by label and annotation (both, always), the session that
/// made it, and the name prefix of the ephemeral debug containers /exec adds. /exec writes these; /cleanup and
/// `pane stop` read them.
/// </summary>
internal static class Ownership
{
    public const string OwnedByKey = "kstack.kubetail.com/owned-by";
    public const string OwnedByValue = "kstack";
    public const string SessionKey = "kstack.kubetail.com/session";
    /// <summary>Optional: the skill that made the object (else read from the session name, kstack-&lt;skill&gt;-…).</summary>
    public const string SkillKey = "kstack.kubetail.com/skill";
    public const string DebugContainerPrefix = "kstack-debug-";

    public enum Mark { None, Both, LabelOnly, AnnotationOnly }

    /// <summary>Which of kstack's two owned-by marks an object carries (metadata of a full or a metadata-only object).</summary>
    public static Mark Of(JsonElement obj)
    {
        var label = obj.Str("metadata", "labels", OwnedByKey) == OwnedByValue;
        var annotation = obj.Str("metadata", "annotations", OwnedByKey) == OwnedByValue;
        return (label, annotation) switch
        {
            (true, true) => Mark.Both,
            (true, false) => Mark.LabelOnly,
            (false, true) => Mark.AnnotationOnly,
            _ => Mark.None,
        };
    }

    /// <summary>The session an object names (label first, then annotation); null when none.</summary>
    public static string? SessionOf(JsonElement obj) =>
        obj.Str("metadata", "labels", SessionKey) is { Length: > 0 } s ? s : obj.Str("metadata", "annotations", SessionKey) is { Length: > 0 } a ? a : null;

    /// <summary>The skill that made an object: its skill annotation or label, else the session name's kstack-&lt;skill&gt;- part.</summary>
    public static string? SkillOf(JsonElement obj, string? session)
    {
        if (obj.Str("metadata", "annotations", SkillKey) is { Length: > 0 } a) return a;
        if (obj.Str("metadata", "labels", SkillKey) is { Length: > 0 } l) return l;
        if (session is not null && session.StartsWith("kstack-", StringComparison.Ordinal))
        {
            var rest = session["kstack-".Length..];
            var dash = rest.IndexOf('-');
            if (dash > 0) return rest[..dash];
        }
        return null;
    }
}
