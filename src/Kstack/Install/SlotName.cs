namespace Kstack.Install;

/// <summary>Agent Skills name rules for a slot (the skill directory and the frontmatter `name`).</summary>
internal static class SlotName
{
    public const int MaxLength = 64;
    public const string DefaultPrefix = "kstack-";

    /// <summary>`^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength) return false;
        if (name[0] == '-' || name[^1] == '-') return false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '-') { if (name[i - 1] == '-') return false; }
            else if (c is not (>= 'a' and <= 'z' or >= '0' and <= '9')) return false;
        }
        return true;
    }

    /// <summary>A prefix is valid when every slot it forms with the given skills is a valid name.</summary>
    public static bool IsValidPrefix(string prefix, IEnumerable<string> skills) =>
        prefix.Length == 0 || skills.All(s => IsValid(prefix + s)) && IsValid(prefix + "x");
}
