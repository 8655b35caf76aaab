namespace Kstack.Sim.Api;

internal enum Representation { Json, Table, PartialMetadata, PartialMetadataList, NotAcceptable }

/// <summary>Content negotiation over the Accept header, in order of the client's preference.</summary>
internal static class Accept
{
    public static Representation Negotiate(string? accept, bool isList)
    {
        if (string.IsNullOrWhiteSpace(accept)) return Representation.Json;
        foreach (var raw in accept.Split(','))
        {
            var parts = raw.Split(';').Select(p => p.Trim()).ToArray();
            var media = parts[0].ToLowerInvariant();
            string? @as = null, g = null, v = null;
            foreach (var p in parts.Skip(1))
            {
                var eq = p.IndexOf('=');
                if (eq < 0) continue;
                var k = p[..eq].Trim();
                var val = p[(eq + 1)..].Trim();
                switch (k) { case "as": @as = val; break; case "g": g = val; break; case "v": v = val; break; }
            }
            if (media is not ("application/json" or "*/*" or "application/*")) continue;
            if (@as == null) return Representation.Json;
            if (g != "meta.k8s.io" || v != "v1") continue;
            switch (@as)
            {
                case "Table": return Representation.Table;
                case "PartialObjectMetadataList" when isList: return Representation.PartialMetadataList;
                case "PartialObjectMetadata" when !isList: return Representation.PartialMetadata;
            }
        }
        return Representation.NotAcceptable;
    }
}
