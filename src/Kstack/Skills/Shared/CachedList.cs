using System.Text.Json;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>Streams the items of a cached List file, one parsed item at a time.</summary>
internal static class CachedList
{
    public static async Task<List<T>> MapAsync<T>(string path, Func<JsonElement, T?> map, CancellationToken ct) where T : class
    {
        var results = new List<T>();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        try
        {
            await ListStreamReader.ReadAsync(file, item =>
            {
                var reader = new Utf8JsonReader(item);
                using var doc = JsonDocument.ParseValue(ref reader);
                if (map(doc.RootElement) is { } value) results.Add(value);
            }, ct);
        }
        catch (JsonException e)
        {
            throw Envelope.KstackException.Infra($"The cached file {path} is corrupt ({Kube.Kubeconfig.FirstLine(e.Message)}). Run again with --refresh.");
        }
        return results;
    }
}
