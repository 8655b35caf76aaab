using System.Text.Json;
using Kstack.Cache;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>
/// Caches a skill's computed report beside the lists it came from, stamped with each input file's length and write
/// time. A cache hit then costs a few kilobytes of JSON instead of re-reading megabytes of lists.
/// </summary>
internal static class ReportCache
{
    /// <summary>Stamps the inputs before they are read, so a report is never stamped newer than the data it saw.</summary>
    public static IReadOnlyList<(string Name, string Stamp)> Stamp(IReadOnlyDictionary<string, Read<Snapshot>> inputs) => Stamps(inputs).ToList();

    /// <summary>The cached report element when every stamp matches; the caller disposes the document.</summary>
    public static JsonDocument? TryLoad(string path, IReadOnlyList<(string Name, string Stamp)> stamps)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.TryGetProperty("inputs", out var saved) && saved.ValueKind == JsonValueKind.Object
                && stamps.All(s => saved.TryGetProperty(s.Name, out var v) && v.GetString() == s.Stamp)
                && saved.EnumerateObject().Count() == stamps.Count
                && doc.RootElement.TryGetProperty("report", out _))
                return doc;
            doc.Dispose();
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException) { }
        return null;
    }

    public static Task SaveAsync(string path, IReadOnlyList<(string Name, string Stamp)> stamps, Action<Utf8JsonWriter> writeReport) =>
        AtomicFile.WriteAsync(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream);
            w.WriteStartObject();
            w.WriteStartObject("inputs");
            foreach (var (name, stamp) in stamps) w.WriteString(name, stamp);
            w.WriteEndObject();
            w.WritePropertyName("report");
            writeReport(w);
            w.WriteEndObject();
            w.Flush();
            return Task.CompletedTask;
        });

    /// <summary>One stamp per input: "absent:&lt;outcome&gt;" or "&lt;length&gt;:&lt;write ticks&gt;".</summary>
    private static IEnumerable<(string Name, string Stamp)> Stamps(IReadOnlyDictionary<string, Read<Snapshot>> inputs) =>
        inputs.Select(pair =>
        {
            var r = pair.Value;
            var info = r.Value is { } s ? new FileInfo(s.Path) : null;
            return (pair.Key, info is { Exists: true } ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "absent:" + r.Outcome switch
            {
                ReadOutcome.Forbidden => "forbidden",
                ReadOutcome.NotFound => "not-served",
                _ => "missing",
            });
        }).OrderBy(s => s.Item1, StringComparer.Ordinal);
}
