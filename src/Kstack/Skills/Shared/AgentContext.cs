using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>The cache files of a snapshot skill by role, the lists that could not be read, and those kept stale.</summary>
internal sealed record CacheFiles(IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Unreadable,
    IReadOnlyDictionary<string, string>? Stale);

/// <summary>Builds the compact JSON carried in agent_context (cache paths, file names, counts): structured metadata only.</summary>
internal static class AgentContext
{
    public static string Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The cache part of a snapshot skill's agent_context: "files" (role → file name, available ones only), "unreadable"
    /// (role → reason) and "stale" (role → why a list was kept from an earlier fetch), null when none is.
    /// </summary>
    public static CacheFiles Cache(IReadOnlyDictionary<string, Read<Snapshot>> results, IReadOnlyDictionary<string, string> roles)
    {
        Dictionary<string, string> files = new(), unreadable = new(), stale = new();
        foreach (var (role, file) in roles)
        {
            if (!results.TryGetValue(file, out var r)) continue;
            if (!r.HasValue) unreadable[role] = Unreadable(r);
            else
            {
                files[role] = file;
                // Kept from an earlier fetch because the refresh was denied: usable, but not current.
                if (!r.Ok) stale[role] = Unreadable(r);
            }
        }
        return new CacheFiles(files, unreadable, stale.Count > 0 ? stale : null);
    }

    /// <summary>"cache_dir", then <see cref="Cache"/>'s three parts, for an agent_context still written with Utf8JsonWriter.</summary>
    public static void WriteCache(Utf8JsonWriter w, string dir, IReadOnlyDictionary<string, Read<Snapshot>> results, IReadOnlyDictionary<string, string> roles)
    {
        var cache = Cache(results, roles);
        w.WriteString("cache_dir", dir);
        Map(w, "files", cache.Files);
        Map(w, "unreadable", cache.Unreadable);
        if (cache.Stale is { } stale) Map(w, "stale", stale);
    }

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map) w.WriteString(k, v);
        w.WriteEndObject();
    }

    /// <summary>
    /// A cluster string that must appear in agent_context (an object reference, a name): bare when it is made of
    /// name characters (letters, digits, . _ : / -) and at most 253 long, otherwise neutralised, redacted, one line,
    /// capped at 120 and quoted, so agent_context never carries raw cluster text.
    /// </summary>
    public static string Identifier(string? value) => DataText.Token(value, 253) is var t && t.Length <= 253 ? t : DataText.Quote(value, 120);

    /// <summary>Why a list could not be read, in the words shown to the user.</summary>
    public static string Unreadable<T>(Read<T> r, string? hint = null) => r.Problem switch
    {
        { Outcome: ReadOutcome.Forbidden } p => p.Reason + hint,
        { } p => p.Reason,
        null => "not fetched",
    };
}
