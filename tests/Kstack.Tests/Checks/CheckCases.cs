using Kstack.Kube;
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

    public static readonly IReadOnlyList<CheckCase> All =
    [
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
    ];
}
