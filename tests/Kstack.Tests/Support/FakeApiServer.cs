using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kstack.Tests.Support;

/// <summary>
/// A deliberately misbehaving Kubernetes API server: raw HTTP/1.1 on loopback, one handler per request with the raw
/// socket stream, so a test can stall headers, stall or drip a body, send garbage, loop a continue token or redirect —
/// what the simulator's fault rules cannot express. Writes a kubeconfig (context `fake`, a static token) next to it.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    public delegate Task Handler(Request request, Stream stream, CancellationToken ct);

    public sealed record Request(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Param(string name) =>
            Query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();
    }

    private readonly TcpListener _listener;
    private readonly Handler _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _requests;

    public string Dir { get; }
    public string KubeconfigPath => Path.Combine(Dir, "kubeconfig");
    public string Root => Path.Combine(Dir, "root");
    public Uri Url { get; }
    public int Requests => Volatile.Read(ref _requests);

    public FakeApiServer(Handler handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        Dir = Directory.CreateTempSubdirectory("kstack-fake-api-").FullName;
        File.WriteAllText(KubeconfigPath, Kubeconfig(Url.ToString()));
        _accept = AcceptLoopAsync();
    }

    public static string Kubeconfig(string server, string clusterExtra = "") => $"""
        apiVersion: v1
        kind: Config
        current-context: fake
        clusters:
        - name: fake
          cluster:
            server: {server}
            {clusterExtra}
        users:
        - name: fake-user
          user:
            token: fake-token
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake-user
        """;

    /// <summary>Runs kstack against this server (exit 0, empty stderr, one valid envelope) and measures how long it took.</summary>
    public (SimCluster.Run Run, TimeSpan Elapsed) Kstack(params string[] args) => KstackWith(new Dictionary<string, string?>(), args);

    public (SimCluster.Run Run, TimeSpan Elapsed) KstackWith(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var all = new Dictionary<string, string?> { ["KUBECONFIG"] = KubeconfigPath, ["KSTACK_ROOT"] = Root, ["HOME"] = Dir };
        foreach (var (k, v) in env) all[k] = v;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = SimCluster.KstackIn(all, args);
        return (run, started.Elapsed);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (!_stop.IsCancellationRequested && await ReadRequestAsync(stream, _stop.Token) is { } request)
            {
                Interlocked.Increment(ref _requests);
                await _handler(request, stream, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private static async Task<Request?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0) return null;
            head.Append((char)one[0]);
            if (head.Length > 65536) return null;
        }
        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var target = first[1];
        var q = target.IndexOf('?');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        return new Request(first[0], q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers);
    }

    // ------------------------------------------------------------------ response helpers

    public static async Task WriteAsync(Stream stream, int status, string body, CancellationToken ct, string contentType = "application/json",
        string extraHeaders = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await WriteHeadAsync(stream, status, contentType, bytes.Length, extraHeaders, ct);
        await stream.WriteAsync(bytes, ct);
    }

    public static async Task WriteHeadAsync(Stream stream, int status, string contentType, long? length, string extraHeaders, CancellationToken ct)
    {
        var head = $"HTTP/1.1 {status} Fake\r\nContent-Type: {contentType}\r\n"
                   + (length is { } l ? $"Content-Length: {l}\r\n" : "Transfer-Encoding: chunked\r\n")
                   + extraHeaders + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
    }

    /// <summary>Sends one chunk of a chunked body.</summary>
    public static async Task WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), ct);
        await stream.WriteAsync(data, ct);
        await stream.WriteAsync("\r\n"u8.ToArray(), ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Never answers: the connection stays open until the server stops.</summary>
    public static Task StallAsync(CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);

    public const string Version = """{"major":"1","minor":"31","gitVersion":"v1.31.0-fake","platform":"linux/amd64"}""";

    public static string PodList(string items, string? cont = null, string resourceVersion = "1") =>
        $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"{{resourceVersion}}"{{(cont is null ? "" : $",\"continue\":\"{cont}\"")}}},"items":[{{items}}]}""";

    public static string Pod(string name, string ns = "default") =>
        $$$$"""{"metadata":{"name":"{{{{name}}}}","namespace":"{{{{ns}}}}","uid":"uid-{{{{name}}}}"},"spec":{"nodeName":"n1","containers":[{"name":"app","image":"x"}]},"status":{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}""";

    public static string EmptyList(string kind) => $$"""{"kind":"{{kind}}","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accept; } catch (OperationCanceledException) { }
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
