using System.Reflection;

namespace Kstack.Sim.Scenarios;

/// <summary>A scenario's files, from a directory on disk or from the resources embedded in this assembly.</summary>
internal sealed class ScenarioSource
{
    private const string ResourcePrefix = "scenarios/";

    private ScenarioSource(string name, IReadOnlyList<(string RelativePath, Func<string> Read)> files)
    {
        Name = name;
        Files = files;
    }

    public string Name { get; }

    /// <summary>Files by path relative to the scenario root, with '/' separators, sorted ordinally.</summary>
    public IReadOnlyList<(string RelativePath, Func<string> Read)> Files { get; }

    /// <summary>Names of the scenarios embedded in the assembly.</summary>
    public static IReadOnlyList<string> BuiltinNames() =>
        typeof(ScenarioSource).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.IndexOf('/', ResourcePrefix.Length) > 0)
            .Select(n => n[ResourcePrefix.Length..n.IndexOf('/', ResourcePrefix.Length)])
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Resolves a directory path, or else the name of a built-in scenario.</summary>
    public static ScenarioSource Resolve(string spec)
    {
        if (Directory.Exists(spec))
        {
            var root = Path.GetFullPath(spec);
            var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => (Rel: Path.GetRelativePath(root, f).Replace('\\', '/'), Full: f))
                .OrderBy(f => f.Rel, StringComparer.Ordinal)
                .Select(f => (f.Rel, (Func<string>)(() => File.ReadAllText(f.Full))))
                .ToList();
            return new ScenarioSource(root, files);
        }
        var asm = typeof(ScenarioSource).Assembly;
        var prefix = ResourcePrefix + spec.TrimEnd('/') + "/";
        var names = asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0 || spec.Contains('/') || spec.Contains('\\'))
        {
            var builtin = BuiltinNames();
            throw new ScenarioException(spec, null,
                $"no such scenario directory, and no built-in scenario of that name (built-in: {(builtin.Count == 0 ? "none" : string.Join(", ", builtin))})");
        }
        return new ScenarioSource("builtin:" + spec, names.Select(n => (n[prefix.Length..], (Func<string>)(() => ReadResource(asm, n)))).ToList());
    }

    private static string ReadResource(Assembly asm, string name)
    {
        using var s = asm.GetManifestResourceStream(name)!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}

/// <summary>A scenario that cannot be loaded: names the file, the document index and the reason.</summary>
internal sealed class ScenarioException(string file, int? document, string reason)
    : Exception(document is { } d ? $"{file}: document {d}: {reason}" : $"{file}: {reason}")
{
    public string File { get; } = file;
    public int? Document { get; } = document;
    public string Reason { get; } = reason;
}
