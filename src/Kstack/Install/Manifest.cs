using Kstack.Cache;

namespace Kstack.Install;

/// <summary>
/// The install's record of itself: manifest/version (one line) and manifest/skills (slot names, one per line,
/// ordinal-sorted). Only slots listed here are ever removed by install or uninstall.
/// </summary>
internal sealed class Manifest(string rootPath)
{
    public string Dir { get; } = Path.Combine(rootPath, "manifest");
    public string VersionFile => Path.Combine(Dir, "version");
    public string SkillsFile => Path.Combine(Dir, "skills");
    public string DirsFile => Path.Combine(Dir, "dirs");
    public string CreatedFile => Path.Combine(Dir, "created");
    public string McpFile => Path.Combine(Dir, "mcp");

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

    /// <summary>
    /// The skills directories kstack rendered into (`&lt;agent&gt;\t&lt;absolute dir&gt;` per line; `dir` for --dir), so
    /// pruning and uninstall find slots where they were written even when CODEX_HOME and the like have changed since.
    /// </summary>
    public IReadOnlyList<(string Agent, string Dir)> ReadDirs() =>
        ReadPairs(DirsFile).Where(p => Path.IsPathFullyQualified(p.Value)).ToList();

    public void WriteDirs(IEnumerable<(string Agent, string Dir)> dirs) => WritePairs(DirsFile, dirs);

    /// <summary>MCP client configuration files `install --mcp` wrote kstack's entry into (agent, file).</summary>
    public IReadOnlyList<(string Agent, string File)> ReadMcp() =>
        ReadPairs(McpFile).Where(p => Path.IsPathFullyQualified(p.Value)).ToList();

    public void WriteMcp(IEnumerable<(string Agent, string File)> files) => WritePairs(McpFile, files);

    /// <summary>Directories kstack created (a skills dir and the parents it had to make), removed by uninstall when empty.</summary>
    public IReadOnlyList<string> ReadCreated() =>
        File.Exists(CreatedFile) ? File.ReadAllLines(CreatedFile).Where(l => l.Length > 0 && Path.IsPathFullyQualified(l)).Distinct(StringComparer.Ordinal).ToList() : [];

    public void WriteCreated(IEnumerable<string> dirs)
    {
        var lines = dirs.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        AtomicFile.WriteAllText(CreatedFile, lines.Count == 0 ? "" : string.Join("\n", lines) + "\n");
    }

    private static IEnumerable<(string Agent, string Value)> ReadPairs(string file)
    {
        if (!File.Exists(file)) yield break;
        foreach (var line in File.ReadAllLines(file))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0 && tab < line.Length - 1) yield return (line[..tab], line[(tab + 1)..]);
        }
    }

    private static void WritePairs(string file, IEnumerable<(string Agent, string Value)> pairs)
    {
        var lines = pairs.Select(p => p.Agent + "\t" + p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        AtomicFile.WriteAllText(file, lines.Count == 0 ? "" : string.Join("\n", lines) + "\n");
    }

    /// <summary>Trimmed, non-empty, distinct, ordinal-sorted.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string> slots) =>
        slots.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
