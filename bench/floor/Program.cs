using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// kstack-floor URL TOKEN CA_FILE PATH[@meta]...
// Downloads every page (limit=500, following continue) of each path over one shared HTTP/2 keep-alive client, the
// paths concurrently as kstack reads them; bodies are read into a reused buffer and only the continue token is looked
// for, in the page head (the API server writes metadata before items). Nothing is parsed or written.
if (args.Length < 4) { Console.Error.WriteLine("usage: kstack-floor URL TOKEN CA_FILE PATH[@meta]..."); return 2; }
var (url, token, ca) = (args[0].TrimEnd('/'), args[1], X509CertificateLoader.LoadCertificateFromFile(args[2]));
const string MetaAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

var handler = new SocketsHttpHandler
{
    EnableMultipleHttp2Connections = true,
    SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && Trusted(cert, ca) },
};
using var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
http.DefaultRequestHeaders.Authorization = new("Bearer", token);

long bytes = 0;
await Task.WhenAll(args.Skip(3).Select(async spec =>
{
    var meta = spec.EndsWith("@meta", StringComparison.Ordinal);
    var path = meta ? spec[..^5] : spec;
    var buffer = new byte[1 << 16];
    string? cont = null;
    do
    {
        var list = !path.StartsWith("/version", StringComparison.Ordinal);
        var uri = url + path + (list ? "?limit=500" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont)) : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (meta) request.Headers.TryAddWithoutValidation("Accept", MetaAccept);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        int n, head = 0;
        long total = 0;
        cont = null;
        while ((n = await body.ReadAsync(buffer.AsMemory(head))) > 0)
        {
            total += n;
            if (head < 1024 && (head += n) >= 1024 && list) cont = ContinueIn(buffer.AsSpan(0, head));
            if (head >= 1024) head = 1024;
        }
        if (head < 1024 && list) cont = ContinueIn(buffer.AsSpan(0, head));
        Interlocked.Add(ref bytes, total);
    } while (cont is not null);
}));
Console.Error.WriteLine($"{bytes} bytes");
return 0;

static bool Trusted(X509Certificate cert, X509Certificate2 ca)
{
    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.Add(ca);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    return chain.Build(new X509Certificate2(cert));
}

static string? ContinueIn(ReadOnlySpan<byte> head)
{
    var key = "\"continue\":\""u8;
    var at = head[..Math.Min(head.Length, 1024)].IndexOf(key);
    if (at < 0) return null;
    var rest = head[(at + key.Length)..];
    var end = rest.IndexOf((byte)'"');
    return end <= 0 ? null : Encoding.UTF8.GetString(rest[..end]);
}
