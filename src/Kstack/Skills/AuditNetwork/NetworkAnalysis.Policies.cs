using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditNetwork.NetworkChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditNetwork;

/// <summary>NetworkPolicy coverage: selection, policyTypes defaults, isolation per direction, peers and named ports.</summary>
internal sealed partial class NetworkAnalysis
{
    /// <summary>spec.policyTypes, or its default: Ingress, plus Egress when spec.egress is present.</summary>
    internal static (bool Ingress, bool Egress) PolicyTypes(JsonElement policy)
    {
        if (policy.Get("spec", "policyTypes") is { ValueKind: JsonValueKind.Array } types)
        {
            var list = types.EnumerateArray().Select(t => t.GetString()).ToList();
            return (list.Contains("Ingress"), list.Contains("Egress"));
        }
        return (true, policy.Get("spec", "egress") is { ValueKind: not JsonValueKind.Null });
    }

    private void AnalysePolicies()
    {
        var ingressIsolated = new HashSet<PodFacts>(ReferenceEqualityComparer.Instance);
        var egressIsolated = new HashSet<PodFacts>(ReferenceEqualityComparer.Instance);
        var defaultIngress = new HashSet<string>(StringComparer.Ordinal);
        var defaultEgress = new HashSet<string>(StringComparer.Ordinal);
        var anyIngress = new HashSet<string>(StringComparer.Ordinal);
        var anyEgress = new HashSet<string>(StringComparer.Ordinal);
        var withPolicies = new HashSet<string>(StringComparer.Ordinal);

        foreach (var policy in Policies!)
        {
            var ns = policy.Str("metadata", "namespace") ?? "";
            var subject = Ref("NetworkPolicy", policy);
            withPolicies.Add(ns);
            var selector = Selector.From(policy.Get("spec", "podSelector")) ?? Selector.Everything;
            var (ingress, egress) = PolicyTypes(policy);
            var selected = PodsIn(ns).Where(p => selector.Matches(p.Labels)).ToList();
            if (selected.Count == 0)
                Add(PolicySelectsNothing, subject, "spec.podSelector", $"{selector} selects none of the {PodsIn(ns).Count()} pods in {ns}", AuditScope.Workload, running: false);
            foreach (var pod in selected)
            {
                if (ingress) ingressIsolated.Add(pod);
                if (egress) egressIsolated.Add(pod);
            }
            if (ingress) anyIngress.Add(ns);
            if (egress) anyEgress.Add(ns);
            if (selector.IsEmpty && ingress) defaultIngress.Add(ns);
            if (selector.IsEmpty && egress) defaultEgress.Add(ns);
            var running = selected.Any(p => p.Running);
            if (ingress) Rules(policy, subject, ns, "ingress", "from", selected, running);
            if (egress) Rules(policy, subject, ns, "egress", "to", null, running);
        }

        var nonCoreNamespaces = NonCore.Select(r => r.Namespace).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var clusterWideNonCore = NonCore.Any(r => r.Namespace is null);
        foreach (var group in PodsByNs)
        {
            var ns = group.Key;
            var pods = group.ToList();
            // Coverage by CNI-specific policies is not evaluated: never called uncovered (NET-NETPOL-NONCORE-UNEVALUATED lists them).
            if (pods.Count == 0 || clusterWideNonCore || nonCoreNamespaces.Contains(ns)) continue;
            var nsRef = new ObjectRef("Namespace", null, ns);
            var running = pods.Any(p => p.Running);
            if (!withPolicies.Contains(ns))
            {
                Add(NamespaceUncovered, nsRef, "networkpolicies", $"{Plural(pods.Count, "pod")}, no NetworkPolicy", AuditScope.Namespace, running, pods.Count);
                continue;
            }
            if (!defaultIngress.Contains(ns))
                Add(NoDefaultDenyIngress, nsRef, "networkpolicies", "no policy with podSelector: {} and policyTypes Ingress", AuditScope.Namespace, running, pods.Count);
            if (!defaultEgress.Contains(ns))
                Add(NoDefaultDenyEgress, nsRef, "networkpolicies", "no policy with podSelector: {} and policyTypes Egress", AuditScope.Namespace, running, pods.Count);
            if (anyIngress.Contains(ns)) Unisolated(IngressUnisolated, pods, ingressIsolated, "Ingress");
            if (anyEgress.Contains(ns)) Unisolated(EgressUnisolated, pods, egressIsolated, "Egress");
        }
    }

    private void Unisolated(Kstack.Checks.CheckInfo check, List<PodFacts> pods, HashSet<PodFacts> isolated, string direction)
    {
        foreach (var workload in pods.Where(p => !isolated.Contains(p)).GroupBy(p => p.Workload))
        {
            var open = workload.ToList();
            var all = pods.Count(p => p.Workload == workload.Key);
            Add(check, workload.Key, "metadata.labels", $"{open.Count} of {Plural(all, "pod")} selected by no policy with policyTypes {direction}",
                AuditScope.Workload, open.Any(p => p.Running), open.Count);
        }
    }

    /// <summary>Peers that select nothing, empty (allow-all) rules, and named ports no destination pod declares.</summary>
    private void Rules(JsonElement policy, ObjectRef subject, string ns, string direction, string peersField, List<PodFacts>? destinations, bool running)
    {
        var i = -1;
        foreach (var rule in policy.Array("spec", direction))
        {
            i++;
            var field = $"spec.{direction}[{i}]";
            var peers = rule.Array(peersField).ToList();
            var ports = rule.Array("ports").ToList();
            if (peers.Count == 0 && ports.Count == 0)
                Add(AllowAll, subject, field, $"{direction}: [{{}}] allows all {(direction == "ingress" ? "sources" : "destinations")}", AuditScope.Workload, running);
            // Egress named ports resolve against the peer pods; any ipBlock or no peers at all leaves them unknown.
            List<PodFacts>? egressPods = direction == "egress" && peers.Count > 0 ? [] : null;
            var j = -1;
            foreach (var peer in peers)
            {
                j++;
                if (peer.Get("ipBlock") is { ValueKind: JsonValueKind.Object })
                {
                    egressPods = null;
                    continue;
                }
                var nsSelector = Selector.From(peer.Get("namespaceSelector"));
                var podSelector = Selector.From(peer.Get("podSelector"));
                var namespaces = nsSelector is null ? [ns] : AllNamespaces().Where(n => nsSelector.Matches(NamespaceLabels(n))).ToList();
                var peerField = $"{field}.{peersField}[{j}]";
                if (nsSelector is not null && namespaces.Count == 0)
                {
                    Add(PeerSelectsNothing, subject, peerField + ".namespaceSelector", $"namespaceSelector {nsSelector} matches no namespace", AuditScope.Workload, running);
                    continue;
                }
                var peerPods = namespaces.SelectMany(PodsIn).Where(p => podSelector is null || podSelector.Matches(p.Labels)).ToList();
                if (podSelector is not null && peerPods.Count == 0)
                    Add(PeerSelectsNothing, subject, peerField + ".podSelector",
                        $"podSelector {podSelector} matches no pod in {(nsSelector is null ? "namespace " + ns : Plural(namespaces.Count, "selected namespace"))}",
                        AuditScope.Workload, running);
                egressPods?.AddRange(peerPods);
            }
            var targets = direction == "ingress" ? destinations : egressPods;
            if (targets is not { Count: > 0 }) continue;
            var k = -1;
            foreach (var port in ports)
            {
                k++;
                if (port.Get("port") is not { ValueKind: JsonValueKind.String } named) continue;
                var name = named.GetString() ?? "";
                var protocol = port.Str("protocol") ?? "TCP";
                if (!targets.Any(p => p.Declares(name, protocol)))
                    Add(PortUndefined, subject, $"{field}.ports[{k}].port",
                        $"port {name}/{protocol}: none of the {Plural(targets.Count, "destination pod")} declares it", AuditScope.Workload, running);
            }
        }
    }

    /// <summary>CNI-specific policies are listed as present and unevaluated.</summary>
    private void AnalyseNonCore()
    {
        foreach (var group in NonCore.GroupBy(r => (r.Namespace, r.Kind)))
        {
            var names = group.Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
            var subject = group.Key.Namespace is { } ns ? new ObjectRef("Namespace", null, ns) : new ObjectRef(group.Key.Kind, null, names[0]);
            Add(NonCorePolicy, subject, group.Key.Kind, $"{Plural(names.Count, group.Key.Kind)} ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", …" : "")}) not evaluated",
                group.Key.Namespace is null ? AuditScope.Cluster : AuditScope.Namespace);
        }
    }
}
