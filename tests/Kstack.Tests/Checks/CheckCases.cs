using Kstack.Kube;
using Kstack.Skills.Investigate;
using Kstack.Tests.Support;

namespace Kstack.Tests.Checks;

/// <summary>
/// One example input for a check: a positive case must make the check hit, a negative one (a near miss) must not.
/// Run evaluates the example through the skill's own analysis and returns the IDs of the checks that hit.
/// </summary>
public sealed record CheckCase(string CheckId, bool Hits, string Name, Func<Task<IReadOnlyList<string>>> Run)
{
    public override string ToString() => $"{CheckId} {(Hits ? "+" : "-")} {Name}";
}

/// <summary>
/// The positive and negative cases of every registered check. The catalogue test fails when a registered check has no
/// positive or no negative case here, so a new check cannot land without both.
/// </summary>
public static class CheckCases
{
    private static string Node(string name, string conditions, string created = "2025-11-03T10:05:00Z") =>
        $$$"""{"metadata":{"name":"{{{name}}}","creationTimestamp":"{{{created}}}"},"status":{"conditions":[{{{conditions}}}]}}""";

    private static string Pod(string phase, string statuses = "", string extra = "") =>
        $$$"""{"metadata":{"namespace":"n","name":"p","creationTimestamp":"2026-01-01T09:00:00Z"},"spec":{"containers":[{"name":"app"}]},"status":{"phase":"{{{phase}}}"{{{extra}}},"containerStatuses":[{{{statuses}}}]}}""";

    private const string ReadyTrue = """{"type":"Ready","status":"True"}""";
    private const string RunningReady = """{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}""";

    private static CheckCase Nodes(string id, bool hits, string name, params string[] nodes) =>
        new(id, hits, name, async () =>
        {
            using var t = new SkillTester().Items(ListSpec.Nodes, nodes);
            return (await t.ClusterStatusAsync()).Issues.Select(i => i.CheckId).ToList();
        });

    private static CheckCase Pods(string id, bool hits, string name, params string[] pods) =>
        new(id, hits, name, async () =>
        {
            using var t = new SkillTester().Items(ListSpec.Pods, pods);
            return (await t.ClusterStatusAsync()).Issues.Select(i => i.CheckId).ToList();
        });

    private static CheckCase Inv(string id, bool hits, string name, Func<Investigation> build) =>
        new(id, hits, name, () => Task.FromResult<IReadOnlyList<string>>(Findings.Hits(build()).Select(h => h.CheckId).ToList()));

    private static string IPod(string status, string name = "app-1") =>
        $$$"""{"metadata":{"name":"{{{name}}}","namespace":"ns","uid":"u-{{{name}}}"},"spec":{"containers":[{"name":"app","image":"r/app:1"}]},"status":""" + status + "}";

    private static string Event(string reason, string message, string name = "app-1") =>
        $$$"""{"type":"Warning","reason":"{{{reason}}}","count":3,"lastTimestamp":"2026-01-01T10:00:00Z","message":"{{{message}}}","metadata":{"namespace":"ns"},"involvedObject":{"kind":"Pod","name":"{{{name}}}","namespace":"ns"}}""";

    private static string Waiting(string reason, string phase = "Pending") =>
        $$$"""{"phase":"{{{phase}}}","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"{{{reason}}}""" + "\"}}}]}";

    private static string Terminated(string reason, int exit) =>
        $$$"""{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"reason":"{{{reason}}}","exitCode":""" + exit + "}}}]}";

    private const string RunningNotReady = """{"phase":"Running","conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}],"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"running":{}}}]}""";

    private static string Deployment(string conditions) =>
        $$$"""{"metadata":{"name":"web","namespace":"ns","uid":"d"},"spec":{"replicas":2},"status":{"readyReplicas":0,"conditions":[{{{conditions}}}]}}""";

    private static string INode(string ready) => $$$"""{"metadata":{"name":"w-1"},"status":{"conditions":[{"type":"Ready","status":"{{{ready}}}"}]}}""";

    public static readonly IReadOnlyList<CheckCase> All =
    [
        Inv("INV-OOMKILLED", true, "last terminated OOMKilled", () => SkillTester.Investigation([IPod(Terminated("OOMKilled", 137))])),
        Inv("INV-OOMKILLED", false, "last terminated Error", () => SkillTester.Investigation([IPod(Terminated("Error", 1))])),
        Inv("INV-CRASH-EXIT", true, "crash loop, exit 1", () => SkillTester.Investigation([IPod(Terminated("Error", 1))])),
        Inv("INV-CRASH-EXIT", false, "OOM kills are their own finding", () => SkillTester.Investigation([IPod(Terminated("OOMKilled", 137))])),
        Inv("INV-IMAGE-PULL", true, "ImagePullBackOff", () => SkillTester.Investigation([IPod(Waiting("ImagePullBackOff"))])),
        Inv("INV-IMAGE-PULL", false, "ContainerCreating", () => SkillTester.Investigation([IPod(Waiting("ContainerCreating"))])),
        Inv("INV-UNSCHEDULABLE", true, "PodScheduled False", () => SkillTester.Investigation(
            [IPod("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available"}]}""")])),
        Inv("INV-UNSCHEDULABLE", false, "scheduled, still pending", () => SkillTester.Investigation(
            [IPod("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"}]}""")])),
        Inv("INV-CONTAINER-CONFIG", true, "CreateContainerConfigError", () => SkillTester.Investigation([IPod(Waiting("CreateContainerConfigError"))])),
        Inv("INV-CONTAINER-CONFIG", false, "ErrImagePull", () => SkillTester.Investigation([IPod(Waiting("ErrImagePull"))])),
        Inv("INV-MOUNT-FAILED", true, "FailedMount event", () => SkillTester.Investigation(
            [IPod(Waiting("ContainerCreating"))], [Event("FailedMount", "secret tls not found")])),
        Inv("INV-MOUNT-FAILED", false, "FailedScheduling event only", () => SkillTester.Investigation(
            [IPod(Waiting("ContainerCreating"))], [Event("FailedScheduling", "0/3 nodes are available")])),
        Inv("INV-REF-MISSING", true, "required Secret missing", () => SkillTester.Investigation(
            refs: [new RefView("Secret", "tls", "missing", null, "volume tls", false)])),
        Inv("INV-REF-MISSING", false, "optional ConfigMap missing", () => SkillTester.Investigation(
            refs: [new RefView("ConfigMap", "opt", "missing", null, "env in app", true)])),
        Inv("INV-NODE-UNHEALTHY", true, "node Ready Unknown", () => SkillTester.Investigation(nodes: [INode("Unknown")])),
        Inv("INV-NODE-UNHEALTHY", false, "node Ready True", () => SkillTester.Investigation(nodes: [INode("True")])),
        Inv("INV-EVICTED", true, "Failed, Evicted", () => SkillTester.Investigation(
            [IPod("""{"phase":"Failed","reason":"Evicted","message":"The node was low on resource: memory."}""")])),
        Inv("INV-EVICTED", false, "Failed, DeadlineExceeded", () => SkillTester.Investigation(
            [IPod("""{"phase":"Failed","reason":"DeadlineExceeded"}""")])),
        Inv("INV-PROBE-FAILING", true, "not ready with Unhealthy events", () => SkillTester.Investigation(
            [IPod(RunningNotReady)], [Event("Unhealthy", "Readiness probe failed: 503")])),
        Inv("INV-PROBE-FAILING", false, "not ready without probe events", () => SkillTester.Investigation([IPod(RunningNotReady)])),
        Inv("INV-NOT-READY", true, "not ready without probe events", () => SkillTester.Investigation([IPod(RunningNotReady)])),
        Inv("INV-NOT-READY", false, "probe failures explain it", () => SkillTester.Investigation(
            [IPod(RunningNotReady)], [Event("Unhealthy", "Readiness probe failed: 503")])),
        Inv("INV-SERVICE-NO-ENDPOINTS", true, "0 ready endpoints", () => SkillTester.Investigation(services: [new ServiceView("gw", 0, 1, "EndpointSlice")])),
        Inv("INV-SERVICE-NO-ENDPOINTS", false, "2 ready endpoints", () => SkillTester.Investigation(services: [new ServiceView("gw", 2, 0, "EndpointSlice")])),
        Inv("INV-PVC-NOT-BOUND", true, "claim Pending", () => SkillTester.Investigation(
            refs: [new RefView("PersistentVolumeClaim", "data", "present", "Pending · class slow", "volume data", false)])),
        Inv("INV-PVC-NOT-BOUND", false, "claim Bound", () => SkillTester.Investigation(
            refs: [new RefView("PersistentVolumeClaim", "data", "present", "Bound · 10Gi", "volume data", false)])),
        Inv("INV-ROLLOUT-STUCK", true, "Progressing False", () => SkillTester.Investigation(
            workloads: [("Deployment", Deployment("""{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}"""))])),
        Inv("INV-ROLLOUT-STUCK", false, "Progressing True", () => SkillTester.Investigation(
            workloads: [("Deployment", Deployment("""{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}"""))])),
        Inv("INV-WORKLOAD-UNAVAILABLE", true, "Available False", () => SkillTester.Investigation(
            workloads: [("Deployment", Deployment("""{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable"}"""))])),
        Inv("INV-WORKLOAD-UNAVAILABLE", false, "Available True", () => SkillTester.Investigation(
            workloads: [("Deployment", Deployment("""{"type":"Available","status":"True"}"""))])),

        Nodes("CS-NODE-NOTREADY", true, "Ready False", Node("w", """{"type":"Ready","status":"False"}""")),
        Nodes("CS-NODE-NOTREADY", true, "Ready Unknown", Node("w", """{"type":"Ready","status":"Unknown"}""")),
        Nodes("CS-NODE-NOTREADY", false, "Ready True", Node("w", ReadyTrue)),
        Nodes("CS-NODE-PRESSURE", true, "MemoryPressure True", Node("w", ReadyTrue + """,{"type":"MemoryPressure","status":"True"}""")),
        Nodes("CS-NODE-PRESSURE", false, "DiskPressure False", Node("w", ReadyTrue + """,{"type":"DiskPressure","status":"False"}""")),

        Pods("CS-POD-CRASHLOOP", true, "waiting CrashLoopBackOff",
            Pod("Running", """{"name":"app","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}""")),
        Pods("CS-POD-CRASHLOOP", false, "restarted but running and ready",
            Pod("Running", """{"name":"app","ready":true,"restartCount":4,"state":{"running":{}}}""")),
        Pods("CS-POD-IMAGEPULL", true, "waiting ErrImagePull",
            Pod("Pending", """{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ErrImagePull"}}}""")),
        Pods("CS-POD-IMAGEPULL", false, "waiting ContainerCreating",
            Pod("Pending", """{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}""")),
        Pods("CS-POD-OOMKILLED", true, "last terminated OOMKilled",
            Pod("Running", """{"name":"app","ready":false,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"reason":"OOMKilled","exitCode":137}}}""")),
        Pods("CS-POD-OOMKILLED", false, "last terminated Error",
            Pod("Running", """{"name":"app","ready":false,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"reason":"Error","exitCode":1}}}""")),
        Pods("CS-POD-WAITING", true, "waiting CreateContainerConfigError",
            Pod("Pending", """{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"CreateContainerConfigError"}}}""")),
        Pods("CS-POD-WAITING", false, "waiting PodInitializing",
            Pod("Pending", """{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}""")),
        Pods("CS-POD-FAILED", true, "phase Failed (Evicted)", Pod("Failed", extra: ""","reason":"Evicted","message":"low on memory" """)),
        Pods("CS-POD-FAILED", false, "phase Succeeded", Pod("Succeeded")),
        Pods("CS-POD-NOTREADY", true, "running, container not ready",
            Pod("Running", """{"name":"app","ready":false,"restartCount":0,"state":{"running":{}}}""")),
        Pods("CS-POD-NOTREADY", false, "running and ready", Pod("Running", RunningReady)),
        Pods("CS-POD-PENDING", true, "unschedulable",
            Pod("Pending", extra: ""","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable"}]""")),
        Pods("CS-POD-PENDING", false, "running and ready", Pod("Running", RunningReady)),
        Pods("CS-POD-UNKNOWN", true, "phase Unknown", Pod("Unknown")),
        Pods("CS-POD-UNKNOWN", false, "running and ready", Pod("Running", RunningReady)),
        .. AuditCheckCases.All,
        .. Skills.AuditNetwork.NetworkCheckCases.All,
        .. Skills.AuditCost.CostCheckCases.All,
        .. Skills.Karpenter.KarpenterCheckCases.All,
    ];
}
