using System.Text.Json;
using Kstack.Sim.Alerts;
using Kstack.Sim.Metrics;
using Kstack.Sim.Rbac;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

/// <summary>
/// The service proxy subresource (/api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/...), authorised as
/// services/proxy with the request's verb (GET → get, POST → create), forwarding only to the scenario's Prometheus and
/// Alertmanager.
/// </summary>
internal sealed partial class ApiHandler
{
    /// <summary>The Prometheus that metrics.yaml puts behind a Service, when it declares one.</summary>
    public PrometheusApi? Prometheus { get; init; }

    /// <summary>A Prometheus that only lists rule alerts (alerts.yaml's prometheus: on a Service metrics.yaml does not name).</summary>
    public PrometheusApi? AlertsPrometheus { get; init; }

    /// <summary>The Alertmanager that alerts.yaml puts behind a Service.</summary>
    public AlertmanagerApi? Alertmanager { get; init; }

    private static bool IsServiceProxy(RequestInfo info) =>
        info.Type is { Group: "", Kind: "Service" } && info.Name.Length > 0 && (info.Subresource == "proxy" || info.Subresource.StartsWith("proxy/", StringComparison.Ordinal));

    private async Task ServiceProxy(HttpContext ctx, RequestInfo info, Identity id, Responder res)
    {
        var attrs = new RequestAttributes
        {
            User = id.User, Groups = id.Groups, Verb = info.Verb, Resource = "services", Subresource = "proxy", Name = info.Name, Namespace = info.Namespace,
        };
        if (!authorizer.Authorize(attrs))
        {
            await WriteStatus(res, new StatusError(403, "Forbidden", Authorizer.ForbiddenMessage(attrs), info.Name, null, "services"));
            return;
        }
        if (info.Namespace.Length == 0) { await WriteStatus(res, StatusError.NotFoundPath()); return; }
        var (name, port) = SplitProxyName(info.Name);
        var svc = store.Get(info.Type!).Current.Find(info.Namespace, name);
        if (svc == null) { await WriteStatus(res, StatusError.NotFound("services", "", name)); return; }
        if (!ServicePort(svc.Json, port, out var portNumber))
        {
            await WriteStatus(res, new StatusError(503, "ServiceUnavailable", $"no endpoints available for service \"{info.Name}\""));
            return;
        }
        var path = "/" + (info.Subresource.Length > "proxy".Length ? info.Subresource["proxy".Length..] : "/").TrimStart('/');
        string? Query(string key) => ctx.Request.Query[key].FirstOrDefault();
        if (Alertmanager is { } am && am.Scenario.Service == new ProxiedService(info.Namespace, name, portNumber))
        {
            var (amStatus, amBody) = am.Handle(ctx.Request.Method, path, Query);
            await WriteJson(res, amStatus, amBody);
            return;
        }
        var prom = new[] { Prometheus, AlertsPrometheus }.FirstOrDefault(p =>
            p != null && p.Scenario.Namespace == info.Namespace && p.Scenario.Service == name && p.Scenario.Port == portNumber);
        if (prom == null)
        {
            await WriteStatus(res, new StatusError(503, "ServiceUnavailable", $"error trying to reach service: dial tcp {name}.{info.Namespace}.svc:{portNumber}: connect: connection refused"));
            return;
        }
        if (info.Verb is not ("get" or "create"))
        {
            await WriteStatus(res, StatusError.MethodNotAllowed("kstack-sim's Prometheus answers GET and POST only"));
            return;
        }
        var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted) : null;
        string? Param(string key) =>
            form?[key].FirstOrDefault() is { Length: > 0 } f ? f : ctx.Request.Query[key].FirstOrDefault();
        var (status, body) = prom.Handle(path, Param);
        await WriteJson(res, status, body);
    }

    /// <summary>"[scheme:]name[:port]" → (name, port text or "").</summary>
    internal static (string Name, string Port) SplitProxyName(string spec)
    {
        var parts = spec.Split(':');
        return parts.Length switch
        {
            1 => (parts[0], ""),
            2 => (parts[0], parts[1]),
            _ => (parts[1], parts[2]),
        };
    }

    /// <summary>Resolves a proxy port (number, port name, or empty for the only/first port) against the Service's ports.</summary>
    private static bool ServicePort(byte[] serviceJson, string port, out int number)
    {
        number = 0;
        using var doc = JsonDocument.Parse(serviceJson);
        if (!doc.RootElement.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("ports", out var ports) || ports.ValueKind != JsonValueKind.Array) return false;
        foreach (var p in ports.EnumerateArray())
        {
            var n = p.TryGetProperty("port", out var pn) && pn.TryGetInt32(out var v) ? v : 0;
            var pname = p.TryGetProperty("name", out var nm) ? nm.GetString() ?? "" : "";
            if (port.Length == 0 || port == pname || port == n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                number = n;
                return n > 0;
            }
        }
        return false;
    }
}
