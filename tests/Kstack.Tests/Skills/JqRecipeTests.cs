using System.Text.RegularExpressions;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills;

/// <summary>
/// Every `jq` recipe a SKILL.md prints is run against the demo scenario's cache (the files the skill wrote; for
/// /audit-security the audit scenario's findings file, for /audit-network the audit-network scenario's, for /karpenter the karpenter scenario's, for /alerts the alerts scenario's cache) and must give
/// its expected answer; a recipe without an expectation here fails the test, so none goes untested.
/// </summary>
public class JqRecipeTests
{
    public sealed record Recipe(string Skill, string Label, string Command);

    /// <summary>Backticked `jq …` commands in skills/*/SKILL.md.tmpl, labelled by their list item ("- not-ready pods: …").</summary>
    public static IReadOnlyList<Recipe> Recipes()
    {
        var list = new List<Recipe>();
        foreach (var file in Directory.GetFiles(Path.Combine(KstackProcess.RepoRoot, "skills"), "SKILL.md.tmpl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var skill = Path.GetFileName(Path.GetDirectoryName(file)!);
            var label = "";
            foreach (var line in File.ReadLines(file))
            {
                if (Regex.Match(line, @"^- ([^:`]+?)( \(.*\))?:") is { Success: true } m) label = m.Groups[1].Value.Trim();
                foreach (Match jq in Regex.Matches(line, "`(jq [^`]+)`"))
                    list.Add(new Recipe(skill, label, jq.Groups[1].Value));
            }
        }
        return list;
    }

    private sealed record Expectation(IReadOnlyList<(string From, string To)> Substitutions, Action<string[]> Check, string Bundle = "ledger");

    private static string Q(string path) => "'" + path.Replace("'", "'\\''") + "'";

    private static Action<string[]> Exactly(params string[] lines) => actual => Assert.Equal(lines, actual);

    private static Action<string[]> Fields(params string[][] rows) => actual =>
        Assert.Equal(rows.Select(r => string.Join(" ", r)), actual.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));

    private static readonly Dictionary<(string, string), Expectation> Expected = new()
    {
        [("cluster-status", "list pods")] = new([], lines =>
        {
            Assert.Equal(38, lines.Length);
            Assert.Contains("orders ledger-6f7d9c5b84-x2k4p Running 23 worker-a", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
            Assert.Contains("batch nightly-report-29454360-7hx2c Pending 0", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
        }),
        [("cluster-status", "pods on a node")] = new([("NODE", "worker-d")],
            Exactly("kube-system/kube-proxy-vz9bl", "monitoring/prometheus-node-exporter-r4wvm")),
        // 37 pods that have not succeeded, 29 Ready (the /cluster-status headline): these 8, Pending pods without
        // containerStatuses included.
        [("cluster-status", "not-ready pods")] = new([], Exactly(
            "batch/nightly-report-29454360-7hx2c", "orders/ledger-6f7d9c5b84-x2k4p", "orders/order-events-consumer-1",
            "payments/payment-gateway-5c8f7b9d44-mx7qz", "team-b/model-trainer-v3-zk5fp", "team-b/reports-ui-5f6d7c8b9d-gk2rt",
            "web/frontend-84c6d5b7f8-q9v7d", "web/legacy-admin")),
        [("cluster-status", "list nodes")] = new([], Fields(
            ["ctrl-01", "True", "v1.31.2"], ["worker-a", "True", "v1.31.2"], ["worker-b", "True", "v1.31.2"],
            ["worker-c", "True", "v1.31.2"], ["worker-d", "Unknown", "v1.31.2"])),
        [("cluster-status", "tainted nodes")] = new([], Exactly(
            "ctrl-01  node-role.kubernetes.io/control-plane:NoSchedule",
            "worker-c  node.kubernetes.io/memory-pressure:NoSchedule",
            "worker-d  node.kubernetes.io/unreachable:NoSchedule,node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unschedulable:NoSchedule")),
        [("cluster-status", "a pod's owner")] = new([("\"RS\"", "\"ledger-6f7d9c5b84\"")], Exactly("Deployment/ledger")),
        [("events", "only one namespace")] = new([("\"NS\"", "\"payments\"")], lines =>
        {
            Assert.Equal(6, lines.Length);
            Assert.Contains("Warning\tUnhealthy\tpayment-gateway-5c8f7b9d44-mx7qz\tReadiness probe failed: HTTP probe failed with statuscode: 503", lines);
            Assert.All(lines, l => Assert.Matches(@"^(Normal|Warning)\t\S+\t\S+\t", l));
        }),
        [("events", "events on an object")] = new([("--arg n NAME", "--arg n worker-d")], Exactly(
            "Normal\tNodeNotReady\tNode worker-d status is now: NodeNotReady",
            "Normal\tNodeNotSchedulable\tNode worker-d status is now: NodeNotSchedulable")),
        [("events", "events for a workload")] = new([("Deployment/NAME", "Deployment/checkout")], Exactly("checkout-5f7b8c9d6d")),
        [("events", "show suppressed")] = new([], lines =>
        {
            Assert.Equal(37, lines.Length);
            Assert.All(lines, l => Assert.Matches(@"^(Pulled|Pulling|Created|Started|Scheduled|SuccessfulCreate)\t\S+$", l));
            Assert.Contains("Pulled\tledger-6f7d9c5b84-x2k4p", lines);
        }),
        [("investigate", "all evidence of one rule")] = new([], lines =>
        {
            Assert.StartsWith("container ledger OOMKilled (exit 137), restarted 23×", lines[0]);
            Assert.Contains("resources: memory limit 512Mi, request 512Mi", lines);
        }),
        [("investigate", "log excerpt")] = new([("\"NAME\"", "\"ledger\"")], lines =>
        {
            Assert.Equal(30, lines.Length);
            Assert.StartsWith("Picked up JAVA_TOOL_OPTIONS", lines[0]);
            Assert.Contains(lines, l => l.Contains("java.lang.OutOfMemoryError: Java heap space"));
        }),
        [("investigate", "exit codes")] = new([], Exactly("ledger\t137\tSIGKILL from the kernel OOM killer: the container exceeded its memory limit")),
        [("investigate", "warning events")] = new([], lines =>
        {
            var row = Assert.Single(lines).Split('\t');
            Assert.Equal(["BackOff", "Pod/ledger-6f7d9c5b84-x2k4p"], new[] { row[0], row[2] });
            Assert.StartsWith("Back-off restarting failed container ledger", row[3]);
        }),
        [("investigate", "missing references")] = new([], Exactly("Secret/legacy-admin-tls missing"), Bundle: "legacy-admin"),
        // audit-security recipes run on the audit scenario's findings file, audited against a baseline without SEC-PSS-PRIVILEGED.
        [("audit-security", "findings of one check")] = new([], Fields(
            ["Deployment", "wild", "root-shell", "shell", "spec.containers[0].securityContext.privileged"],
            ["Pod", "wild", "debug-tools", "setup", "spec.initContainers[0].securityContext.privileged"])),
        [("audit-security", "everything about one namespace")] = new([("--arg n NS", "--arg n wild")], lines =>
        {
            var rows = lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")).ToList();
            Assert.Contains("critical SEC-PSS-PRIVILEGED Deployment/root-shell spec.containers[0].securityContext.privileged", rows);
            Assert.Contains("critical SEC-PSS-PRIVILEGED Pod/debug-tools spec.initContainers[0].securityContext.privileged", rows);
            Assert.All(rows, r => Assert.Matches(@"^(critical|high|medium|low|info) SEC-", r));
        }),
        [("audit-security", "critical and high only")] = new([], lines =>
        {
            Assert.Equal(34, lines.Length); // 11 critical + 23 high, the skill's own counts for this scenario
            Assert.All(lines, l => Assert.Matches(@"^(critical|high)\s+SEC-", l));
            Assert.Contains("critical SEC-RBAC-ANONYMOUS ClusterRoleBinding//anonymous-view", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
        }),
        [("audit-security", "counts per check")] = new([], lines =>
        {
            var rows = lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")).ToList();
            Assert.Contains("SEC-PSS-PRIVILEGED 2", rows);
            Assert.Contains("SEC-RBAC-WILDCARD 3", rows);
            Assert.Equal(116, rows.Sum(r => int.Parse(r.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        }),
        [("audit-security", "what a subject can do")] = new([("--arg s NAME", "--arg s ci-superuser")], Exactly(
            "SEC-RBAC-CLUSTER-ADMIN\troleRef\tclusterrole/ci-superuser → user/ci-bot",
            "SEC-RBAC-WILDCARD\trules[0].apiGroups\t*", "SEC-RBAC-WILDCARD\trules[0].resources\t*", "SEC-RBAC-WILDCARD\trules[0].verbs\t*")),
        [("audit-security", "new since the baseline")] = new([], Exactly("SEC-PSS-PRIVILEGED\tDeployment/root-shell", "SEC-PSS-PRIVILEGED\tPod/debug-tools")),
        [("audit-security", "which checks map to a standard")] = new([], Exactly("SEC-RBAC-WILDCARD")),
        // alerts recipes run on the alerts scenario's cache (Alertmanager's own JSON; the order is Alertmanager's, by fingerprint).
        [("alerts", "firing alerts")] = new([], lines => Assert.Equal(
            ["critical\t-\tNodeFilesystemAlmostFull", "info\tshop\tKubeQuotaAlmostFull", "none\t-\tWatchdog", "none\tshop\tInfoInhibitor",
             "warning\tshop\tKubeDeploymentReplicasMismatch", "warning\tshop\tKubePodCrashLooping", "warning\tshop\tKubePodCrashLooping"],
            lines.Order(StringComparer.Ordinal))),
        [("alerts", "suppressed and why")] = new([], lines => Assert.Equal(
            ["KubeContainerWaiting\t0\t1\t0", "KubeJobFailed\t0\t0\t1", "TargetDown\t1\t0\t0"], lines.Order(StringComparer.Ordinal))),
        [("alerts", "alerts in one namespace")] = new([("--arg ns NS", "--arg ns shop")], lines => Assert.Equal(
            ["active\tInfoInhibitor\t", "active\tKubeDeploymentReplicasMismatch\tcheckout", "active\tKubePodCrashLooping\tcheckout-7d9f6c5b8-k2x9p",
             "active\tKubePodCrashLooping\tcheckout-7d9f6c5b8-w4m7t", "active\tKubeQuotaAlmostFull\t", "suppressed\tKubeContainerWaiting\tcheckout-7d9f6c5b8-k2x9p"],
            lines.Order(StringComparer.Ordinal))),
        // audit-cost recipes run on the audit-cost scenario's findings file (the oracle of AuditCostSimTests).
        [("audit-cost", "unused storage")] = new([], lines => Assert.Equal(
            ["COST-PV-AVAILABLE\tPersistentVolume//pv-available", "COST-PV-RELEASED\tPersistentVolume//pv-released",
             "COST-PVC-UNMOUNTED\tPersistentVolumeClaim/waste/data-old-db-0", "COST-PVC-UNMOUNTED\tPersistentVolumeClaim/waste/orphan-data"],
            lines.Select(l => string.Join("\t", l.Split('\t')[..2])).Order(StringComparer.Ordinal))),
        [("audit-cost", "idle nodes and pools")] = new([], Exactly(
            "NodePool/general\trequested CPU 3.5 of 8 (44 %), memory 7Gi of 32Gi (22 %) over 2 nodes; idle 4.5 CPU, 25Gi",
            "Node/node-a\trequested CPU 500m of 4 (13 %), memory 1Gi of 16Gi (6 %) (pool general); idle 3.5 CPU, 15Gi")),
        [("audit-cost", "containers without requests")] = new([], lines => Assert.Equal(
            ["COST-CPU-REQUEST-MISSING Deployment/waste/greedy app 1", "COST-MEMORY-REQUEST-MISSING Deployment/waste/greedy app 1"],
            lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")))),
        [("audit-cost", "everything about one namespace")] = new([("--arg n NS", "--arg n waste")], lines =>
        {
            Assert.Contains("low\tCOST-WORKLOAD-SCALED-TO-ZERO\tStatefulSet/old-db\t0 replicas, unchanged for 45d", lines);
            Assert.Contains("medium\tCOST-CRONJOB-ALWAYS-FAILING\tCronJob/nightly\t2 of 2 kept Jobs failed; last success 20d ago", lines);
            Assert.All(lines, l => Assert.Matches(@"^(critical|high|medium|low|info)\tCOST-", l));
        }),
        [("audit-cost", "right-sizing, ranked")] = new([], lines => Assert.Equal(
            ["Deployment/waste/capped app 1 2 0.3 3291Mi high", "Deployment/tuned/batch-api app 1 1 0.2 1024Mi medium",
             "Deployment/waste/broken app 2 0.25 0.05 564Mi high"],
            lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")))),
        [("audit-cost", "counts per check")] = new([], lines =>
        {
            var rows = lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")).ToList();
            Assert.Contains("COST-PVC-UNMOUNTED 2", rows);
            Assert.Contains("COST-WORKLOAD-SCALED-TO-ZERO 2", rows);
            Assert.Equal(AuditCost.AuditCostSimTests.Planted.Length, rows.Sum(r => int.Parse(r.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        }),
        // audit-network recipes run on the audit-network scenario's findings file (the oracle of AuditNetworkSimTests).
        [("audit-network", "uncovered namespaces")] = new([], Exactly("exposed\t3 pods, no NetworkPolicy", "kube-system\t1 pod, no NetworkPolicy")),
        [("audit-network", "dead selectors and references")] = new([], lines => Assert.Equal(
            new[]
            {
                "NET-ING-BACKEND-MISSING Ingress/exposed/broken", "NET-ING-BACKEND-PORT-UNDEFINED Ingress/exposed/broken", "NET-ING-CLASS-MISSING Ingress/exposed/wrongclass",
                "NET-ING-TLS-SECRET-MISSING Ingress/exposed/broken", "NET-NETPOL-PEER-SELECTS-NOTHING NetworkPolicy/partial/api-ingress",
                "NET-NETPOL-PEER-SELECTS-NOTHING NetworkPolicy/partial/api-ingress", "NET-NETPOL-PORT-UNDEFINED NetworkPolicy/partial/api-ingress",
                "NET-NETPOL-SELECTS-NOTHING NetworkPolicy/partial/ghost", "NET-ROUTE-BACKEND-MISSING HTTPRoute/exposed/orphan",
                "NET-ROUTE-BACKEND-MISSING HTTPRoute/exposed/refused", "NET-SVC-SELECTOR-NO-PODS Service/exposed/dead",
                "NET-SVC-TARGETPORT-NAME-UNDEFINED Service/exposed/badname",
            },
            lines.Select(l => string.Join(" ", Regex.Split(l.Trim(), @"\s+")[..2])).Order(StringComparer.Ordinal))),
        [("audit-network", "everything about one namespace")] = new([("--arg n NS", "--arg n partial")], lines =>
        {
            Assert.Equal(9, lines.Length);
            Assert.Contains("medium NET-NETPOL-SELECTS-NOTHING NetworkPolicy/ghost spec.podSelector", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
            Assert.Contains("low NET-NETPOL-NO-DEFAULT-DENY-EGRESS Namespace/partial networkpolicies", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
        }),
        [("audit-network", "counts per check")] = new([], lines =>
        {
            Assert.Equal(36, lines.Length);
            Assert.Contains("NET-ROUTE-BACKEND-MISSING 2", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
            Assert.Contains("NET-NETPOL-NAMESPACE-UNCOVERED 2", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
        }),
        [("audit-network", "certificates")] = new([], lines => Assert.Equal(
            ["NET-TLS-CERT-EXPIRED\tCertificate/exposed/expired", "NET-TLS-CERT-EXPIRING\tCertificate/exposed/expiring",
             "NET-TLS-CERT-NOT-READY\tCertificate/exposed/expired", "NET-TLS-EXPIRY-UNCHECKED\tSecret/exposed/legacy-cert"],
            lines.Select(l => string.Join("\t", l.Split('\t')[..2])).Order(StringComparer.Ordinal))),
        [("karpenter", "stuck NodeClaims")] = new([], lines => Assert.Equal(
            ["KARP-CLAIM-DISRUPTING\tgeneral-old", "KARP-CLAIM-DRIFTED\tgeneral-old", "KARP-CLAIM-NOT-INITIALIZED\tgeneral-uninit",
             "KARP-CLAIM-NOT-LAUNCHED\tbatch-stuck", "KARP-CLAIM-NOT-REGISTERED\tgeneral-unregistered", "KARP-CLAIM-TERMINATION-STUCK\tgeneral-deleting"],
            lines.Select(l => string.Join("\t", l.Split('\t')[..2])).Order(StringComparer.Ordinal))),
        [("karpenter", "why pods stay pending")] = new([], lines =>
        {
            Assert.Equal(["ml/etl\t1", "ml/trainer\t2"], lines.Select(l => string.Join("\t", l.Split('\t')[..2])).Order(StringComparer.Ordinal));
            Assert.Contains("general: nodeSelector accelerator=a100 not offered", lines.Single(l => l.StartsWith("ml/trainer", StringComparison.Ordinal)));
        }),
        [("karpenter", "everything about one pool")] = new([("--arg p POOL", "--arg p batch")], lines => Assert.Equal(
            ["KARP-COST-NODE-UNDERUTILIZED", "KARP-COST-ON-DEMAND-ONLY", "KARP-COST-WHEN-EMPTY-ONLY", "KARP-POOL-AT-LIMIT", "KARP-POOL-BUDGET-BLOCKS-ALL",
             "KARP-POOL-NEAR-LIMIT", "KARP-POOL-NO-TERMINATION-GRACE", "KARP-POOL-REGISTRATION-UNHEALTHY"],
            lines.Select(l => l.Split('\t')[1]).Order(StringComparer.Ordinal))),
        [("karpenter", "pools against their limits")] = new([], lines => Assert.Equal(
            ["batch\t40\t40\t160Gi\t150Gi", "edge\t16\t0\t64Gi\t0", "general\t100\t12\t400Gi\t48Gi", "gpu\tnone\t0\tnone\t0", "legacy\t20\t0\tnone\t0"],
            lines.Order(StringComparer.Ordinal))),
        [("karpenter", "counts per check")] = new([], lines =>
        {
            Assert.Equal(35, lines.Length);
            Assert.Contains("KARP-POOL-NOT-READY 3", lines.Select(l => Regex.Replace(l.Trim(), @"\s+", " ")));
        }),
        [("alerts", "the silence behind an alert")] = new([("--arg a NAME", "--arg a TargetDown")], lines =>
        {
            var row = Assert.Single(lines).Split('\t');
            Assert.Equal(["5c1e7a2b-8d3f-4e6a-9b0c-1f2e3d4c5b6a", "alice@example.com"], row[..2]);
            Assert.Equal("Node exporter rollout, tracked in OPS-1234", row[3]);
        }),
    };

    [Fact]
    public async Task Every_jq_recipe_in_a_skill_md_gives_its_expected_answer_on_the_demo_cache()
    {
        var recipes = Recipes();
        Assert.True(recipes.Count >= 15, $"found only {recipes.Count} recipes");
        var untested = recipes.Where(r => !Expected.ContainsKey((r.Skill, r.Label))).Select(r => $"{r.Skill}: {r.Label}").ToList();
        Assert.True(untested.Count == 0, "recipes without an expected answer: " + string.Join("; ", untested));
        var stale = Expected.Keys.Where(k => !recipes.Any(r => (r.Skill, r.Label) == k)).ToList();
        Assert.True(stale.Count == 0, "expectations for recipes no SKILL.md prints: " + string.Join("; ", stale));

        await using var sim = await SimCluster.StartAsync("demo");
        var dir = sim.Kstack("cluster-status").AssertOk().CacheDir;
        var events = sim.Kstack("events").AssertOk();
        Assert.Equal(dir, events.CacheDir);
        var owners = (string)events.AgentContext["owners_file"]!;
        var bundles = new Dictionary<string, string>
        {
            ["ledger"] = (string)sim.Kstack("investigate", "deployment/ledger", "-n", "orders").AssertOk().AgentContext["bundle"]!,
            ["legacy-admin"] = (string)sim.Kstack("investigate", "pod/legacy-admin", "-n", "web").AssertOk().AgentContext["bundle"]!,
        };

        await using var alerts = await SimCluster.StartAsync("alerts");
        var alertsDir = alerts.Kstack("alerts").AssertOk().CacheDir;

        await using var audit = await SimCluster.StartAsync("audit");
        var firstAudit = (string)audit.Kstack("audit-security").AssertOk().AgentContext["findings_file"]!;
        var baseline = Path.Combine(audit.Dir, "baseline.json");
        var dropped = KstackProcess.Run("/bin/bash", ["-c", $"jq '.findings |= map(select(.check != \"SEC-PSS-PRIVILEGED\"))' {Q(firstAudit)} > {Q(baseline)}"], new Dictionary<string, string?>());
        Assert.True(dropped.Exit == 0, dropped.Stderr);
        var findings = (string)audit.Kstack("audit-security", "--baseline", baseline).AssertOk().AgentContext["findings_file"]!;

        await using var network = await SimCluster.StartAsync("audit-network");
        var networkFindings = (string)network.Kstack("audit-network").AssertOk().AgentContext["findings_file"]!;

        await using var cost = await SimCluster.StartAsync("audit-cost");
        var costRun = cost.Kstack("audit-cost").AssertOk();
        var costFindings = (string)costRun.AgentContext["findings_file"]!;
        var costRightsizing = (string)costRun.AgentContext["rightsizing_file"]!;

        await using var karpenter = await SimCluster.StartAsync("karpenter");
        var karpenterRun = karpenter.Kstack("karpenter").AssertOk();
        var karpenterFindings = (string)karpenterRun.AgentContext["findings_file"]!;

        foreach (var recipe in recipes)
        {
            var findingsFile = recipe.Skill switch { "audit-network" => networkFindings, "audit-cost" => costFindings, "karpenter" => karpenterFindings, _ => findings };
            var expected = Expected[(recipe.Skill, recipe.Label)];
            var command = recipe.Command;
            foreach (var (from, to) in expected.Substitutions)
            {
                Assert.True(command.Contains(from), $"{recipe.Skill}: {recipe.Label}: placeholder {from} not in {command}");
                command = command.Replace(from, to);
            }
            command = command.Replace(" D/", " " + Q(recipe.Skill switch { "alerts" => alertsDir, "karpenter" => karpenterRun.CacheDir, _ => dir }) + "/").Replace(" OWNERS_FILE", " " + Q(owners));
            if (command.EndsWith(" B", StringComparison.Ordinal)) command = command[..^1] + Q(bundles[expected.Bundle]);
            if (command.EndsWith(" F", StringComparison.Ordinal)) command = command[..^1] + Q(findingsFile);
            else if (command.EndsWith(" R | column -t", StringComparison.Ordinal)) command = command[..^" R | column -t".Length] + " " + Q(costRightsizing) + " | column -t";
            else if (command.EndsWith(" F | column -t", StringComparison.Ordinal)) command = command[..^" F | column -t".Length] + " " + Q(findingsFile) + " | column -t";
            var output = KstackProcess.Run("/bin/bash", ["-c", "set -o pipefail; " + command], new Dictionary<string, string?>());
            Assert.True(output.Exit == 0, $"{recipe.Skill}: {recipe.Label}: exit {output.Exit}: {output.Stderr}\n{command}");
            var lines = output.Stdout.TrimEnd('\n').Split('\n');
            try
            {
                expected.Check(output.Stdout.Length == 0 ? [] : lines);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{recipe.Skill}: {recipe.Label}: {command}\n{e.Message}");
            }
        }
    }
}
