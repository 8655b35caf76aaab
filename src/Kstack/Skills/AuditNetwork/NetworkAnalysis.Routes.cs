using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditNetwork.NetworkChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditNetwork;

/// <summary>Ingress, Gateway API, TLS certificates and cluster DNS.</summary>
internal sealed partial class NetworkAnalysis
{
    private Dictionary<(string Ns, string Name), JsonElement>? _servicesByName;

    private Dictionary<(string Ns, string Name), JsonElement>? ServicesByName => Services is null ? null
        : _servicesByName ??= Services.GroupBy(s => (s.Str("metadata", "namespace") ?? "", s.Str("metadata", "name") ?? "")).ToDictionary(g => g.Key, g => g.First());

    /// <summary>TLS Secrets referenced by Ingresses, with the first Ingress that uses each.</summary>
    private readonly Dictionary<(string Ns, string Name), ObjectRef> _tlsSecretsInUse = new();

    private void AnalyseIngresses()
    {
        var classNames = IngressClasses?.Select(c => c.Str("metadata", "name") ?? "").ToHashSet(StringComparer.Ordinal);
        var defaultClass = IngressClasses?.FirstOrDefault(c => c.Str("metadata", "annotations", "ingressclass.kubernetes.io/is-default-class") == "true")
            .Str("metadata", "name");
        var claims = new Dictionary<(string Class, string Host, string Path), ObjectRef>();
        foreach (var ing in Ingresses!.OrderBy(i => i.Str("metadata", "creationTimestamp"), StringComparer.Ordinal)
                     .ThenBy(i => i.Str("metadata", "namespace"), StringComparer.Ordinal).ThenBy(i => i.Str("metadata", "name"), StringComparer.Ordinal))
        {
            var ns = ing.Str("metadata", "namespace") ?? "";
            var subject = Ref("Ingress", ing);
            var className = ing.Str("spec", "ingressClassName") ?? ing.Str("metadata", "annotations", "kubernetes.io/ingress.class");
            if (className is null && IngressClasses is not null)
            {
                className = defaultClass;
                if (className is null) Add(IngressNoClass, subject, "spec.ingressClassName", "unset, and no IngressClass is marked default", AuditScope.Workload);
            }
            else if (ing.Str("spec", "ingressClassName") is { } named && classNames is not null && !classNames.Contains(named))
                Add(IngressClassMissing, subject, "spec.ingressClassName", $"{named} (classes: {(classNames.Count == 0 ? "none" : string.Join(", ", classNames.Order(StringComparer.Ordinal).Take(5)))})", AuditScope.Workload);

            if (ing.Get("spec", "defaultBackend") is { ValueKind: JsonValueKind.Object } db) Backend(subject, ns, "spec.defaultBackend", db);
            var i = -1;
            foreach (var rule in ing.Array("spec", "rules"))
            {
                i++;
                var host = rule.Str("host") is { Length: > 0 } h ? h : "*";
                var j = -1;
                foreach (var path in rule.Array("http", "paths"))
                {
                    j++;
                    var field = $"spec.rules[{i}].http.paths[{j}]";
                    if (path.Get("backend") is { ValueKind: JsonValueKind.Object } backend) Backend(subject, ns, field + ".backend", backend);
                    var key = (className ?? "", host, path.Str("path") is { Length: > 0 } p ? p : "/");
                    if (claims.TryGetValue(key, out var owner) && owner != subject)
                        Add(IngressConflict, subject, field, $"{key.host}{key.Item3} (class {(key.Item1.Length > 0 ? key.Item1 : "none")}) is also claimed by {owner.Namespace}/{owner.Name}", AuditScope.Workload);
                    else claims[key] = subject;
                }
            }

            var tls = ing.Array("spec", "tls").ToList();
            if (tls.Count == 0) Add(IngressNoTls, subject, "spec.tls", "no TLS section", AuditScope.Workload);
            var k = -1;
            foreach (var t in tls)
            {
                k++;
                if (t.Str("secretName") is not { Length: > 0 } secret) continue;
                if (Secrets is null) continue;
                if (!Secrets.ContainsKey((ns, secret)))
                    Add(IngressTlsSecretMissing, subject, $"spec.tls[{k}].secretName", $"Secret {secret} not found in {ns}", AuditScope.Workload);
                else _tlsSecretsInUse.TryAdd((ns, secret), subject);
            }
        }
    }

    private void Backend(ObjectRef subject, string ns, string field, JsonElement backend)
    {
        if (backend.Get("service") is not { ValueKind: JsonValueKind.Object } service || ServicesByName is null) return;
        var name = service.Str("name") ?? "";
        if (!ServicesByName.TryGetValue((ns, name), out var svc))
        {
            Add(IngressBackendMissing, subject, field + ".service.name", $"Service {name} not found in {ns}", AuditScope.Workload);
            return;
        }
        var ports = svc.Array("spec", "ports").ToList();
        if (service.Long("port", "number") is { } number)
        {
            if (!ports.Any(p => p.Long("port") == number))
                Add(IngressPortUndefined, subject, field + ".service.port.number", $"{number} (Service {name} has {ServicePorts(ports)})", AuditScope.Workload);
        }
        else if (service.Str("port", "name") is { } portName && !ports.Any(p => p.Str("name") == portName))
            Add(IngressPortUndefined, subject, field + ".service.port.name", $"{portName} (Service {name} has {ServicePorts(ports)})", AuditScope.Workload);
    }

    private static string ServicePorts(List<JsonElement> ports) =>
        ports.Count == 0 ? "no ports" : string.Join(", ", ports.Take(6).Select(p => p.Str("name") is { Length: > 0 } n ? $"{n}:{p.Long("port")}" : $"{p.Long("port")}"));

    private static JsonElement? Condition(JsonElement conditions, string type) =>
        conditions.ValueKind == JsonValueKind.Array ? conditions.EnumerateArray().Where(c => c.Str("type") == type).Select(c => (JsonElement?)c).FirstOrDefault() : null;

    private static string Describe(JsonElement c) =>
        $"{c.Str("type")}={c.Str("status")} {c.Str("reason")}{(c.Str("message") is { Length: > 0 } m ? ": " + m : "")}";

    private void AnalyseGatewayApi()
    {
        foreach (var gw in Gateways ?? [])
        {
            var subject = Ref("Gateway", gw);
            var conditions = gw.Get("status", "conditions") ?? default;
            var written = conditions.ValueKind == JsonValueKind.Array && conditions.EnumerateArray().Any(c => c.Str("status") is "True" or "False");
            if (!written)
                Add(GatewayNotReady, subject, "status.conditions", $"no controller has written status (gatewayClassName {gw.Str("spec", "gatewayClassName")})", AuditScope.Workload);
            foreach (var type in new[] { "Accepted", "Programmed" })
                if (Condition(conditions, type) is { } c && c.Str("status") == "False")
                    Add(GatewayNotReady, subject, $"status.conditions[{type}]", Describe(c), AuditScope.Workload);
            foreach (var listener in gw.Array("status", "listeners"))
            {
                var lc = listener.Get("conditions") ?? default;
                foreach (var (type, bad) in new[] { ("ResolvedRefs", "False"), ("Programmed", "False"), ("Conflicted", "True") })
                    if (Condition(lc, type) is { } c && c.Str("status") == bad)
                        Add(GatewayNotReady, subject, $"status.listeners[{listener.Str("name")}].conditions[{type}]", Describe(c), AuditScope.Workload);
            }
        }

        foreach (var route in Routes ?? [])
        {
            var subject = Ref("HTTPRoute", route);
            var ns = subject.Namespace ?? "";
            var parents = route.Array("status", "parents").ToList();
            if (parents.Count == 0)
                Add(RouteNotAccepted, subject, "status.parents", $"no controller has accepted it (parentRefs: {string.Join(", ", route.Array("spec", "parentRefs").Select(p => p.Str("name")).Take(5))})", AuditScope.Workload);
            foreach (var parent in parents)
            {
                var name = parent.Str("parentRef", "name");
                var pc = parent.Get("conditions") ?? default;
                if (Condition(pc, "Accepted") is { } a && a.Str("status") == "False")
                    Add(RouteNotAccepted, subject, $"status.parents[{name}].conditions[Accepted]", Describe(a), AuditScope.Workload);
                if (Condition(pc, "ResolvedRefs") is { } r && r.Str("status") == "False")
                    Add(RouteRefsUnresolved, subject, $"status.parents[{name}].conditions[ResolvedRefs]", Describe(r), AuditScope.Workload);
            }
            if (ServicesByName is null) continue;
            var i = -1;
            foreach (var rule in route.Array("spec", "rules"))
            {
                i++;
                var j = -1;
                foreach (var backend in rule.Array("backendRefs"))
                {
                    j++;
                    if ((backend.Str("kind") ?? "Service") != "Service" || (backend.Str("group") ?? "") != "") continue;
                    var refNs = backend.Str("namespace") ?? ns;
                    if (Scope is not null && refNs != Scope) continue;
                    var name = backend.Str("name") ?? "";
                    if (!ServicesByName.ContainsKey((refNs, name)))
                        Add(RouteBackendMissing, subject, $"spec.rules[{i}].backendRefs[{j}]", $"Service {name} not found in {refNs}", AuditScope.Workload);
                }
            }
        }
    }

    private void AnalyseCertificates()
    {
        var managed = new HashSet<(string, string)>();
        foreach (var cert in Certificates ?? [])
        {
            var subject = Ref("Certificate", cert);
            if (cert.Str("spec", "secretName") is { Length: > 0 } secret) managed.Add((subject.Namespace ?? "", secret));
            if (cert.Time("status", "notAfter") is { } notAfter)
            {
                if (notAfter <= now) Add(CertExpired, subject, "status.notAfter", $"expired {notAfter.UtcDateTime:yyyy-MM-dd HH:mm}Z", AuditScope.Workload);
                else if (notAfter - now < TimeSpan.FromDays(14))
                    Add(CertExpiring, subject, "status.notAfter", $"expires {notAfter.UtcDateTime:yyyy-MM-dd HH:mm}Z (in {(int)(notAfter - now).TotalDays} days)", AuditScope.Workload);
            }
            if (Condition(cert.Get("status", "conditions") ?? default, "Ready") is { } ready && ready.Str("status") == "False")
                Add(CertNotReady, subject, "status.conditions[Ready]", Describe(ready), AuditScope.Workload);
        }
        // TLS Secrets in use that no Certificate manages: their expiry is only in tls.crt, which this audit does not read.
        foreach (var ((ns, name), user) in _tlsSecretsInUse)
        {
            if (managed.Contains((ns, name))) continue;
            if (Secrets!.GetValueOrDefault((ns, name)) is { } certName && Certificates is not null
                && Certificates.Any(c => c.Str("metadata", "namespace") == ns && c.Str("metadata", "name") == certName)) continue;
            Add(TlsUnchecked, new ObjectRef("Secret", ns, name), "data.tls.crt",
                $"used by {user.Kind.ToLowerInvariant()}/{user.Name}; no cert-manager Certificate manages it", AuditScope.Workload);
        }
    }

    private void AnalyseDns()
    {
        var dnsPods = PodsIn("kube-system").Where(p => p.Labels.GetValueOrDefault("k8s-app") == "kube-dns").ToList();
        var service = ServicesByName?.GetValueOrDefault(("kube-system", "kube-dns"));
        var hasService = service is { ValueKind: JsonValueKind.Object };
        var serviceRef = new ObjectRef("Service", "kube-system", "kube-dns");
        var readyEndpoints = Endpoints?.GetValueOrDefault(("kube-system", "kube-dns"))?.Ready ?? 0;
        var readyPods = dnsPods.Where(p => p.Ready).ToList();
        if (hasService && Endpoints is not null && readyEndpoints == 0)
            Add(DnsUnavailable, serviceRef, "endpoints", $"0 ready endpoints; {readyPods.Count} of {Plural(dnsPods.Count, "k8s-app=kube-dns pod")} ready", AuditScope.Cluster, dnsPods.Any(p => p.Running), dnsPods.Count);
        else if (dnsPods.Count > 0 && readyPods.Count == 0)
            Add(DnsUnavailable, dnsPods[0].Workload, "status", $"none of the {Plural(dnsPods.Count, "k8s-app=kube-dns pod")} is ready", AuditScope.Cluster, dnsPods.Any(p => p.Running), dnsPods.Count);
        else if (dnsPods.Count == 0 && ServicesByName is not null && !hasService)
            Add(DnsUnavailable, serviceRef, "metadata.name", "no kube-dns Service and no k8s-app=kube-dns pods in kube-system", AuditScope.Cluster, running: false);
        else if (dnsPods.Count > 0)
        {
            var nodes = readyPods.Select(p => p.Node).Distinct().Count();
            if (readyPods.Count < 2 || nodes < 2)
                Add(DnsNotRedundant, dnsPods[0].Workload, "spec.replicas", $"{Plural(readyPods.Count, "ready replica")} on {Plural(nodes, "node")}", AuditScope.Cluster, true, dnsPods.Count);
        }
        if (Scope is null && dnsPods.Count > 0 && !Pods.Any(p => p.Labels.GetValueOrDefault("k8s-app") == "node-local-dns"))
            Add(NodeLocalDnsAbsent, new ObjectRef("DaemonSet", "kube-system", "node-local-dns"), "metadata.name", "no k8s-app=node-local-dns pods", AuditScope.Cluster, running: false);
    }
}
