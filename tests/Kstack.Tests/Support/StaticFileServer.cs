using System.Net;
using System.Net.Sockets;

namespace Kstack.Tests.Support;

/// <summary>A plain HTTP server on loopback serving a directory (404 for anything else); records the paths asked for.</summary>
public sealed class StaticFileServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly string _root;
    private readonly Task _loop;

    public string BaseUrl { get; }
    public List<string> Requests { get; } = [];

    /// <summary>While set, every answer waits for it (after the request is recorded): a server that does not answer.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public StaticFileServer(string root)
    {
        _root = Path.GetFullPath(root);
        // A free port can be taken by another test between the probe and the bind: try again with a new one.
        for (var attempt = 1; ; attempt++)
        {
            var listener = new HttpListener();
            var url = $"http://127.0.0.1:{FreePort()}";
            listener.Prefixes.Add(url + "/");
            try
            {
                listener.Start();
                (_listener, BaseUrl) = (listener, url);
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var path = Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath).TrimStart('/');
            lock (Requests) Requests.Add("/" + path);
            if (Hold is { } hold) await hold.Task;
            var file = Path.GetFullPath(Path.Combine(_root, path));
            if (file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                ctx.Response.ContentLength64 = bytes.Length;
                await ctx.Response.OutputStream.WriteAsync(bytes);
            }
            else ctx.Response.StatusCode = 404;
            ctx.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Hold?.TrySetResult();
        // The managed listener can report "Address already in use" while unbinding when another test is binding a port
        // at that moment; the test's assertions have run by then, so the teardown error is not the test's.
        try { _listener.Stop(); _listener.Close(); }
        catch (HttpListenerException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
