using System.Text.Json;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditNetwork.NetworkChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditNetwork;

/// <summary>Services against the pods they select and their EndpointSlices.</summary>
internal sealed partial class NetworkAnalysis
{
    private void AnalyseServices()
    {
        foreach (var svc in Services!)
        {
            var ns = svc.Str("metadata", "namespace") ?? "";
            var subject = Ref("Service", svc);
            var type = svc.Str("spec", "type") ?? "ClusterIP";
            if (type == "ExternalName")
            {
                Add(ExternalName, subject, "spec.externalName", svc.Str("spec", "externalName") ?? "", AuditScope.Workload);
                continue;
            }
            var externalIps = svc.Array("spec", "externalIPs").Select(e => e.GetString()).ToList();
            if (externalIps.Count > 0) Add(ExternalIps, subject, "spec.externalIPs", string.Join(", ", externalIps.Take(5)), AuditScope.Workload);
            if (type == "NodePort")
                Add(NodePort, subject, "spec.type", "NodePort " + string.Join(", ", svc.Array("spec", "ports").Select(p => p.Long("nodePort")).OfType<long>()), AuditScope.Workload);

            var selector = Selector.FromMap(svc.Get("spec", "selector"));
            List<PodFacts>? selected = selector is null || !PodsRead ? null : PodsIn(ns).Where(p => selector.Matches(p.Labels)).ToList();
            var running = selected?.Any(p => p.Running) ?? true;
            var counts = Endpoints?.GetValueOrDefault((ns, subject.Name));
            if (type == "LoadBalancer")
            {
                if (!svc.Array("status", "loadBalancer", "ingress").Any())
                    Add(LbNoAddress, subject, "status.loadBalancer.ingress", "no address assigned", AuditScope.Workload, running);
                if (Endpoints is not null && (selector is not null || counts is not null) && (counts?.Ready ?? 0) == 0)
                    Add(LbNoEndpoints, subject, "endpoints", $"0 ready endpoints ({counts?.NotReady ?? 0} not ready)", AuditScope.Workload, running);
            }
            if (selector is null || selected is null) continue;
            if (selected.Count == 0)
            {
                Add(ServiceNoPods, subject, "spec.selector", $"{selector} matches none of the {PodsIn(ns).Count()} pods in {ns}", AuditScope.Workload, running: false);
                continue;
            }
            if (Endpoints is not null && type != "LoadBalancer" && (counts?.Ready ?? 0) == 0)
                Add(ServiceNoReady, subject, "endpoints", $"0 ready endpoints ({counts?.NotReady ?? 0} not ready) for {Plural(selected.Count, "selected pod")}",
                    AuditScope.Workload, running, selected.Count);
            TargetPorts(svc, subject, selected, running);
        }
    }

    private void TargetPorts(JsonElement svc, Kstack.Objects.ObjectRef subject, List<PodFacts> selected, bool running)
    {
        var declaresAny = selected.Any(p => p.Ports.Count > 0);
        var i = -1;
        foreach (var port in svc.Array("spec", "ports"))
        {
            i++;
            var protocol = port.Str("protocol") ?? "TCP";
            var target = port.Get("targetPort") ?? port.Get("port");
            var field = $"spec.ports[{i}].targetPort";
            if (target is { ValueKind: JsonValueKind.String } t && !int.TryParse(t.GetString(), out _))
            {
                var name = t.GetString() ?? "";
                if (!selected.Any(p => p.Declares(name, protocol)))
                    Add(TargetPortName, subject, field, $"{name}/{protocol}: none of the {Plural(selected.Count, "selected pod")} declares a port of that name",
                        AuditScope.Workload, running, selected.Count);
                continue;
            }
            // Undeclared numbers are only suspicious when the pods declare ports at all (Popeye 1101 vs 1106).
            var number = target is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : target is { ValueKind: JsonValueKind.String } s ? int.Parse(s.GetString()!) : 0;
            if (number > 0 && declaresAny && !selected.Any(p => p.Ports.Any(x => x.Number == number && x.Protocol == protocol)))
                Add(TargetPortNumber, subject, field, $"{number}/{protocol}: declared ports are {string.Join(", ", selected.SelectMany(p => p.Ports).Select(x => $"{x.Number}/{x.Protocol}").Distinct().Take(6))}",
                    AuditScope.Workload, running, selected.Count);
        }
    }
}
