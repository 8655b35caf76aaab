using Kstack.Cache;

namespace Kstack.Install;

/// <summary>
/// The install's record of itself: manifest/version (one line) and manifest/skills (slot names, one per line,
/// ordinal-sorted). Only slots listed here are ever removed by install or uninstall.
/// </summary>
public sealed class Manifest(string rootPath)
{
    public string Dir { get; } = Path.Combine(rootPath, "manifest");
    public string VersionFile => Path.Combine(Dir, "version");
    public string SkillsFile => Path.Combine(Dir, "skills");

    public bool Exists => Directory.Exists(Dir);

    public string ReadVersion() => File.Exists(VersionFile) ? File.ReadAllText(VersionFile).Trim() : "";

    /// <summary>The recorded slots; entries that are not valid slot names (e.g. `../x`) are ignored, never deleted.</summary>
    public IReadOnlyList<string> ReadSkills() =>
        File.Exists(SkillsFile) ? Normalise(File.ReadAllLines(SkillsFile)).Where(SlotName.IsValid).ToList() : [];

    public void WriteVersion(string version) => AtomicFile.WriteAllText(VersionFile, version.Trim() + "\n");

    public void WriteSkills(IEnumerable<string> slots)
    {
        var lines = Normalise(slots);
        AtomicFile.WriteAllText(SkillsFile, lines.Count == 0 ? "" : string.Join("\n", lines) + "\n");
    }

    /// <summary>Trimmed, non-empty, distinct, ordinal-sorted.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string> slots) =>
        slots.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
