using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>
/// An HttpClient for one kubeconfig context: the cluster's CA (or skip-verify) with the server name verified as client-go
/// does (tls-server-name, else the server's host), client certificate, proxy-url, HTTP/2 with fallback, no redirects.
/// Built here rather than through the generated client type, which would pull the whole API surface into the native
/// binary and slow every start.
/// </summary>
internal static class KubeTransport
{
    /// <summary>Proxy schemes client-go accepts in proxy-url.</summary>
    public static readonly IReadOnlyList<string> ProxySchemes = ["http", "https", "socks5"];

    public static (HttpClient Client, Uri BaseUri, k8s.Authentication.ServiceClientCredentials? Credentials) Connect(Kubeconfig kubeconfig, string context)
    {
        var server = kubeconfig.ServerOf(context);
        if (server is not null) CheckServer(server, context);
        var proxy = kubeconfig.ProxyUrlOf(context) is { } p ? ProxyFor(p, context) : null;
        KubernetesClientConfiguration config;
        try
        {
            ExecPlugin.Apply(kubeconfig, context);
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig.Merged, context);
            config.TokenProvider = null;
            var (client, baseUri) = Create(config, proxy);
            return (client, baseUri, Kubernetes.CreateCredentials(config));
        }
        catch (Exception e) when (e is not OutOfMemoryException and not KstackException)
        {
            throw KstackException.User($"Unable to use context `{context}` from kubeconfig: {TerminalText.Clean(Kubeconfig.FirstLine(e.Message))}");
        }
    }

    /// <summary>kstack speaks https (and plain http, as kubectl does); anything else is a user error naming the setting.</summary>
    private static void CheckServer(string server, string context)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            var scheme = Uri.TryCreate(server, UriKind.Absolute, out var u) ? $"`{u.Scheme}://`" : "no valid URL";
            throw KstackException.User($"The cluster of context `{context}` has `server: {TerminalText.Clean(Kubeconfig.FirstLine(server))}` with {scheme}; "
                                       + "kstack connects only to https:// (or http://) API server URLs.");
        }
    }

    private static WebProxy ProxyFor(string proxyUrl, string context)
    {
        if (!Uri.TryCreate(proxyUrl, UriKind.Absolute, out var uri) || !ProxySchemes.Contains(uri.Scheme) || uri.Host.Length == 0)
            throw KstackException.User($"The cluster of context `{context}` has `proxy-url: {TerminalText.Clean(Kubeconfig.FirstLine(proxyUrl))}`, which kstack cannot use: "
                                       + $"it must be an {string.Join(", ", ProxySchemes.Select(s => s + "://"))} URL, as for kubectl.");
        var proxy = new WebProxy(new UriBuilder(uri) { UserName = "", Password = "" }.Uri) { BypassProxyOnLocal = false };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }
        return proxy;
    }

    public static (HttpClient Client, Uri BaseUri) Create(KubernetesClientConfiguration config, IWebProxy? proxy = null)
    {
        var host = config.Host ?? throw new InvalidOperationException("the context's cluster has no server URL");
        var baseUri = new Uri(host.EndsWith('/') ? host : host + "/");
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip,
            EnableMultipleHttp2Connections = true,
            // Credentials and requests go only where the kubeconfig says: a 3xx is answered as an error by KubeApi.
            AllowAutoRedirect = false,
        };
        if (proxy is not null)
        {
            handler.Proxy = proxy;
            handler.UseProxy = true;
        }
        if (baseUri.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = handler.SslOptions;
            if (!string.IsNullOrEmpty(config.TlsServerName)) ssl.TargetHost = config.TlsServerName;
            if (config.SkipTlsVerify) ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            else if (config.SslCaCerts is { Count: > 0 } ca)
                ssl.RemoteCertificateValidationCallback = (_, cert, chain, errors) => IsTrusted(ca, cert, chain, errors);
            if (ClientCertificate(config) is { } clientCert) ssl.ClientCertificates = [clientCert];
        }
        config.FirstMessageHandlerSetup?.Invoke(handler);
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        // The TLS server name is taken from the Host header, so tls-server-name is what SNI sends and what the certificate must name.
        if (!string.IsNullOrEmpty(config.TlsServerName))
            client.DefaultRequestHeaders.Host = baseUri.IsDefaultPort ? config.TlsServerName : $"{config.TlsServerName}:{baseUri.Port}";
        if (!config.DisableHttp2)
        {
            client.DefaultRequestVersion = HttpVersion.Version20;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
        return (client, baseUri);
    }

    /// <summary>
    /// client-go's rule with a kubeconfig CA: the chain must end at one of the kubeconfig's CAs (system roots do not
    /// count) and the certificate must name the server (tls-server-name when set). A name mismatch is never forgiven.
    /// </summary>
    public static bool IsTrusted(X509Certificate2Collection ca, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        if (presented is not null)
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        string? certPem = null, keyPem = null;
        if (!string.IsNullOrEmpty(config.ClientCertificateData)) certPem = Base64Text(config.ClientCertificateData);
        else if (!string.IsNullOrEmpty(config.ClientCertificateFilePath)) certPem = File.ReadAllText(config.ClientCertificateFilePath);
        if (!string.IsNullOrEmpty(config.ClientCertificateKeyData)) keyPem = Base64Text(config.ClientCertificateKeyData);
        else if (!string.IsNullOrEmpty(config.ClientKeyFilePath)) keyPem = File.ReadAllText(config.ClientKeyFilePath);
        return certPem is null || keyPem is null ? null : X509Certificate2.CreateFromPem(certPem, keyPem);
    }

    private static string Base64Text(string value) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value));
}
