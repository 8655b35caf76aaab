using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

/// <summary>
/// Writes one response body: counts bytes for the audit log, flushes in chunks so large lists stream with bounded memory,
/// and implements the "truncate after N bytes" and "stall after N bytes" faults.
/// </summary>
internal sealed class Responder : IBufferWriter<byte>
{
    private const int FlushThreshold = 128 * 1024;
    private readonly HttpContext _ctx;
    private readonly PipeWriter _pipe;
    private readonly ArrayBufferWriter<byte>? _held;
    private int _unflushed;
    private bool _started;

    private readonly bool _stall;

    /// <param name="stall">After <paramref name="truncateAfter"/> bytes, send nothing more until the client gives up.</param>
    public Responder(HttpContext ctx, long? truncateAfter, bool stall = false)
    {
        _ctx = ctx;
        _stall = stall;
        _pipe = ctx.Response.BodyWriter;
        TruncateAfter = truncateAfter;
        if (truncateAfter != null) _held = new ArrayBufferWriter<byte>();
    }

    public long Bytes { get; private set; }
    public long? TruncateAfter { get; }
    public bool Aborted { get; private set; }

    private IBufferWriter<byte> Target => _held != null ? _held : _pipe;

    public void Advance(int count)
    {
        Target.Advance(count);
        Bytes += count;
        _unflushed += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Target.GetMemory(sizeHint);
    public Span<byte> GetSpan(int sizeHint = 0) => Target.GetSpan(sizeHint);

    public void Write(ReadOnlySpan<byte> data)
    {
        var span = GetSpan(data.Length);
        data.CopyTo(span);
        Advance(data.Length);
    }

    public void Write(string s) => Write(Encoding.UTF8.GetBytes(s));

    public void Start(int status, string contentType)
    {
        if (_started) return;
        _started = true;
        _ctx.Response.StatusCode = status;
        _ctx.Response.ContentType = contentType;
    }

    /// <summary>Flushes to the network when enough bytes are pending (or always when <paramref name="force"/>).</summary>
    public async ValueTask FlushAsync(Utf8JsonWriter? json = null, bool force = false, CancellationToken ct = default)
    {
        json?.Flush();
        if (_held != null || (!force && _unflushed < FlushThreshold)) return;
        _unflushed = 0;
        await _pipe.FlushAsync(ct);
    }

    public async Task CompleteAsync()
    {
        // An upgraded connection (exec/attach WebSocket) has no response body left to complete.
        if (_ctx.Response.StatusCode == StatusCodes.Status101SwitchingProtocols) return;
        if (_held != null)
        {
            var n = (int)Math.Min(_held.WrittenCount, TruncateAfter!.Value);
            Bytes = n;
            if (n < _held.WrittenCount) _ctx.Response.Headers.ContentLength = _held.WrittenCount;
            await _pipe.WriteAsync(_held.WrittenMemory[..n]);
            await _pipe.FlushAsync();
            if (n < _held.WrittenCount && _stall)
            {
                try { await Task.Delay(Timeout.Infinite, _ctx.RequestAborted); }
                catch (OperationCanceledException) { }
                Aborted = true;
            }
            else if (n < _held.WrittenCount)
            {
                Aborted = true;
                _ctx.Abort();
            }
            return;
        }
        await _pipe.FlushAsync();
    }

    public Utf8JsonWriter Json() => new(this, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
