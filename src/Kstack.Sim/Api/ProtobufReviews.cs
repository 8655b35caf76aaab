using System.Text;
using System.Text.Json.Nodes;

namespace Kstack.Sim.Api;

/// <summary>
/// Kubernetes' protobuf encoding for the access reviews only (client-go clients such as kubernetes-mcp-server send
/// SelfSubjectAccessReviews as `application/vnd.kubernetes.protobuf`): the `k8s\0` envelope (runtime.Unknown with its
/// raw object) decoded into the JSON shape the review handler reads. Field numbers from k8s.io/api authorization/v1.
/// </summary>
internal static class ProtobufReviews
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>The review as JSON, or null when the body is not a protobuf access review.</summary>
    public static JsonObject? Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic)) return null;
        string kind = "", apiVersion = "";
        ReadOnlySpan<byte> raw = default;
        var unknown = new Reader(body[Magic.Length..]);
        while (unknown.Next(out var field, out var value))
        {
            if (field == 1)
            {
                var typeMeta = new Reader(value);
                while (typeMeta.Next(out var f, out var v))
                    if (f == 1) apiVersion = Encoding.UTF8.GetString(v);
                    else if (f == 2) kind = Encoding.UTF8.GetString(v);
            }
            else if (field == 2) raw = value;
        }
        if (kind is not ("SelfSubjectAccessReview" or "SubjectAccessReview" or "LocalSubjectAccessReview")) return null;
        var spec = new JsonObject();
        var review = new Reader(raw);
        while (review.Next(out var field, out var value))
        {
            if (field != 2) continue;
            var s = new Reader(value);
            while (s.Next(out var f, out var v))
            {
                switch (f)
                {
                    case 1: spec["resourceAttributes"] = Attributes(v, ["namespace", "verb", "group", "version", "resource", "subresource", "name"]); break;
                    case 2: spec["nonResourceAttributes"] = Attributes(v, ["path", "verb"]); break;
                    case 3: spec["user"] = Encoding.UTF8.GetString(v); break;
                    case 4: ((spec["groups"] ??= new JsonArray()) as JsonArray)!.Add(Encoding.UTF8.GetString(v)); break;
                }
            }
        }
        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["spec"] = spec };
    }

    private static JsonObject Attributes(ReadOnlySpan<byte> message, string[] names)
    {
        var o = new JsonObject();
        var r = new Reader(message);
        while (r.Next(out var f, out var v))
            if (f >= 1 && f <= names.Length) o[names[f - 1]] = Encoding.UTF8.GetString(v);
        return o;
    }

    /// <summary>Protobuf wire format: yields length-delimited fields, skips varint and fixed ones.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public bool Next(out int field, out ReadOnlySpan<byte> value)
        {
            value = default;
            field = 0;
            while (!_data.IsEmpty)
            {
                var key = Varint();
                field = (int)(key >> 3);
                switch (key & 7)
                {
                    case 0: Varint(); continue;
                    case 1: Skip(8); continue;
                    case 5: Skip(4); continue;
                    case 2:
                        var length = (int)Varint();
                        if (length < 0 || length > _data.Length) throw new FormatException("protobuf field longer than the body");
                        value = _data[..length];
                        _data = _data[length..];
                        return true;
                    default: throw new FormatException("unsupported protobuf wire type");
                }
            }
            return false;
        }

        private void Skip(int n)
        {
            if (n > _data.Length) throw new FormatException("truncated protobuf field");
            _data = _data[n..];
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_data.IsEmpty) throw new FormatException("truncated protobuf varint");
                var b = _data[0];
                _data = _data[1..];
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return result;
            }
            throw new FormatException("protobuf varint too long");
        }
    }
}
