using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kstack.Sim.Audit;

/// <summary>
/// One JSON line per request: time, user, verb, method, path, query, accept, status, bytes, durationMs; for a DELETE also
/// the UID of the object it addressed (uid) and the UID its precondition named (preconditionUid), when there were any.
/// </summary>
internal sealed class AuditLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly object _lock = new();

    public AuditLog(string? path)
    {
        if (path == null) return;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public void Write(DateTimeOffset time, string user, string verb, string method, string path, string query, string accept, int status, long bytes, double durationMs,
        string? uid = null, string? preconditionUid = null)
    {
        if (_writer == null) return;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));
            w.WriteString("user", user);
            w.WriteString("verb", verb);
            w.WriteString("method", method);
            w.WriteString("path", path);
            w.WriteString("query", query);
            w.WriteString("accept", accept);
            w.WriteNumber("status", status);
            w.WriteNumber("bytes", bytes);
            w.WriteNumber("durationMs", Math.Round(durationMs, 3));
            if (uid is not null) w.WriteString("uid", uid);
            if (preconditionUid is not null) w.WriteString("preconditionUid", preconditionUid);
            w.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(ms.ToArray());
        lock (_lock) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_lock) _writer?.Dispose();
    }
}
