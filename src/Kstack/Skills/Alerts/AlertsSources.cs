using System.Globalization;
using Kstack.Envelope;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Alerts;

/// <summary>An Alertmanager Service reached through the API server's service proxy; the port is a number or a port name.</summary>
internal sealed record AlertmanagerTarget(string Namespace, string Service, string Port)
{
    public const int DefaultPort = 9093;

    public override string ToString() => $"{Namespace}/{Service}:{Port}";

    /// <summary>The proxy path of an Alertmanager API path ("api/v2/alerts"); RBAC sees get on services/proxy.</summary>
    public string ProxyPath(string apiPath) =>
        $"/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/services/{Uri.EscapeDataString(Service)}:{Uri.EscapeDataString(Port)}/proxy/{apiPath}";

    /// <summary>&lt;ns&gt;/&lt;name&gt;[:&lt;port&gt;], the port a number (1–65535) or a Service port name; null when malformed.</summary>
    public static AlertmanagerTarget? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200) return null;
        var slash = text.IndexOf('/');
        if (slash <= 0) return null;
        var rest = text[(slash + 1)..];
        var colon = rest.IndexOf(':');
        var name = colon < 0 ? rest : rest[..colon];
        var port = colon < 0 ? DefaultPort.ToString(CultureInfo.InvariantCulture) : rest[(colon + 1)..];
        var ns = text[..slash];
        return Names.IsDnsLabel(ns) && Names.IsDnsLabel(name) && (IsPortNumber(port) || IsPortName(port)) ? new AlertmanagerTarget(ns, name, port) : null;
    }

    private static bool IsPortNumber(string s) =>
        s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65535;

    /// <summary>A Service port name (IANA_SVC_NAME): up to 15 lowercase letters, digits and single inner dashes, at least one letter.</summary>
    private static bool IsPortName(string s) =>
        s.Length is > 0 and <= 15 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s.Any(char.IsAsciiLetterLower)
        && s[0] != '-' && s[^1] != '-' && !s.Contains("--", StringComparison.Ordinal);
}

/// <summary>DNS-1123 checks for names taken from alert labels or flags before they become a command or a path.</summary>
internal static class Names
{
    public static bool IsDnsLabel(string? s) =>
        s is { Length: > 0 and <= 63 } && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && s[0] != '-' && s[^1] != '-';

    public static bool IsDnsSubdomain(string? s) =>
        s is { Length: > 0 and <= 253 } && s.Split('.').All(IsDnsLabel);
}

/// <summary>Where alerts come from, detected once per context (state) and again on --refresh.</summary>
internal sealed record AlertSources(string? Alertmanager, int Matched, string? Prometheus, string? Note, DateTimeOffset DetectedAt)
{
    public const string StateKey = "alerts-sources.json";

    public AlertmanagerTarget? AlertmanagerTarget => AlertmanagerTarget.TryParse(Alertmanager);

    public PrometheusTarget? PrometheusTarget => Shared.PrometheusTarget.TryParse(Prometheus);

    public static AlertSources? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var s = System.Text.Json.JsonSerializer.Deserialize(text, AlertsAgentJson.Default.AlertSources);
            // A state file edited into something that is not a target is detected again.
            if (s is null || (s.Alertmanager is not null && s.AlertmanagerTarget is null) || (s.Prometheus is not null && s.PrometheusTarget is null)) return null;
            return s;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }
}

/// <summary>Alertmanager detection as the original does it (pure).</summary>
internal static class AlertmanagerDetection
{
    /// <summary>
    /// Skips headless Services (the Operator's alertmanager-operated) and "-operated" names; then takes the Services
    /// labelled app.kubernetes.io/name=alertmanager or app=alertmanager, else those whose name contains "alertmanager";
    /// the first in namespace/name order wins, and the count of that tier is returned. Port 9093 when offered, else the first.
    /// </summary>
    public static (AlertmanagerTarget? Target, int Matched) Pick(IEnumerable<ServiceFacts> services)
    {
        var usable = services.Where(s => !s.Headless && !s.Name.EndsWith("-operated", StringComparison.Ordinal) && s.Ports.Count > 0
                                         && Names.IsDnsLabel(s.Namespace) && Names.IsDnsLabel(s.Name))
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        var labelled = usable.Where(s =>
            s.Labels.GetValueOrDefault("app.kubernetes.io/name") == "alertmanager" || s.Labels.GetValueOrDefault("app") == "alertmanager").ToList();
        var tier = labelled.Count > 0 ? labelled : usable.Where(s => s.Name.Contains("alertmanager", StringComparison.Ordinal)).ToList();
        if (tier.Count == 0) return (null, 0);
        var first = tier[0];
        var port = first.Ports.Contains(AlertmanagerTarget.DefaultPort) ? AlertmanagerTarget.DefaultPort : first.Ports[0];
        return (new AlertmanagerTarget(first.Namespace, first.Name, port.ToString(CultureInfo.InvariantCulture)), tier.Count);
    }
}

/// <summary>The words of a --service problem, shared by the parser and the help.</summary>
internal static class ServiceFlagText
{
    public static string Invalid(string text) =>
        $"Invalid --service value {DataText.Quote(text, 120)}: expected <namespace>/<service>[:<port>], the port a number (1-65535) or a port name such as http-web.";
}
