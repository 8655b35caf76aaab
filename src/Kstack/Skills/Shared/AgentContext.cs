using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

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

    /// <summary>"cache_dir", "files" (role → file name, available ones only) and "unreadable" (role → reason).</summary>
    public static void WriteCache(Utf8JsonWriter w, string dir, IReadOnlyDictionary<string, Read<Snapshot>> results, IReadOnlyDictionary<string, string> roles)
    {
        w.WriteString("cache_dir", dir);
        w.WriteStartObject("files");
        foreach (var (role, file) in roles)
            if (results.TryGetValue(file, out var r) && r.HasValue) w.WriteString(role, file);
        w.WriteEndObject();
        w.WriteStartObject("unreadable");
        foreach (var (role, file) in roles)
            if (results.TryGetValue(file, out var r) && !r.HasValue) w.WriteString(role, Unreadable(r));
        w.WriteEndObject();
        if (roles.Any(p => results.TryGetValue(p.Value, out var r) && r is { HasValue: true, Ok: false }))
        {
            // Kept from an earlier fetch because the refresh was denied: usable, but not current.
            w.WriteStartObject("stale");
            foreach (var (role, file) in roles)
                if (results.TryGetValue(file, out var r) && r is { HasValue: true, Ok: false }) w.WriteString(role, Unreadable(r));
            w.WriteEndObject();
        }
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
