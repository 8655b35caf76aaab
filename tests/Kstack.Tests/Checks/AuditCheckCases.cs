using System.Text.Json.Nodes;
using Kstack.Audit;
using Kstack.Kube;
using Kstack.Sim.Rbac;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Kstack.Skills.AuditSecurity;
using Kstack.Tests.Skills.AuditSecurity;
using Kstack.Tests.Support;

namespace Kstack.Tests.Checks;

/// <summary>
/// The cases of the /audit-security catalogue. Positive: each planted problem of the `audit` scenario (the oracle of
/// AuditSecuritySimTests) is found on its subject. Negative: the scenario's clean control (namespace `secure`: a
/// restricted pod, its accounts, a Secret it mounts, a narrow Role and RoleBinding) raises none of the checks. The
/// scenario is loaded from its files and analysed in-process once; the two checks that fire only at other policy
/// versions are evaluated on a pod at the version where they start and the one before.
/// </summary>
public static class AuditCheckCases
{
    private static readonly Lazy<Task<RawAnalysis>> Scenario = new(AnalyseScenarioAsync);

    private static async Task<RawAnalysis> AnalyseScenarioAsync()
    {
        var registry = new ResourceRegistry();
        var data = ScenarioLoader.Load([ScenarioSource.Resolve("audit")], registry, SkillTester.Now);
        var objects = data.Objects.Select(o => o.Obj).Concat(DefaultPolicy.Objects()).ToList();
        // As the simulator (and a real cluster) serves them: every namespace in use exists as a Namespace object.
        var declared = objects.Where(o => (string?)o["kind"] == "Namespace").Select(o => (string)o["metadata"]!["name"]!).ToHashSet();
        var used = objects.Select(o => (string?)o["metadata"]!["namespace"]).OfType<string>().Concat(["default", "kube-system", "kube-public", "kube-node-lease"]);
        foreach (var ns in used.Distinct().Where(n => !declared.Contains(n)).ToList())
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } },
            });
        using var tester = new SkillTester();
        foreach (var spec in SecurityLists.All.Where(s => s != ListSpec.Version))
        {
            var items = objects.Where(o => (string?)o["kind"] == spec.ItemKind && (string?)o["apiVersion"] == spec.ItemApiVersion)
                .Select(o => spec.MetadataOnly ? new JsonObject { ["metadata"] = o["metadata"]!.DeepClone() } : o).Select(o => o.ToJsonString()).ToArray();
            tester.Items(spec, items);
        }
        return await tester.AuditSecurityAsync(data.Cluster.GitVersion);
    }

    private static async Task<IReadOnlyList<string>> HitsOn(Func<Kstack.Objects.ObjectRef, bool> subject) =>
        (await Scenario.Value).Findings.Where(f => subject(f.Subject)).Select(f => f.Check.Id).Distinct().ToList();

    private static bool IsControl(Kstack.Objects.ObjectRef s) => s.Namespace == "secure" || s.Kind == "Namespace" && s.Name == "secure";

    private static CheckCase Pss(string id, bool hits, string name, string spec, string container, int minor) =>
        new(id, hits, name, () => Task.FromResult<IReadOnlyList<string>>(
            PodSecurityStandards.Evaluate(PodSecurityStandardsTests.With(spec, container), minor).Select(h => h.Check.Id).Distinct().ToList()));

    private const string ProbeHost = """{"readinessProbe":{"tcpSocket":{"host":"10.0.0.1","port":80}}}""";
    private const string UserNamespace = """{"hostUsers":false,"securityContext":{"runAsNonRoot":null,"runAsUser":0}}""";
    private const string Unmasked = """{"securityContext":{"procMount":"Unmasked"}}""";

    public static IEnumerable<CheckCase> All =>
        AuditSecuritySimTests.Planted.Select(p => new CheckCase(p.Check, true, "planted on " + p.Subject,
                () => HitsOn(s => $"{s.Kind}/{s.Namespace}/{s.Name}" == p.Subject)))
            .Concat(SecurityChecks.All.Where(c => !AuditSecuritySimTests.VersionGated.Contains(c.Id))
                .Select(c => new CheckCase(c.Id, false, "the clean control in namespace secure", () => HitsOn(IsControl))))
            .Concat(
            [
                Pss("SEC-PSS-HOST-PROBES", true, "probe aimed at another host, policy 1.34", "{}", ProbeHost, 34),
                Pss("SEC-PSS-HOST-PROBES", false, "the same probe under policy 1.33", "{}", ProbeHost, 33),
                Pss("SEC-PSS-PROC-MOUNT-RESTRICTED", true, "Unmasked procMount in a user namespace, policy 1.35", UserNamespace, Unmasked, 35),
                Pss("SEC-PSS-PROC-MOUNT-RESTRICTED", false, "the same pod under policy 1.34", UserNamespace, Unmasked, 34),
            ]);
}
