using System.Text.Json.Nodes;
using Kstack.Skills.AuditSecurity;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.AuditSecurity;

/// <summary>/audit-security through the built binary against kstack-sim's `audit` scenario over real HTTPS.</summary>
public class AuditSecuritySimTests
{
    /// <summary>The oracle: every planted problem, as (check, subject kind/namespace/name). See tests/scenarios/CONTENTS.md §audit.</summary>
    public static readonly (string Check, string Subject)[] Planted =
    [
        ("SEC-PSS-PRIVILEGED", "Deployment/wild/root-shell"), ("SEC-PSS-PRIVILEGED", "Pod/wild/debug-tools"),
        ("SEC-PSS-HOST-NAMESPACES", "Deployment/wild/root-shell"), ("SEC-PSS-HOST-NAMESPACES", "Job/wild/win-host"),
        ("SEC-PSS-CAPABILITIES-BASELINE", "Deployment/wild/root-shell"), ("SEC-PSS-CAPABILITIES-BASELINE", "Pod/wild/debug-tools"),
        ("SEC-PSS-CAPABILITIES-BASELINE", "DaemonSet/legacy/old-agent"),
        ("SEC-PSS-HOST-PATH", "Deployment/wild/root-shell"), ("SEC-PSS-HOST-PATH", "DaemonSet/legacy/old-agent"),
        ("SEC-PSS-HOST-PORTS", "Deployment/wild/root-shell"), ("SEC-PSS-APPARMOR", "Deployment/wild/root-shell"),
        ("SEC-PSS-SELINUX", "Pod/wild/debug-tools"), ("SEC-PSS-PROC-MOUNT", "Pod/wild/debug-tools"),
        ("SEC-PSS-SECCOMP-UNCONFINED", "Deployment/wild/root-shell"), ("SEC-PSS-SYSCTLS", "Pod/wild/debug-tools"),
        ("SEC-PSS-WINDOWS-HOST-PROCESS", "Job/wild/win-host"), ("SEC-PSS-VOLUME-TYPES", "Job/wild/orphan-runner"),
        ("SEC-PSS-PRIVILEGE-ESCALATION", "Deployment/wild/root-shell"), ("SEC-PSS-RUN-AS-NON-ROOT", "Pod/default/stray"),
        ("SEC-PSS-RUN-AS-ROOT-USER", "Deployment/wild/root-shell"), ("SEC-PSS-SECCOMP-MISSING", "Pod/default/stray"),
        ("SEC-PSS-CAPABILITIES-NOT-DROPPED", "Pod/default/stray"),
        ("SEC-NS-PSA-MISSING", "Namespace//wild"), ("SEC-NS-PSA-MISSING", "Namespace//default"), ("SEC-NS-PSA-PRIVILEGED", "Namespace//ops"),
        ("SEC-NS-PSA-VIOLATION", "DaemonSet/legacy/old-agent"),
        ("SEC-POD-WRITABLE-ROOT-FS", "Pod/default/stray"), ("SEC-POD-NO-HARDENING", "Pod/default/stray"),
        ("SEC-POD-NO-SECURITY-CONTEXT", "Pod/default/stray"), ("SEC-POD-NO-LIMITS", "Deployment/wild/root-shell"),
        ("SEC-POD-HOSTPATH-SENSITIVE", "Deployment/wild/root-shell"), ("SEC-POD-HOSTPATH-SENSITIVE", "Pod/wild/debug-tools"),
        ("SEC-POD-HOSTPATH-WRITABLE", "Deployment/wild/root-shell"), ("SEC-POD-SUDO", "Pod/wild/debug-tools"),
        ("SEC-POD-NO-OWNER", "Pod/wild/debug-tools"), ("SEC-POD-NO-OWNER", "Pod/default/stray"),
        ("SEC-WORKLOAD-DEFAULT-NAMESPACE", "Pod/default/stray"),
        ("SEC-IMAGE-LATEST", "Deployment/wild/root-shell"), ("SEC-IMAGE-LATEST", "Pod/wild/debug-tools"),
        ("SEC-IMAGE-NO-DIGEST", "Pod/default/stray"), ("SEC-IMAGE-DEPRECATED-REGISTRY", "Pod/wild/debug-tools"),
        ("SEC-IMAGE-INGRESS-NGINX-EOL", "DaemonSet/ops/ingress-nginx-controller"),
        ("SEC-ENV-LITERAL-CREDENTIAL", "Deployment/wild/root-shell"), ("SEC-SECRET-AS-ENV", "Deployment/wild/root-shell"),
        ("SEC-SECRET-LEGACY-SA-TOKEN", "Secret/wild/builder-token"), ("SEC-SECRET-UNUSED", "Secret/wild/orphan-creds"),
        ("SEC-SA-AUTOMOUNT", "Deployment/wild/root-shell"), ("SEC-SA-AUTOMOUNT", "Pod/wild/debug-tools"),
        ("SEC-SA-DEFAULT-USED", "Pod/default/stray"), ("SEC-SA-MISSING", "Job/wild/orphan-runner"),
        ("SEC-RBAC-WILDCARD", "ClusterRole//ci-superuser"), ("SEC-RBAC-CLUSTER-ADMIN", "ClusterRoleBinding//ci-superuser"),
        ("SEC-RBAC-CLUSTER-ADMIN", "ClusterRoleBinding//dev-admins"), ("SEC-RBAC-SYSTEM-MASTERS", "ClusterRoleBinding//break-glass"),
        ("SEC-RBAC-ANONYMOUS", "ClusterRoleBinding//anonymous-view"), ("SEC-RBAC-ALL-AUTHENTICATED", "ClusterRoleBinding//all-authenticated-read"),
        ("SEC-RBAC-MISSING-SUBJECT", "RoleBinding/wild/ghost-binding"), ("SEC-RBAC-MISSING-ROLE", "RoleBinding/wild/dangling-role"),
        ("SEC-RBAC-DEFAULT-SA-RIGHTS", "ServiceAccount/wild/default"),
        ("SEC-RBAC-SECRETS-READ", "ServiceAccount/ops/prom"), ("SEC-RBAC-SECRETS-READ", "ServiceAccount/wild/default"),
        ("SEC-RBAC-ESCALATE", "User//mallory"), ("SEC-RBAC-POD-EXEC", "ServiceAccount/wild/support"),
        ("SEC-RBAC-NODES-PROXY", "Group//sre"), ("SEC-RBAC-CREATE-PODS", "ServiceAccount/wild/default"),
        ("SEC-RBAC-CREATE-PV", "User//platform-bot"), ("SEC-RBAC-CSR-APPROVE", "User//platform-bot"),
        ("SEC-RBAC-WEBHOOK-CONFIG", "User//platform-bot"), ("SEC-RBAC-SA-TOKEN-CREATE", "ServiceAccount/wild/default"),
        ("SEC-RBAC-PORT-FORWARD", "ServiceAccount/wild/default"), ("SEC-RBAC-COREDNS-UPDATE", "User//dns-admin"),
        ("SEC-RBAC-WORKLOAD-TAKEOVER", "ServiceAccount/wild/default"),
    ];

    /// <summary>Checks that only fire at a policy version other than the scenario's v1.31 (covered by the unit tests).</summary>
    public static readonly string[] VersionGated = ["SEC-PSS-HOST-PROBES", "SEC-PSS-PROC-MOUNT-RESTRICTED"];

    private static string Subject(JsonNode f) =>
        $"{(string)f["subject"]!["kind"]!}/{(string?)f["subject"]!["namespace"]}/{(string)f["subject"]!["name"]!}";

    private static JsonObject Findings(SimCluster.Run run) =>
        JsonNode.Parse(File.ReadAllText((string)run.AgentContext["findings_file"]!))!.AsObject();

    [Fact]
    public async Task Names_every_planted_problem_and_nothing_on_the_clean_control()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var run = sim.Kstack("audit-security").AssertOk();
        Assert.Equal("agent", (string?)run.Envelope["render"]);
        Assert.True(run.Content.Length < 4000, $"content is {run.Content.Length} characters");
        var file = Findings(run);
        Assert.Equal("audit/1", (string?)file["schema"]);
        var found = file["findings"]!.AsArray().Select(f => ((string)f!["check"]!, Subject(f))).ToHashSet();
        var missing = Planted.Where(p => !found.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "not found: " + string.Join("; ", missing));

        // The clean control (and its namespace, account and Secret) passes every check.
        Assert.DoesNotContain(file["findings"]!.AsArray(), f => (string?)f!["subject"]!["namespace"] == "secure" || (string?)f!["subject"]!["name"] == "secure");
        // RoleBinding scoping: wild/support's ClusterRole lists nodes/proxy, which a RoleBinding cannot grant.
        Assert.DoesNotContain(found, f => f.Item1 == "SEC-RBAC-NODES-PROXY" && f.Item2.StartsWith("ServiceAccount/wild/", StringComparison.Ordinal));
        // Version awareness: the probe host of debug-tools is a violation only from policy 1.34; the cluster is v1.31.
        Assert.DoesNotContain(found, f => f.Item1 == "SEC-PSS-HOST-PROBES");
        // A Deployment's two replicas are one finding.
        var privileged = file["findings"]!.AsArray().Single(f => (string)f!["check"]! == "SEC-PSS-PRIVILEGED" && Subject(f!) == "Deployment/wild/root-shell");
        Assert.Equal(2, (int)privileged!["pods"]!);
        Assert.Equal("shell", (string?)privileged["subject"]!["container"]);
        Assert.Equal("spec.containers[0].securityContext.privileged", (string?)privileged["field"]);
        // In-cluster exemption annotations are listed, never honoured.
        Assert.Contains(file["inClusterExemptionAsks"]!.AsArray(), a => (string?)a!["annotation"] == "polaris.fairwinds.com/exempt");
        Assert.Contains("not honoured", run.Content);
        // Findings are ranked: the first one is critical and cluster-wide.
        Assert.Equal("critical", (string?)file["findings"]![0]!["severity"]);
        Assert.Equal("cluster", (string?)file["findings"]![0]!["blastRadius"]!["scope"]);
    }

    [Fact]
    public async Task On_a_generated_cluster_every_privileged_or_host_workload_is_named_once_and_the_summary_stays_small()
    {
        await using var sim = await SimCluster.StartAsync("healthy", generatePods: 2000);
        var run = sim.Kstack("audit-security").AssertOk();
        Assert.True(run.Content.Length < 4500, $"content is {run.Content.Length} characters");
        var file = Findings(run);

        // The oracle from the cached pods themselves: the Deployment (owner of the owner) of each privileged or hostNetwork pod.
        // (Only the generated Deployments: the scenario's own kube-system DaemonSets run on the host network too.)
        var pods = JsonNode.Parse(File.ReadAllText(Path.Combine(run.CacheDir, "pods.json")))!["items"]!.AsArray()
            .Where(p => (string?)p!["metadata"]!["ownerReferences"]?[0]?["kind"] == "ReplicaSet").ToList();
        string Deployment(JsonNode p)
        {
            var rs = (string)p["metadata"]!["ownerReferences"]![0]!["name"]!;
            return $"Deployment/{(string)p["metadata"]!["namespace"]!}/{rs[..rs.LastIndexOf('-')]}";
        }
        var privileged = pods.Where(p => p!["spec"]!["containers"]!.AsArray().Any(c => (bool?)c!["securityContext"]?["privileged"] == true))
            .Select(p => Deployment(p!)).ToHashSet();
        var hostNetwork = pods.Where(p => (bool?)p!["spec"]!["hostNetwork"] == true).Select(p => Deployment(p!)).ToHashSet();
        Assert.NotEmpty(privileged);
        Assert.NotEmpty(hostNetwork);

        var findings = file["findings"]!.AsArray();
        HashSet<string> Named(string check) => findings.Where(f => (string)f!["check"]! == check).Select(f => Subject(f!))
            .Where(s => s.StartsWith("Deployment/", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(privileged.Order(), Named("SEC-PSS-PRIVILEGED").Order());
        Assert.Equal(hostNetwork.Order(), Named("SEC-PSS-HOST-NAMESPACES").Order());
        // Hardened workloads (runAsNonRoot, no escalation, ALL dropped, RuntimeDefault) raise no pod-security finding.
        var hardened = pods.Where(p => (bool?)p!["spec"]!["securityContext"]?["runAsNonRoot"] == true).Select(p => Deployment(p!)).ToHashSet();
        Assert.NotEmpty(hardened);
        Assert.DoesNotContain(findings, f => ((string)f!["check"]!).StartsWith("SEC-PSS-", StringComparison.Ordinal) && hardened.Contains(Subject(f!)));
        // The planted grants: a namespace's default account bound to cluster-admin, and one that reads Secrets.
        Assert.Contains(findings, f => (string)f!["check"]! == "SEC-RBAC-CLUSTER-ADMIN" && Subject(f!).EndsWith("-default-cluster-admin", StringComparison.Ordinal));
        Assert.Contains(findings, f => (string)f!["check"]! == "SEC-RBAC-SECRETS-READ" && Subject(f!).StartsWith("ServiceAccount/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_catalogue_check_has_a_positive_case_in_the_scenario_or_the_unit_tests()
    {
        var positives = Planted.Select(p => p.Check).Concat(VersionGated).ToHashSet();
        Assert.DoesNotContain(SecurityChecks.All, c => !positives.Contains(c.Id));
        Assert.Equal(SecurityChecks.All.Count, SecurityChecks.All.Select(c => c.Id).Distinct().Count());
        Assert.All(SecurityChecks.All, c => Assert.NotEmpty(c.Standards));
    }

    [Fact]
    public async Task Reads_only_and_never_requests_or_prints_secret_data()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var run = sim.Kstack("audit-security").AssertOk();
        var sarif = Path.Combine(sim.Dir, "out.sarif");
        sim.Kstack("audit-security", "--format", "sarif", "--output", sarif).AssertOk();

        var audit = sim.Audit();
        Assert.NotEmpty(audit);
        Assert.All(audit, e => Assert.Contains((string)e["verb"]!, new[] { "get", "list", "watch" }));
        var secretReads = audit.Where(e => ((string)e["path"]!).Contains("/secrets", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(secretReads);
        Assert.All(secretReads, e => Assert.StartsWith("as=PartialObjectMetadataList", ((string)e["accept"]!).Split(';')[1].Trim()));

        var texts = new List<string> { run.Stdout, File.ReadAllText(sarif) };
        texts.AddRange(Directory.EnumerateFiles(run.CacheDir, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var text in texts)
        {
            Assert.DoesNotContain("KEY-CANARY-DO-NOT-LEAK", text);
            Assert.DoesNotContain("S0VZLUNBTkFSWS1ETy1OT1QtTEVBSw==", text);
            Assert.DoesNotContain("hunter2-PLANTED-ENV-VALUE", text);
        }
        // The cached pod list keeps a marker with a short hash in place of the credential-like env value.
        var pods = File.ReadAllText(Path.Combine(run.CacheDir, "pods.json"));
        Assert.Contains("[REDACTED:env sha256:", pods);
        Assert.Contains("\"value\":\"info\"", pods); // other values are kept as they are
    }

    [Fact]
    public async Task Sarif_validates_with_the_multitool_and_has_stable_locations_per_cluster()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var sarif = Path.Combine(sim.Dir, "audit.sarif");
        sim.Kstack("audit-security", "--format", "sarif", "--output", sarif).AssertOk();
        var log = JsonNode.Parse(File.ReadAllText(sarif))!;
        Assert.Equal("2.1.0", (string?)log["version"]);
        var run = log["runs"]![0]!;
        Assert.StartsWith("kstack/sim-admin/audit-security/", (string?)run["automationDetails"]!["id"]);
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();
        Assert.Equal(SecurityChecks.All.Count, rules.Count);
        Assert.All(rules, r => Assert.NotNull(r!["properties"]!["security-severity"]));
        var results = run["results"]!.AsArray();
        Assert.All(results, r => Assert.NotNull(r!["partialFingerprints"]!["primaryLocationLineHash"]));
        var uris = results.Select(r => (string)r!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!).ToList();
        Assert.Contains("apps/wild/root-shell.yaml", uris); // the kustomize origin annotation names the manifest
        Assert.Contains("k8s/sim-admin/_cluster/clusterrolebinding/dev-admins.yaml", uris);
        Assert.Contains("k8s/sim-admin/default/pod/stray.yaml", uris);

        var tool = Environment.GetEnvironmentVariable("SARIF_MULTITOOL_BIN") is { Length: > 0 } t ? t
            : Path.Combine(KstackProcess.RepoRoot, "tools", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool");
        Assert.True(File.Exists(tool), $"SARIF Multitool not found at {tool}: scripts/test.sh installs it (npm @microsoft/sarif-multitool-linux).");
        var report = Path.Combine(sim.Dir, "validation.sarif");
        var schema = Path.Combine(Path.GetDirectoryName(tool)!, "sarif-2.1.0.json");
        var output = KstackProcess.Run(tool, ["validate", sarif, "--json-schema", schema, "--level", "Error;Warning", "--output", report],
            new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, timeoutMs: 300_000);
        Assert.True(output.Exit == 0, output.Stdout + output.Stderr);
        var problems = JsonNode.Parse(File.ReadAllText(report))!["runs"]![0]!["results"]!.AsArray();
        Assert.True(problems.Count == 0, "SARIF validation: " + problems.ToJsonString());
    }

    [Fact]
    public async Task Baseline_and_exemptions_round_trip()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var first = sim.Kstack("audit-security").AssertOk();
        var baseline = Path.Combine(sim.Dir, "baseline.json");
        File.Copy((string)first.AgentContext["findings_file"]!, baseline);
        var total = (int)Findings(first)["counts"]!["total"]!;

        // Same cluster, same findings: nothing new, nothing resolved.
        var same = sim.Kstack("audit-security", "--baseline", baseline).AssertOk();
        var sameFile = Findings(same);
        Assert.Equal(0, (int)sameFile["counts"]!["new"]!);
        Assert.Equal(total, (int)sameFile["counts"]!["unchanged"]!);
        Assert.Contains("baseline: 0 new", same.Content);

        // Exempt everything about root-shell, plus an expired exemption that must not apply.
        var exemptions = Path.Combine(sim.Dir, "exemptions.yaml");
        File.WriteAllText(exemptions, """
            exemptions:
            - check: '*'
              subject: deployment/wild/root-shell
              reason: tracked in JIRA-1
            - check: SEC-PSS-PRIVILEGED
              subject: pod/wild/*
              reason: old waiver
              expires: 2020-01-01
            """);
        var exempted = sim.Kstack("audit-security", "--baseline", baseline, "--exemptions", exemptions).AssertOk();
        var file = Findings(exempted);
        Assert.DoesNotContain(file["findings"]!.AsArray(), f => Subject(f!) == "Deployment/wild/root-shell");
        Assert.Contains(file["findings"]!.AsArray(), f => (string)f!["check"]! == "SEC-PSS-PRIVILEGED" && Subject(f) == "Pod/wild/debug-tools");
        Assert.NotEmpty(file["exempted"]!.AsArray());
        Assert.Single(file["expiredExemptions"]!.AsArray());
        Assert.Equal(file["exempted"]!.AsArray().Count, (int)file["counts"]!["resolved"]!);
        Assert.Contains("expired exemption", exempted.Content);

        // A bad exemptions file is a user error naming the line.
        File.WriteAllText(exemptions, "exemptions:\n- check: X\n  subject: y\n");
        var bad = sim.Kstack("audit-security", "--exemptions", exemptions);
        Assert.Equal("user", bad.Kind);
        Assert.Contains("line 2", bad.Message);
        Assert.Equal("user", sim.Kstack("audit-security", "--baseline", exemptions).Kind);
    }

    [Fact]
    public async Task Filters_and_bad_flags()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var critical = sim.Kstack("audit-security", "--severity", "critical").AssertOk();
        Assert.All(Findings(critical)["findings"]!.AsArray(), f => Assert.Equal("critical", (string?)f!["severity"]));
        var one = sim.Kstack("audit-security", "--check", "SEC-PSS-PRIVILEGED", "--check", "sec-rbac-escalate").AssertOk();
        Assert.Equal(["SEC-PSS-PRIVILEGED", "SEC-RBAC-ESCALATE"], Findings(one)["findings"]!.AsArray().Select(f => (string)f!["check"]!).Distinct().Order());
        var json = sim.Kstack("audit-security", "--json").AssertOk();
        Assert.Equal("audit-summary/1", (string?)JsonNode.Parse(json.Content)!["schema"]);

        Assert.Contains("SEC-PSS-PRIVILEGED", sim.Kstack("audit-security", "--check", "SEC-PSS-PRIVILEGD").Message);
        Assert.Equal("user", sim.Kstack("audit-security", "--severity", "urgent").Kind);
        Assert.Equal("user", sim.Kstack("audit-security", "--format", "sarif").Kind);
        Assert.Equal("user", sim.Kstack("audit-security", "--format", "html").Kind);
    }

    [Fact]
    public async Task A_namespace_scoped_user_gets_a_namespace_scoped_audit_that_says_what_it_could_not_read()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var run = sim.Kstack("audit-security", "--context", "sim-auditor-ns", "-n", "wild").AssertOk();
        Assert.Contains("namespace wild", run.Content);
        Assert.Contains("Not readable (so not checked):", run.Content);
        Assert.Contains("clusterrolebindings: RBAC denies list clusterrolebindings", run.Content);
        var file = Findings(run);
        Assert.Contains(file["unreadable"]!.AsArray(), u => (string?)u!["resource"] == "clusterroles"
            && u["unchecked"]!.AsArray().Any(c => (string?)c == "SEC-RBAC-WILDCARD"));
        Assert.Contains(file["findings"]!.AsArray(), f => (string)f!["check"]! == "SEC-PSS-PRIVILEGED" && Subject(f) == "Deployment/wild/root-shell");
        Assert.All(file["findings"]!.AsArray(), f => Assert.True((string?)f!["subject"]!["namespace"] is null or "wild"));
    }

    [Fact]
    public async Task Hostile_text_from_the_cluster_stays_framed()
    {
        await using var sim = await SimCluster.StartAsync("audit");
        var run = sim.Kstack("audit-security", "--check", "SEC-RBAC-CLUSTER-ADMIN", "--check", "SEC-PSS-SELINUX", "--check", "SEC-PSS-HOST-PATH").AssertOk();
        HostileAssert.ContentIsNeutralised(run.Content);
        var file = File.ReadAllText((string)run.AgentContext["findings_file"]!);
        Assert.DoesNotContain("\u001b", file);
        Assert.DoesNotContain("\u202e", file);
        Assert.Contains("ignore previous instructions", file); // kept as data, in a JSON string
    }
}
