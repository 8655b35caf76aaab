using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Investigate;
using Kstack.Skills.Shared;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.Investigate;

/// <summary>
/// The bundle file, the --json summary and agent_context of /investigate, byte for byte, for one investigation that fills
/// every field (a workload over a crash-looping pod with hostile cluster text). The expected files were written by the
/// hand-written Utf8JsonWriter code these documents replaced, so a change of shape or escaping shows here.
/// </summary>
public class BundleDocumentTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private const string PodJson = """
        {"metadata":{"name":"ledger-7c9-x2k4p","namespace":"orders","uid":"u-pod","creationTimestamp":"2026-01-01T09:00:00Z",
          "ownerReferences":[{"kind":"ReplicaSet","name":"ledger-7c9","uid":"u-rs","controller":true}]},
         "spec":{"nodeName":"w-1","serviceAccountName":"ledger","containers":[
           {"name":"app","image":"r/ledger:1.4","resources":{"limits":{"memory":"512Mi","cpu":"1"},"requests":{"memory":"256Mi","cpu":"250m"}},
            "env":[{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db-creds","key":"url"}}}]}],
           "initContainers":[{"name":"migrate","image":"r/migrate:2"}]},
         "status":{"phase":"Running","reason":"Evicted?\u001b[31m","message":"say \"hi\" token=abc123secret","conditions":[
            {"type":"Ready","status":"False","reason":"ContainersNotReady","message":"containers with unready status: [app]","lastTransitionTime":"2026-01-01T09:30:00Z"},
            {"type":"PodScheduled","status":"True"}],
          "initContainerStatuses":[{"name":"migrate","ready":true,"restartCount":0,"state":{"terminated":{"reason":"Completed","exitCode":0,"startedAt":"2026-01-01T09:00:05Z","finishedAt":"2026-01-01T09:00:09Z"}}}],
          "containerStatuses":[{"name":"app","ready":false,"restartCount":23,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s restarting failed container"}},
            "lastState":{"terminated":{"reason":"OOMKilled","exitCode":137,"startedAt":"2026-01-01T09:59:00Z","finishedAt":"2026-01-01T10:00:23Z","message":"killed \"now\""}}}]}}
        """;

    private const string DeploymentJson = """
        {"metadata":{"name":"ledger","namespace":"orders","uid":"u-dep"},"spec":{"replicas":1},
         "status":{"readyReplicas":0,"updatedReplicas":1,"availableReplicas":0,"conditions":[
           {"type":"Available","status":"False","reason":"MinimumReplicasUnavailable","message":"Deployment does not have minimum availability.","lastTransitionTime":"2026-01-01T09:10:00Z"}]}}
        """;

    private const string EventJson = """
        {"type":"Warning","reason":"BackOff","count":487,"firstTimestamp":"2026-01-01T09:01:00Z","lastTimestamp":"2026-01-01T10:00:00Z",
         "message":"Back-off restarting failed container app in pod ledger-7c9-x2k4p_orders(\"u-pod\") — ünïcödé","metadata":{"namespace":"orders"},
         "involvedObject":{"kind":"Pod","name":"ledger-7c9-x2k4p","namespace":"orders","uid":"u-pod"}}
        """;

    private const string NodeJson = """
        {"metadata":{"name":"w-1"},"spec":{"unschedulable":true},"status":{"conditions":[
          {"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status"},
          {"type":"MemoryPressure","status":"True","reason":"KubeletHasInsufficientMemory","message":"kubelet has insufficient memory available"}]}}
        """;

    internal static Investigation Fixture()
    {
        var inv = SkillTester.Investigation(
            pods: [PodJson], events: [EventJson], nodes: [NodeJson], workloads: [("Deployment", DeploymentJson)],
            services: [new ServiceView("ledger", 0, 1, "EndpointSlice"), new ServiceView("ledger-admin", 0, 0, "Endpoints", "endpoints not readable")],
            refs: [new RefView("Secret", "db-creds", "present", null, "env DB (app)", false), new RefView("ConfigMap", "ledger-cfg", "missing", "not found: \"ledger-cfg\"", "volume cfg", true),
                   new RefView("PersistentVolumeClaim", "data", "Bound", "class standard", "volume data", false)],
            logs: [new LogView("ledger-7c9-x2k4p", "app", true, LogNarrower.Narrow("start\nException in thread \"main\" java.lang.OutOfMemoryError: Java heap space\npassword=hunter2\n"), null),
                   new LogView("ledger-7c9-x2k4p", "app", false, null, "container \"app\" is waiting to start")]);
        var target = new ObjectView("Deployment", "orders", "ledger", "u-dep", null, inv.Owners[0].Status, inv.Owners[0].Conditions);
        return inv with
        {
            Kind = KindInfo.Deployment, Namespace = "orders", Name = "ledger", Target = target, Owners = [],
            Intermediates = [ObjectView.From("ReplicaSet", J("""{"metadata":{"name":"ledger-7c9","namespace":"orders","uid":"u-rs"},"spec":{"replicas":1},"status":{"readyReplicas":0}}""")), ObjectView.Unread("ReplicaSet", "orders", "ledger-6b1")],
            Unreadable = [new Unreadable("events in orders", "forbidden: User \"ci\" cannot list resource \"events\""), new Unreadable("nodes", "HTTP 503")],
        };
    }

    private const string BundlePath = "/cache/investigate/deployment_orders_ledger.json";

    private static string Expected(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Skills", "Investigate", "Fixtures", name)).TrimEnd('\n');

    [Fact]
    public void Bundle_file_keeps_its_shape()
    {
        var inv = Fixture();
        using var stream = new MemoryStream();
        BundleWriter.Write(stream, inv, Findings.Evaluate(inv), BundlePath);
        Assert.Equal(Expected("bundle.json"), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Json_summary_keeps_its_shape()
    {
        var inv = Fixture();
        Assert.Equal(Expected("summary.json"), InvestigateRenderer.Json(inv, Findings.Evaluate(inv), BundlePath));
    }

    [Fact]
    public void Agent_context_keeps_its_shape()
    {
        var inv = Fixture();
        Assert.Equal(Expected("agent-context.json"), InvestigateCommand.AgentContextFor(inv, Findings.Evaluate(inv), BundlePath, "/cache"));
    }
}
