using System.Text.Json.Nodes;
using Kstack.Audit;
using Kstack.Tests.Checks;

namespace Kstack.Tests.Skills.Karpenter;

/// <summary>
/// The cases of the /karpenter catalogue. Positive: each planted problem of the `karpenter` scenario is found on its
/// subject. Negative: the clean control (pool general and its nodes and claims, node class default, the shop
/// workloads that fit or are only just pending, the ready controller pod, PDBs that allow an eviction) raises none of
/// the checks; checks whose near miss lives elsewhere get a changed scenario each.
/// </summary>
public static class KarpenterCheckCases
{
    private static readonly Lazy<Task<RawAnalysis>> Scenario = new(() => KarpenterScenario.AnalyseAsync(KarpenterScenario.Objects()));

    private static readonly HashSet<string> Control =
    [
        "NodePool//general", "EC2NodeClass//default", "NodeClaim//general-a", "NodeClaim//general-new", "NodeClaim//general-launching",
        "Node//general-node-a", "Node//general-node-new", "Node//general-node-old", "Node//system-a",
        "Deployment/shop/web", "Deployment/shop/worker", "Deployment/shop/api", "Deployment/shop/spot-worker", "Deployment/ml/fresh",
        "PodDisruptionBudget/shop/web-pdb", "PodDisruptionBudget/kube-system/karpenter", "Pod/kube-system/karpenter-6f8d9c7b5d-abcde",
        "Deployment/kube-system/karpenter",
    ];

    private static async Task<IReadOnlyList<string>> ControlHits() =>
        (await Scenario.Value).Findings.Where(f => Control.Contains(KarpenterScenario.Subject(f))).Select(f => f.Check.Id).Distinct().ToList();

    /// <summary>The checks that hit after a change, on <paramref name="subject"/> only when one is named.</summary>
    private static CheckCase Changed(string id, bool hits, string name, Action<List<JsonObject>> change, string? subject = null) =>
        new(id, hits, name, async () => (await KarpenterScenario.AnalyseAsync(KarpenterScenario.With(change))).Findings
            .Where(f => subject is null || KarpenterScenario.Subject(f) == subject).Select(f => f.Check.Id).Distinct().ToList());

    private static void ControllerNotReady(List<JsonObject> objects)
    {
        foreach (var name in new[] { "karpenter-6f8d9c7b5d-abcde", "karpenter-6f8d9c7b5d-fghij" })
        {
            var pod = KarpenterScenario.Find(objects, "Pod", "kube-system", name);
            pod["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" });
            pod["status"]!["containerStatuses"]![0]!["ready"] = false;
        }
    }

    public static IEnumerable<CheckCase> All =>
        KarpenterSimTests.Planted.Select(p => new CheckCase(p.Check, true, "planted on " + p.Subject,
                async () => (await Scenario.Value).Findings.Where(f => KarpenterScenario.Subject(f) == p.Subject).Select(f => f.Check.Id).ToList()))
            .Concat(Kstack.Skills.Karpenter.KarpenterChecks.All
                .Select(c => new CheckCase(c.Id, false, "the clean control (pool general, node class default, fitting workloads)", ControlHits)))
            .Concat(
            [
                Changed("KARP-CONTROLLER-NOT-READY", true, "both controller pods not ready", ControllerNotReady),
                Changed("KARP-CONTROLLER-NOT-READY", false, "no controller pod at all (EKS Auto Mode)",
                    o => o.RemoveAll(x => (string?)x["kind"] == "Pod" && (string?)x["metadata"]!["namespace"] == "kube-system")),
                Changed("KARP-PODS-NO-POOL-FITS", true, "a pod asking for a label no pool offers",
                    o => KarpenterScenario.Find(o, "Pod", "shop", "api-8f9c7d-n9p0q")["spec"]!["nodeSelector"] = new JsonObject { ["disk"] = "nvme" }, "Deployment/shop/api"),
                Changed("KARP-PODS-NO-POOL-FITS", false, "trainer and etl once pool general offers accelerator=a100 and the batch label",
                    o =>
                    {
                        KarpenterScenario.Find(o, "NodePool", null, "general")["spec"]!["template"]!["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["accelerator"] = "a100" } };
                        KarpenterScenario.Find(o, "NodePool", null, "batch")["spec"]!["limits"] = new JsonObject { ["cpu"] = "80", ["memory"] = "320Gi" };
                    }),
                Changed("KARP-POOL-NO-TERMINATION-GRACE", false, "pool batch with terminationGracePeriod 24h",
                    o => KarpenterScenario.Find(o, "NodePool", null, "batch")["spec"]!["template"]!["spec"]!["terminationGracePeriod"] = "24h"),
                Changed("KARP-COST-NODE-UNDERUTILIZED", false, "the report pod requesting 3 cpu and 12Gi",
                    o => KarpenterScenario.Find(o, "Pod", "batch", "report-29112-xk2p9")["spec"]!["containers"]![0]!["resources"] =
                        new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "3", ["memory"] = "12Gi" } }),
                Changed("KARP-COST-CONSOLIDATION-OFF", true, "consolidateAfter 48h on pool general",
                    o => KarpenterScenario.Find(o, "NodePool", null, "general")["spec"]!["disruption"]!["consolidateAfter"] = "48h", "NodePool//general"),
                Changed("KARP-COST-CONSOLIDATION-OFF", false, "consolidateAfter 23h59m on pool general",
                    o => KarpenterScenario.Find(o, "NodePool", null, "general")["spec"]!["disruption"]!["consolidateAfter"] = "23h59m", "NodePool//general"),
            ]);
}
