using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Kstack.Sim.Tests;

/// <summary>Helpers shared by the tests: fixture paths, a CA-verifying HttpClient and a kubectl runner.</summary>
internal static class TestSupport
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static Task<SimServer> StartBasic(string? audit = null, string? faults = null, int generate = 0) =>
        SimServer.StartAsync(new SimOptions { Scenarios = [Fixture("basic")], AuditLogPath = audit, FaultsPath = faults, GeneratePods = generate });

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "kstack-sim-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A temporary scenario directory holding one file.</summary>
    public static string TempDirWith(string file, string text)
    {
        var d = TempDir();
        File.WriteAllText(Path.Combine(d, file), text);
        return d;
    }

    /// <summary>An HttpClient that trusts only the server's generated CA (full chain and hostname validation).</summary>
    public static HttpClient Client(SimServer server, string? token = null)
    {
        var ca = X509Certificate2.CreateFromPem(server.CaPem);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert == null) return false;
                    if ((errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(server.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? server.AdminToken);
        return client;
    }

    public static async Task<JsonElement> GetJson(HttpClient client, string path, string? accept = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept != null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var resp = await client.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Xunit.Assert.True(resp.IsSuccessStatusCode, $"{path}: {(int)resp.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs real kubectl against the server's kubeconfig with an isolated HOME.</summary>
    public static async Task<ProcessResult> Kubectl(SimServer server, params string[] args)
    {
        var home = TempDir();
        try
        {
            var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("--kubeconfig");
            psi.ArgumentList.Add(server.KubeconfigPath);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["HOME"] = home;
            psi.Environment.Remove("KUBECONFIG");
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(cts.Token);
            return new ProcessResult(p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }
}

/// <summary>One server on the basic fixture, shared by read-only tests.</summary>
public sealed class BasicServerFixture : Xunit.IAsyncLifetime
{
    internal SimServer Server { get; private set; } = null!;
    public string AuditPath { get; } = Path.Combine(TestSupport.TempDir(), "audit.jsonl");

    public async Task InitializeAsync() => Server = await TestSupport.StartBasic(audit: AuditPath);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[Xunit.CollectionDefinition("basic")]
public sealed class BasicCollection : Xunit.ICollectionFixture<BasicServerFixture>;
