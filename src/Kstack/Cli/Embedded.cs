using System.Reflection;

namespace Kstack.Cli;

/// <summary>Files embedded from skills/ and schemas/ at build time.</summary>
internal static class Embedded
{
    private static readonly Assembly Assembly = typeof(Embedded).Assembly;

    public static string? ReadText(string logicalName)
    {
        using var s = Assembly.GetManifestResourceStream(logicalName);
        if (s is null) return null;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static string ReadRequired(string logicalName) =>
        ReadText(logicalName) ?? throw Envelope.KstackException.Infra($"Embedded file {logicalName} is missing from this kstack build.");

    public static IEnumerable<string> Names(string prefix) =>
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}
