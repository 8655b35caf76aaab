using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Kstack.Sim.Store;

/// <summary>
/// An object kept as pre-serialised UTF-8 JSON plus the small index needed for sorting and filtering.
/// Responses copy <see cref="Json"/> straight to the wire; nothing re-serialises per request.
/// </summary>
internal sealed class StoredObject
{
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string Uid { get; init; }
    public required long ResourceVersion { get; init; }
    public required DateTimeOffset CreationTimestamp { get; init; }
    public required byte[] Json { get; init; }
    /// <summary>Offset and length of the <c>metadata</c> object value inside <see cref="Json"/>.</summary>
    public required int MetaStart { get; init; }
    public required int MetaLength { get; init; }
    public KeyValuePair<string, string>[] Labels { get; init; } = [];
    /// <summary>Values for field selectors other than metadata.name/metadata.namespace.</summary>
    public KeyValuePair<string, string>[] Fields { get; init; } = [];

    public ReadOnlySpan<byte> Metadata => Json.AsSpan(MetaStart, MetaLength);

    public string Key => Namespace + "/" + Name;

    public string? Label(string key)
    {
        foreach (var kv in Labels) if (kv.Key == key) return kv.Value;
        return null;
    }

    public string? Field(string key)
    {
        switch (key)
        {
            case "metadata.name": return Name;
            case "metadata.namespace": return Namespace;
        }
        foreach (var kv in Fields) if (kv.Key == key) return kv.Value;
        return null;
    }

    public string JsonText => Encoding.UTF8.GetString(Json);

    public static int CompareKeys(string ns1, string name1, string ns2, string name2)
    {
        var c = string.CompareOrdinal(ns1, ns2);
        return c != 0 ? c : string.CompareOrdinal(name1, name2);
    }

    /// <summary>Field-selector paths indexed per kind, as the real API server supports them.</summary>
    public static readonly Dictionary<string, string[]> IndexedFields = new()
    {
        ["Pod"] = ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName"],
        ["Event"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
            "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        ["Secret"] = ["type"],
        ["Namespace"] = ["status.phase"],
        ["Node"] = ["spec.unschedulable"],
        ["ReplicaSet"] = ["status.replicas"],
        ["Job"] = ["status.successful"],
        ["CertificateSigningRequest"] = ["spec.signerName"],
    };

    /// <summary>Builds a stored object from complete JSON bytes (apiVersion, kind and metadata filled in).</summary>
    public static StoredObject FromJson(byte[] json, string kind)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var meta = root.GetProperty("metadata");
        string ns = meta.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        string name = meta.TryGetProperty("name", out var nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString()! : "";
        string uid = meta.TryGetProperty("uid", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
        long rv = meta.TryGetProperty("resourceVersion", out var r) && r.ValueKind == JsonValueKind.String && long.TryParse(r.GetString(), out var rvv) ? rvv : 0;
        var created = meta.TryGetProperty("creationTimestamp", out var ct) && ct.ValueKind == JsonValueKind.String
                      && DateTimeOffset.TryParse(ct.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var cto)
            ? cto : DateTimeOffset.UnixEpoch;
        var labels = new List<KeyValuePair<string, string>>();
        if (meta.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
            foreach (var p in l.EnumerateObject())
                labels.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
        var fields = new List<KeyValuePair<string, string>>();
        if (IndexedFields.TryGetValue(kind, out var paths))
        {
            foreach (var path in paths)
            {
                var v = Lookup(root, path);
                if (v != null) fields.Add(new(path, v));
            }
        }
        var (ms, ml) = FindMetadata(json);
        return new StoredObject
        {
            Namespace = ns, Name = name, Uid = uid, ResourceVersion = rv, CreationTimestamp = created, Json = json,
            MetaStart = ms, MetaLength = ml, Labels = labels.ToArray(), Fields = fields.ToArray(),
        };
    }

    private static string? Lookup(JsonElement root, string path)
    {
        if (path == "source")
        {
            return root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("component", out var c)
                ? c.GetString() : "";
        }
        var cur = root;
        foreach (var part in path.Split('.'))
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(part, out cur)) return "";
        }
        return cur.ValueKind switch
        {
            JsonValueKind.String => cur.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "",
            _ => cur.GetRawText(),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Start, int Length) FindMetadata(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read(); // StartObject
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var isMeta = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (isMeta)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return (start, (int)reader.BytesConsumed - start);
            }
            reader.Skip();
        }
        throw new InvalidOperationException("object has no metadata");
    }
}
