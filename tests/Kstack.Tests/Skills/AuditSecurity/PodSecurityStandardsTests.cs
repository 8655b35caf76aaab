using System.Text.Json;
using Kstack.Skills.AuditSecurity;
using Xunit;

namespace Kstack.Tests.Skills.AuditSecurity;

/// <summary>The 19 PSS checks, version-aware, over every container kind. Pure, in-process.</summary>
public class PodSecurityStandardsTests
{
    /// <summary>A pod that passes restricted at every version: the negative case of every pod check.</summary>
    public const string Restricted = """
        {"metadata":{"name":"ok","namespace":"x"},"spec":{
          "securityContext":{"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},
          "containers":[{"name":"app","image":"r.example/app:1.0@sha256:00","securityContext":{"allowPrivilegeEscalation":false,
            "readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}},
            "resources":{"limits":{"cpu":"1","memory":"1Gi"}}}],
          "volumes":[{"name":"c","configMap":{"name":"c"}},{"name":"e","emptyDir":{}}]}}
        """;

    public static JsonElement Pod(string json) => JsonDocument.Parse(json).RootElement;

    /// <summary>The restricted pod with one JSON fragment merged into spec (or into the first container with "ctr:").</summary>
    public static JsonElement With(string specPatch, string? containerPatch = null)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Restricted)!;
        void Merge(System.Text.Json.Nodes.JsonObject target, System.Text.Json.Nodes.JsonObject patch)
        {
            foreach (var (k, v) in patch.ToList())
            {
                patch.Remove(k);
                if (v is System.Text.Json.Nodes.JsonObject po && target[k] is System.Text.Json.Nodes.JsonObject to) Merge(to, po);
                else target[k] = v;
            }
        }
        Merge(node["spec"]!.AsObject(), System.Text.Json.Nodes.JsonNode.Parse(specPatch)!.AsObject());
        if (containerPatch is not null) Merge(node["spec"]!["containers"]![0]!.AsObject(), System.Text.Json.Nodes.JsonNode.Parse(containerPatch)!.AsObject());
        return Pod(node.ToJsonString());
    }

    private static List<string> Ids(JsonElement pod, int minor, PssLevel level = PssLevel.Restricted) =>
        PodSecurityStandards.Evaluate(pod, minor, level).Select(h => h.Check.Id).Distinct().ToList();

    [Fact]
    public void The_restricted_control_passes_at_every_version()
    {
        foreach (var minor in new[] { 18, 22, 25, 31, 34, 35, 37 })
        {
            Assert.Empty(Ids(Pod(Restricted), minor));
            Assert.Equal(PssLevel.Restricted, PodSecurityStandards.HighestPassed(Pod(Restricted), minor));
        }
        Assert.DoesNotContain(PodChecks.Evaluate(Pod(Restricted)), h => h.Check != SecurityChecks.ImageNoDigest);
    }

    [Theory]
    [InlineData("""{"hostPID":true}""", null, "SEC-PSS-HOST-NAMESPACES")]
    [InlineData("{}", """{"securityContext":{"privileged":true}}""", "SEC-PSS-PRIVILEGED")]
    [InlineData("{}", """{"securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_RAW"]}}}""", "SEC-PSS-CAPABILITIES-BASELINE")]
    [InlineData("""{"volumes":[{"name":"h","hostPath":{"path":"/etc"}}]}""", null, "SEC-PSS-HOST-PATH")]
    [InlineData("{}", """{"ports":[{"containerPort":80,"hostPort":8080}]}""", "SEC-PSS-HOST-PORTS")]
    [InlineData("""{"securityContext":{"appArmorProfile":{"type":"Unconfined"}}}""", null, "SEC-PSS-APPARMOR")]
    [InlineData("""{"securityContext":{"seLinuxOptions":{"type":"spc_t"}}}""", null, "SEC-PSS-SELINUX")]
    [InlineData("{}", """{"securityContext":{"procMount":"Unmasked"}}""", "SEC-PSS-PROC-MOUNT")]
    [InlineData("{}", """{"securityContext":{"seccompProfile":{"type":"Unconfined"}}}""", "SEC-PSS-SECCOMP-UNCONFINED")]
    [InlineData("""{"securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"}]}}""", null, "SEC-PSS-SYSCTLS")]
    [InlineData("""{"securityContext":{"windowsOptions":{"hostProcess":true}}}""", null, "SEC-PSS-WINDOWS-HOST-PROCESS")]
    [InlineData("{}", """{"readinessProbe":{"tcpSocket":{"host":"10.0.0.1","port":80}}}""", "SEC-PSS-HOST-PROBES")]
    [InlineData("""{"volumes":[{"name":"n","nfs":{"server":"s","path":"/"}}]}""", null, "SEC-PSS-VOLUME-TYPES")]
    [InlineData("{}", """{"securityContext":{"allowPrivilegeEscalation":true}}""", "SEC-PSS-PRIVILEGE-ESCALATION")]
    [InlineData("""{"securityContext":{"runAsNonRoot":false}}""", null, "SEC-PSS-RUN-AS-NON-ROOT")]
    [InlineData("""{"securityContext":{"runAsUser":0}}""", null, "SEC-PSS-RUN-AS-ROOT-USER")]
    [InlineData("""{"securityContext":{"seccompProfile":null}}""", null, "SEC-PSS-SECCOMP-MISSING")]
    [InlineData("{}", """{"securityContext":{"capabilities":{"drop":["NET_RAW"]}}}""", "SEC-PSS-CAPABILITIES-NOT-DROPPED")]
    public void Each_check_fires_on_its_field_at_policy_1_34(string spec, string? container, string id)
    {
        var ids = Ids(With(spec, container), 34);
        Assert.Contains(id, ids);
    }

    [Fact]
    public void Versions_change_what_is_allowed()
    {
        // Probe hosts: a violation from 1.34 only.
        var probe = With("{}", """{"livenessProbe":{"httpGet":{"host":"169.254.169.254","port":80}}}""");
        Assert.DoesNotContain("SEC-PSS-HOST-PROBES", Ids(probe, 33));
        Assert.Contains("SEC-PSS-HOST-PROBES", Ids(probe, 34));
        // container_engine_t is allowed from 1.31.
        var engine = With("""{"securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}""");
        Assert.Contains("SEC-PSS-SELINUX", Ids(engine, 30));
        Assert.DoesNotContain("SEC-PSS-SELINUX", Ids(engine, 31));
        // Sysctls join the safe set by version.
        var keepalive = With("""{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_keepalive_time","value":"60"}]}}""");
        Assert.Contains("SEC-PSS-SYSCTLS", Ids(keepalive, 28));
        Assert.DoesNotContain("SEC-PSS-SYSCTLS", Ids(keepalive, 29));
        // runAsUser: 0 is checked from 1.23; capabilities_restricted from 1.22.
        var root = With("""{"securityContext":{"runAsUser":0}}""");
        Assert.DoesNotContain("SEC-PSS-RUN-AS-ROOT-USER", Ids(root, 22));
        var noDrop = With("{}", """{"securityContext":{"capabilities":{"drop":[]}}}""");
        Assert.DoesNotContain("SEC-PSS-CAPABILITIES-NOT-DROPPED", Ids(noDrop, 21));
        Assert.Contains("SEC-PSS-CAPABILITIES-NOT-DROPPED", Ids(noDrop, 22));
        // Windows pods are exempt from the Linux-only restricted checks from 1.25.
        var windows = With("""{"os":{"name":"windows"},"securityContext":{"seccompProfile":null}}""", """{"securityContext":{"allowPrivilegeEscalation":null,"capabilities":null}}""");
        Assert.Contains("SEC-PSS-PRIVILEGE-ESCALATION", Ids(windows, 24));
        Assert.Empty(Ids(windows, 25));
        // User namespaces (hostUsers: false) relax procMount (baseline) and runAsNonRoot/runAsUser from 1.35, but not procMount_restricted.
        var userNs = With("""{"hostUsers":false,"securityContext":{"runAsNonRoot":null,"runAsUser":0}}""", """{"securityContext":{"procMount":"Unmasked"}}""");
        Assert.Contains("SEC-PSS-PROC-MOUNT", Ids(userNs, 34));
        var at35 = Ids(userNs, 35);
        Assert.DoesNotContain("SEC-PSS-PROC-MOUNT", at35);
        Assert.DoesNotContain("SEC-PSS-RUN-AS-NON-ROOT", at35);
        Assert.DoesNotContain("SEC-PSS-RUN-AS-ROOT-USER", at35);
        Assert.Contains("SEC-PSS-PROC-MOUNT-RESTRICTED", at35);
        Assert.DoesNotContain("SEC-PSS-PROC-MOUNT-RESTRICTED", Ids(userNs, 34));
        // Before 1.19 seccomp came from annotations.
        var annotated = Pod(Restricted.Replace("\"metadata\":{", "\"metadata\":{\"annotations\":{\"seccomp.security.alpha.kubernetes.io/pod\":\"unconfined\"},", StringComparison.Ordinal));
        Assert.Contains("SEC-PSS-SECCOMP-UNCONFINED", Ids(annotated, 18));
        Assert.DoesNotContain("SEC-PSS-SECCOMP-UNCONFINED", Ids(annotated, 19));
    }

    [Fact]
    public void Init_and_ephemeral_containers_are_checked_like_containers()
    {
        var pod = With("""{"initContainers":[{"name":"init","image":"i:1","securityContext":{"privileged":true}}],"ephemeralContainers":[{"name":"dbg","image":"d:1","securityContext":{"capabilities":{"add":["SYS_PTRACE"]}}}]}""");
        var hits = PodSecurityStandards.Evaluate(pod, 31).ToList();
        Assert.Contains(hits, h => h.Check == SecurityChecks.Privileged && h.Container == "init" && h.Field == "spec.initContainers[0].securityContext.privileged");
        Assert.Contains(hits, h => h.Check == SecurityChecks.CapabilitiesBaseline && h.Container == "dbg" && h.Field.StartsWith("spec.ephemeralContainers[0]", StringComparison.Ordinal));
        Assert.Equal(PssLevel.Privileged, PodSecurityStandards.HighestPassed(pod, 31));
    }

    [Fact]
    public void Levels_split_baseline_from_restricted()
    {
        var baselineOnly = With("""{"securityContext":{"seccompProfile":null}}""", """{"securityContext":{"allowPrivilegeEscalation":null}}""");
        Assert.Empty(Ids(baselineOnly, 31, PssLevel.Baseline));
        Assert.NotEmpty(Ids(baselineOnly, 31, PssLevel.Restricted));
        Assert.Equal(PssLevel.Baseline, PodSecurityStandards.HighestPassed(baselineOnly, 31));
        Assert.Equal(19, PodSecurityStandards.Levels.Count);
        Assert.Equal(12, PodSecurityStandards.Levels.Count(l => l.Value == PssLevel.Baseline));
    }
}
