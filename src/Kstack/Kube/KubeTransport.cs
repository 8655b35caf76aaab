using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Kstack.Kube;

/// <summary>
/// An HttpClient for one kubeconfig context: the cluster's CA (or skip-verify), TLS server name, client certificate,
/// HTTP/2 with fallback. Built here rather than through the generated client type, which would pull the whole API
/// surface into the native binary and slow every start.
/// </summary>
public static class KubeTransport
{
    public static (HttpClient Client, Uri BaseUri) Create(KubernetesClientConfiguration config)
    {
        var host = config.Host ?? throw new InvalidOperationException("the context's cluster has no server URL");
        var baseUri = new Uri(host.EndsWith('/') ? host : host + "/");
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip,
            EnableMultipleHttp2Connections = true,
        };
        if (baseUri.Scheme == Uri.UriSchemeHttps)
        {
            var ssl = handler.SslOptions;
            if (!string.IsNullOrEmpty(config.TlsServerName)) ssl.TargetHost = config.TlsServerName;
            if (config.SkipTlsVerify) ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            else if (config.SslCaCerts is { Count: > 0 } ca)
                ssl.RemoteCertificateValidationCallback = (sender, cert, chain, errors) =>
                    Kubernetes.CertificateValidationCallBack(sender, ca, cert!, chain!, errors);
            if (ClientCertificate(config) is { } clientCert) ssl.ClientCertificates = [clientCert];
        }
        config.FirstMessageHandlerSetup?.Invoke(handler);
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (!config.DisableHttp2)
        {
            client.DefaultRequestVersion = HttpVersion.Version20;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
        return (client, baseUri);
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
