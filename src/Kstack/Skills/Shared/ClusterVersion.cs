using System.Text.Json;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>The API server's gitVersion from the cached /version read, "unknown" when it was not read.</summary>
internal static class ClusterVersion
{
    public static async Task<string> GitVersionAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
    {
        if (!results.TryGetValue(ListSpec.Version.File, out var read) || read.Value is not { } version) return "unknown";
        var bytes = await File.ReadAllBytesAsync(version.Path, ct);
        JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.Str("gitVersion") is { Length: > 0 } g ? g : "unknown";
    }
}
