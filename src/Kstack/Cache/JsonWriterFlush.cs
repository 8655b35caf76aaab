using System.Text.Json;

namespace Kstack.Cache;

internal static class JsonWriterFlush
{
    /// <summary>
    /// A Utf8JsonWriter over a stream keeps everything in memory until flushed: call this inside loops that write
    /// thousands of items (findings files, SARIF, report caches) so memory stays flat in their number.
    /// </summary>
    public static void FlushWhenFull(this Utf8JsonWriter w)
    {
        if (w.BytesPending >= 1 << 16) w.Flush();
    }
}
