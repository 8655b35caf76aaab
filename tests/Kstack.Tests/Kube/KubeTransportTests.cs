using System.Net;
using System.Net.Sockets;
using System.Text;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Kube;

/// <summary>The transport against the in-process simulator over real TLS: server-name verification and proxy-url.</summary>
public class KubeTransportTests
{
    private static readonly ApiAction Version = ApiAction.Get("cluster version");

    /// <summary>The simulator's kubeconfig with extra keys under its cluster (and optionally another server URL).</summary>
    private static Kubeconfig Edited(SimCluster sim, string clusterKeys, string? server = null)
    {
        var text = File.ReadAllText(sim.Server.KubeconfigPath);
        if (server is not null) text = text.Replace("server: " + sim.Server.Url, "server: " + server, StringComparison.Ordinal);
        text = text.Replace("  cluster:\n", "  cluster:\n" + clusterKeys, StringComparison.Ordinal);
        var path = Path.Combine(sim.Dir, "edited-kubeconfig");
        File.WriteAllText(path, text);
        return Kubeconfig.Load([path]);
    }

    [Fact]
    public async Task A_tls_server_name_the_certificate_does_not_carry_is_refused()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        using var api = new KubeApi(Edited(sim, "    tls-server-name: evil.example\n"), "sim-admin", TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<KstackException>(() => api.GetAsync("/version", Version, CancellationToken.None));
        Assert.Equal(ErrorKind.Infra, e.Kind);
        Assert.Contains("TLS certificate", e.Message);
        Assert.DoesNotContain(sim.Audit(), a => (string?)a["path"] == "/version");
    }

    [Fact]
    public async Task A_tls_server_name_in_the_certificate_san_is_accepted()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        using var api = new KubeApi(Edited(sim, "    tls-server-name: kubernetes.default.svc\n"), "sim-admin", TimeSpan.FromSeconds(10));
        Assert.True((await api.GetAsync("/version", Version, CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task A_server_host_name_in_the_certificate_san_is_accepted_and_one_outside_it_refused()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        var port = new Uri(sim.Server.Url).Port;
        using (var ok = new KubeApi(Edited(sim, "", $"https://localhost:{port}"), "sim-admin", TimeSpan.FromSeconds(10)))
            Assert.True((await ok.GetAsync("/version", Version, CancellationToken.None)).Ok);

        // The certificate names 127.0.0.1, ::1, localhost and kubernetes.default.svc, not this alias of loopback.
        using var refused = new KubeApi(Edited(sim, "    tls-server-name: 127.0.0.2\n"), "sim-admin", TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<KstackException>(() => refused.GetAsync("/version", Version, CancellationToken.None));
        Assert.Equal(ErrorKind.Infra, e.Kind);
    }

    [Fact]
    public async Task Proxy_url_sends_every_request_through_the_proxy()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        using var proxy = new ConnectProxy();
        using var api = new KubeApi(Edited(sim, $"    proxy-url: http://127.0.0.1:{proxy.Port}\n"), "sim-admin", TimeSpan.FromSeconds(10));
        Assert.True((await api.GetAsync("/version", Version, CancellationToken.None)).Ok);
        Assert.Contains(proxy.Targets, t => t == new Uri(sim.Server.Url).Authority);
    }

    [Fact]
    public async Task An_unreachable_proxy_is_a_failure_not_a_direct_connection()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var api = new KubeApi(Edited(sim, $"    proxy-url: http://127.0.0.1:{port}\n"), "sim-admin", TimeSpan.FromSeconds(5));
        var read = await api.GetAsync("/version", Version, CancellationToken.None);
        Assert.Equal(ReadOutcome.Failed, read.Outcome);
        Assert.Empty(sim.Audit());
    }

    /// <summary>A minimal HTTP CONNECT proxy that records the targets it tunnels to.</summary>
    private sealed class ConnectProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        public List<string> Targets { get; } = [];
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public ConnectProxy()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                    catch (Exception) { return; }
                    _ = Task.Run(() => TunnelAsync(client));
                }
            });
        }

        private async Task TunnelAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) > 0) head.Append((char)one[0]);
            var parts = head.ToString().Split(' ');
            if (parts.Length < 2 || parts[0] != "CONNECT") return;
            lock (Targets) Targets.Add(parts[1]);
            var hostPort = parts[1].Split(':');
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(hostPort[0], int.Parse(hostPort[1], System.Globalization.CultureInfo.InvariantCulture));
            await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
            var up = upstream.GetStream();
            await Task.WhenAny(stream.CopyToAsync(up, _stop.Token), up.CopyToAsync(stream, _stop.Token));
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
