namespace Kstack.Commands;

/// <summary>
/// The skills this build implements, filled by each skill's module initializer (<see cref="Register"/>). A skill is
/// installed, parsed, helped and exposed only when it is registered here.
/// </summary>
internal static class SkillCatalogue
{
    private static readonly Dictionary<string, SkillDescriptor> Skills = new(StringComparer.Ordinal);

    /// <summary>Called from a `[ModuleInitializer]` in the skill's folder; a repeated name is a programming error.</summary>
    public static void Register(SkillDescriptor skill)
    {
        if (skill.Examples.Count < 2) throw new InvalidOperationException($"Skill {skill.Name} needs at least two --help examples.");
        if (!Skills.TryAdd(skill.Name, skill)) throw new InvalidOperationException($"Skill {skill.Name} is registered twice.");
    }

    public static IEnumerable<string> Names => Skills.Keys.Order(StringComparer.Ordinal);

    public static IEnumerable<SkillDescriptor> All => Names.Select(n => Skills[n]);

    public static SkillDescriptor? Find(string name) => Skills.GetValueOrDefault(name);

    public static SkillCommand? Create(string name) => Find(name)?.Create();

    /// <summary>The skill a slot directory name refers to: the longest catalogue name the slot ends with.</summary>
    public static string? SkillForSlot(string slot) =>
        Skills.Keys.Where(n => slot == n || slot.EndsWith("-" + n, StringComparison.Ordinal) || slot.EndsWith(n, StringComparison.Ordinal))
            .OrderByDescending(n => n.Length).FirstOrDefault();
}
