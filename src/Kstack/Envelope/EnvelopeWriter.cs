using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kstack.Envelope;

/// <summary>Serialises an envelope as one line of JSON with a fixed key order.</summary>
internal static class EnvelopeWriter
{
    /// <summary>An error message longer than this is cut (with "…"): whatever a message quotes, the answer stays small.</summary>
    public const int MaxMessage = 4000;

    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static byte[] ToUtf8(Envelope envelope)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + envelope.Content.Length * 2);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("kstack", Envelope.Protocol);
            if (envelope.Ok)
            {
                w.WriteString("status", "ok");
                w.WriteString("render", envelope.Render == Render.Verbatim ? "verbatim" : "agent");
                w.WriteString("content", TerminalText.Clean(envelope.Content));
                if (!string.IsNullOrEmpty(envelope.AgentContext))
                    w.WriteString("agent_context", TerminalText.ReplaceInvalid(envelope.AgentContext));
            }
            else
            {
                w.WriteString("status", "error");
                w.WriteString("kind", envelope.Kind == ErrorKind.User ? "user" : "infra");
                w.WriteString("message", Cap(TerminalText.Clean(envelope.Message)));
            }
            if (!string.IsNullOrEmpty(envelope.KubeContext))
                w.WriteString("kube_context", TerminalText.ReplaceInvalid(envelope.KubeContext));
            // A notice made only of neutralised characters is dropped: the schema requires a non-empty notice.
            if (!string.IsNullOrEmpty(envelope.Notice) && TerminalText.Clean(envelope.Notice) is { Length: > 0 } notice)
                w.WriteString("notice", notice);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Cap(string message) =>
        message.Length <= MaxMessage ? message
            : message[..(char.IsHighSurrogate(message[MaxMessage - 1]) ? MaxMessage - 1 : MaxMessage)] + "…";

    public static string ToJson(Envelope envelope) => System.Text.Encoding.UTF8.GetString(ToUtf8(envelope));

    /// <summary>Writes the envelope and a newline to the given stream in one write.</summary>
    public static void Write(Stream stdout, Envelope envelope)
    {
        var bytes = ToUtf8(envelope);
        var line = new byte[bytes.Length + 1];
        bytes.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        stdout.Write(line);
        stdout.Flush();
    }
}
