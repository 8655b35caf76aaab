using System.Globalization;
using System.Text.Json;
using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>A Prometheus reached through the API server's service proxy: &lt;namespace&gt;/&lt;service&gt;:&lt;port&gt;.</summary>
internal sealed record PrometheusTarget(string Namespace, string Service, int Port)
{
    public override string ToString() => $"{Namespace}/{Service}:{Port}";

    /// <summary>The proxy path prefix; the service is addressed as name:port, so RBAC sees services/proxy.</summary>
    public string ProxyPath(string api) =>
        $"/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/services/{Uri.EscapeDataString(Service)}:{Port.ToString(CultureInfo.InvariantCulture)}/proxy/api/v1/{api}";

    public static PrometheusTarget? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var slash = text.IndexOf('/');
        var colon = text.LastIndexOf(':');
        if (slash <= 0 || colon < slash + 2 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535) return null;
        var ns = text[..slash];
        var svc = text[(slash + 1)..colon];
        return IsDnsLabel(ns) && IsDnsLabel(svc) ? new PrometheusTarget(ns, svc, port) : null;
    }

    private static bool IsDnsLabel(string s) =>
        s.Length is > 0 and <= 63 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s[0] != '-' && s[^1] != '-';
}

/// <summary>What a Service offers for Prometheus detection.</summary>
internal sealed record ServiceFacts(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, bool Headless, IReadOnlyList<int> Ports)
{
    /// <summary>Port names by number, for the ports that have one.</summary>
    public IReadOnlyDictionary<int, string> PortNames { get; init; } = new Dictionary<int, string>();

    public static ServiceFacts From(JsonElement svc) => new(
        svc.Str("metadata", "namespace") ?? "", svc.Str("metadata", "name") ?? "",
        svc.Props("metadata", "labels").Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!),
        svc.Str("spec", "clusterIP") == "None",
        svc.Array("spec", "ports").Select(p => (int)(p.Long("port") ?? 0)).Where(p => p > 0).ToList())
    {
        PortNames = svc.Array("spec", "ports").Where(p => p.Long("port") is > 0 && p.Str("name") is { Length: > 0 })
            .GroupBy(p => (int)p.Long("port")!.Value).ToDictionary(g => g.Key, g => g.First().Str("name")!),
    };
}

/// <summary>Prometheus detection rules (pure).</summary>
internal static class PrometheusDetection
{
    public const int DefaultPort = 9090;

    /// <summary>
    /// Skips headless Services and operator "-operated" Services (they address pods, not a stable frontend); then prefers
    /// a Service labelled app.kubernetes.io/name=prometheus or app=prometheus (its 9090 port, else its first port), then
    /// one whose name contains "prometheus" with port 9090. Ties go to namespace/name order.
    /// </summary>
    public static PrometheusTarget? Pick(IEnumerable<ServiceFacts> services)
    {
        var usable = services.Where(s => !s.Headless && !s.Name.EndsWith("-operated", StringComparison.Ordinal) && s.Ports.Count > 0)
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        var labelled = usable.FirstOrDefault(s =>
            s.Labels.GetValueOrDefault("app.kubernetes.io/name") == "prometheus" || s.Labels.GetValueOrDefault("app") == "prometheus");
        if (labelled is not null)
            return new PrometheusTarget(labelled.Namespace, labelled.Name, labelled.Ports.Contains(DefaultPort) ? DefaultPort : labelled.Ports[0]);
        var named = usable.FirstOrDefault(s => s.Name.Contains("prometheus", StringComparison.OrdinalIgnoreCase) && s.Ports.Contains(DefaultPort));
        return named is null ? null : new PrometheusTarget(named.Namespace, named.Name, DefaultPort);
    }
}

/// <summary>Reads through the API server's service proxy (RBAC: get services/proxy), with the denial worded once.</summary>
internal static class ServiceProxyText
{
    /// <summary>The typed text of a 403 on services/proxy: which verb and resource, where, and for what.</summary>
    public static string Denied(string ns, string serviceAndPort, NotReadable problem, string purpose) =>
        $"RBAC denies get services/proxy on {serviceAndPort} in namespace {ns} (403: {DataText.Quote(problem.Detail ?? "", 200)}). "
        + $"{purpose} through the API server needs the `get` verb on `services/proxy` there.";
}
