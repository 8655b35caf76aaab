using System.Text.Json.Nodes;
using Kstack.Audit;
using Kstack.Tests.Checks;

namespace Kstack.Tests.Skills.AuditNetwork;

/// <summary>
/// The cases of the /audit-network catalogue. Positive: each planted problem of the `audit-network` scenario is found on
/// its subject. Negative: the clean control (namespaces fortress and edge: default-deny both ways, resolving peers and
/// named ports, a Service with ready endpoints, a classed Ingress with a managed certificate, a programmed Gateway, an
/// accepted route) raises none of the checks; the cluster-wide checks (DNS, CNI policies) get a changed scenario each.
/// </summary>
public static class NetworkCheckCases
{
    private static readonly Lazy<Task<RawAnalysis>> Scenario = new(() => NetworkScenario.AnalyseAsync(NetworkScenario.Objects()));

    private static async Task<IReadOnlyList<string>> HitsOn(Func<Kstack.Objects.ObjectRef, bool> subject) =>
        (await Scenario.Value).Findings.Where(f => subject(f.Subject)).Select(f => f.Check.Id).Distinct().ToList();

    private static bool IsControl(Kstack.Objects.ObjectRef s) =>
        s.Namespace is "fortress" or "edge" || s.Kind == "Namespace" && s.Name is "fortress" or "edge";

    private static readonly string[] ClusterWide = ["NET-DNS-UNAVAILABLE", "NET-DNS-NOT-REDUNDANT", "NET-DNS-NODELOCAL-ABSENT", "NET-NETPOL-NONCORE-UNEVALUATED"];

    private static CheckCase Changed(string id, bool hits, string name, Action<List<JsonObject>> change) =>
        new(id, hits, name, async () => (await NetworkScenario.AnalyseAsync(NetworkScenario.With(change))).Findings.Select(f => f.Check.Id).Distinct().ToList());

    private static void SetReady(JsonObject pod, bool ready)
    {
        pod["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" });
    }

    /// <summary>A second ready CoreDNS replica on another node and a NodeLocal DNSCache pod.</summary>
    private static void HealthyDns(List<JsonObject> objects)
    {
        var first = NetworkScenario.Find(objects, "Pod", "kube-system", "coredns-7db6d8ff4d-q9x2z");
        var second = (JsonObject)first.DeepClone();
        second["metadata"]!["name"] = "coredns-7db6d8ff4d-r2k8w";
        second["spec"]!["nodeName"] = "node-b";
        second["status"]!["podIP"] = "10.1.9.2";
        objects.Add(second);
        var local = (JsonObject)first.DeepClone();
        local["metadata"] = new JsonObject { ["name"] = "node-local-dns-7x2kq", ["namespace"] = "kube-system", ["labels"] = new JsonObject { ["k8s-app"] = "node-local-dns" } };
        objects.Add(local);
    }

    public static IEnumerable<CheckCase> All =>
        AuditNetworkSimTests.Planted.Select(p => new CheckCase(p.Check, true, "planted on " + p.Subject,
                async () => (await Scenario.Value).Findings.Where(f => NetworkScenario.Subject(f) == p.Subject).Select(f => f.Check.Id).ToList()))
            .Concat(Kstack.Skills.AuditNetwork.NetworkChecks.All.Where(c => !ClusterWide.Contains(c.Id))
                .Select(c => new CheckCase(c.Id, false, "the clean control in namespaces fortress and edge", () => HitsOn(IsControl))))
            .Concat(
            [
                Changed("NET-DNS-UNAVAILABLE", true, "the only CoreDNS pod not ready", o => SetReady(NetworkScenario.Find(o, "Pod", "kube-system", "coredns-7db6d8ff4d-q9x2z"), false)),
                Changed("NET-DNS-UNAVAILABLE", false, "one ready CoreDNS pod behind kube-dns", _ => { }),
                Changed("NET-DNS-NOT-REDUNDANT", false, "two ready replicas on two nodes", HealthyDns),
                Changed("NET-DNS-NODELOCAL-ABSENT", false, "a node-local-dns pod runs", HealthyDns),
                Changed("NET-NETPOL-NONCORE-UNEVALUATED", false, "no CiliumNetworkPolicy", o => o.RemoveAll(x => (string?)x["kind"] == "CiliumNetworkPolicy")),
                Changed("NET-NETPOL-NAMESPACE-UNCOVERED", true, "cilium-ns once its CiliumNetworkPolicy is gone", o => o.RemoveAll(x => (string?)x["kind"] == "CiliumNetworkPolicy")),
                Changed("NET-ING-NO-CLASS", false, "classless Ingress once nginx is the default class",
                    o => NetworkScenario.Find(o, "IngressClass", null!, "nginx")["metadata"]!["annotations"] = new JsonObject { ["ingressclass.kubernetes.io/is-default-class"] = "true" }),
            ]);
}
