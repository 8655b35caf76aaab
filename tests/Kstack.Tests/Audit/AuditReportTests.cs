using Kstack.Checks;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Envelope;
using Kstack.Objects;
using Kstack.Skills.AuditSecurity;
using Xunit;

namespace Kstack.Tests.Audit;

/// <summary>The shared audit report: exemptions file, filters, bounded content, SARIF locations.</summary>
public class AuditReportTests
{
    private static Finding F(CheckInfo c, string ns, string name, string kind = "Deployment") =>
        new(c, new ObjectRef(kind, ns, name), "spec.x", "v", Kstack.Audit.Scope.Workload, true, 1);

    [Fact]
    public void Exemptions_parse_match_by_glob_and_expire()
    {
        var ex = ExemptionsFile.Parse("""
            exemptions:
            - check: SEC-PSS-PRIVILEGED
              subject: deployment/web/*
              reason: legacy
            - check: '*'
              subject: pod/x/y
              reason: old
              expires: 2020-01-01
            """, "f.yaml");
        Assert.Equal(2, ex.Count);
        Assert.True(ex[0].Matches(F(SecurityChecks.Privileged, "web", "front")));
        Assert.False(ex[0].Matches(F(SecurityChecks.Privileged, "api", "front")));
        Assert.False(ex[0].Matches(F(SecurityChecks.HostPorts, "web", "front")));
        Assert.True(ex[1].ExpiredAt(DateTimeOffset.UtcNow));
        Assert.Empty(ExemptionsFile.Parse("exemptions: []", "f"));
        var bad = Assert.Throws<KstackException>(() => ExemptionsFile.Parse("exemptions:\n- check: A\n  subject: b\n  reason: c\n  until: d\n", "f.yaml"));
        Assert.Contains("unknown key `until`", bad.Message);
        Assert.Throws<KstackException>(() => ExemptionsFile.Parse("- a", "f.yaml"));
    }

    [Fact]
    public void Content_stays_under_4000_characters_at_any_size_and_names_the_findings_file()
    {
        var findings = SecurityChecks.All.SelectMany(c => Enumerable.Range(0, 400).Select(i => F(c, "ns-" + i, new string('n', 60) + i))).ToList();
        var report = AuditPipeline.Build("security", "ctx", "v1.31.2", null, DateTimeOffset.UtcNow, SecurityChecks.All, findings, [],
            [new Unreadable("nodes", "RBAC denies list nodes", ["A", "B", "C", "D", "E"])], new AuditOptions(Severity.Info, [], [], null), 1);
        var text = AuditRenderer.Text(report, "/cache/audit-security.json", null, "Snapshot cached (TTL 15m).");
        Assert.True(text.Length < 4000, $"{text.Length} characters");
        Assert.Contains("/cache/audit-security.json", text);
        Assert.Contains("more check(s)", text);
        Assert.Contains("unchecked: A, B, C, D +1 more", text);
        Assert.True(AuditRenderer.Json(report, "/f", null, false).Length < 8000);
    }

    [Fact]
    public void Overview_lines_come_after_the_counts_capped_in_number_and_length_and_the_content_still_ends_with_the_footer()
    {
        var findings = SecurityChecks.All.SelectMany(c => Enumerable.Range(0, 50).Select(i => F(c, "ns-" + i, "w" + i))).ToList();
        var report = AuditPipeline.Build("karpenter", "ctx", "v1.33.1", null, DateTimeOffset.UtcNow, SecurityChecks.All, findings, [], [],
            new AuditOptions(Severity.Info, [], [], null), 1);
        var overview = Enumerable.Range(0, 20).Select(i => $"line {i} " + new string('x', 200)).ToList();
        var text = AuditRenderer.Text(report, "/cache/audit-karpenter.json", null, "Snapshot cached (TTL 5m).", overview);
        Assert.True(text.Length < 4000, $"{text.Length} characters");
        var lines = text.Split('\n');
        Assert.StartsWith("Karpenter audit: ctx", lines[0]);
        Assert.StartsWith("Findings: ", lines[1]);
        Assert.StartsWith("line 0 ", lines[2]);
        Assert.Equal(AuditRenderer.MaxOverviewLines, lines.Count(l => l.StartsWith("line ", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l.StartsWith("line ", StringComparison.Ordinal)), l => Assert.Equal(AuditRenderer.MaxOverviewLine, l.Length));
        Assert.EndsWith("Snapshot cached (TTL 5m).", text);
        var json = JsonDocument.Parse(AuditRenderer.Json(report, "/f", null, false, overview)).RootElement;
        Assert.Equal(AuditRenderer.MaxOverviewLines, json.GetProperty("overview").GetArrayLength());
        Assert.False(JsonDocument.Parse(AuditRenderer.Json(report, "/f", null, false)).RootElement.TryGetProperty("overview", out _));
    }

    [Fact]
    public void Severity_and_check_filters_apply_before_the_report()
    {
        var findings = new[] { F(SecurityChecks.Privileged, "a", "b"), F(SecurityChecks.ImageNoDigest, "a", "b") };
        var r = AuditPipeline.Build("security", "c", "v", null, DateTimeOffset.UtcNow, SecurityChecks.All, findings, [], [],
            new AuditOptions(Severity.High, [], [], null), 0);
        Assert.Equal(["SEC-PSS-PRIVILEGED"], r.Findings.Select(f => f.Check.Id));
        var byCheck = AuditPipeline.Build("security", "c", "v", null, DateTimeOffset.UtcNow, SecurityChecks.All, findings, [], [],
            new AuditOptions(Severity.Info, ["sec-image-no-digest"], [], null), 0);
        Assert.Equal(["SEC-IMAGE-NO-DIGEST"], byCheck.Findings.Select(f => f.Check.Id));
    }

    [Theory]
    [InlineData("path: apps/web/deploy.yaml\n", "apps/web/deploy.yaml")]
    [InlineData("configuredIn: k.yaml\npath: base/a.yaml", "base/a.yaml")]
    [InlineData("path: ../../etc/passwd", null)]
    [InlineData("path: /abs/a.yaml", null)]
    [InlineData("path: https://evil/a.yaml", null)]
    [InlineData(null, null)]
    public void Manifest_paths_come_only_from_plain_relative_origin_paths(string? annotation, string? expected) =>
        Assert.Equal(expected, SarifWriter.ManifestPath(annotation));

    [Fact]
    public void Synthetic_locations_are_stable_and_uri_safe()
    {
        Assert.Equal("k8s/ctx/web/deployment/front.yaml", SarifWriter.SyntheticUri("ctx", new ObjectRef("Deployment", "web", "front", "c")));
        var odd = SarifWriter.SyntheticUri("ctx", new ObjectRef("Group", null, "dev ops/\u001b[0m"));
        Assert.StartsWith("k8s/ctx/_cluster/group/", odd);
        Assert.True(Uri.IsWellFormedUriString(odd, UriKind.Relative), odd);
    }

    [Fact]
    public async Task Findings_file_round_trips_as_a_baseline()
    {
        var findings = new[] { F(SecurityChecks.Privileged, "a", "b"), F(SecurityChecks.HostPorts, "a", "c") };
        var r = AuditPipeline.Build("security", "c", "v", null, DateTimeOffset.UtcNow, SecurityChecks.All, findings, [], [],
            new AuditOptions(Severity.Info, [], [], null), 0);
        var path = Path.Combine(Path.GetTempPath(), $"kstack-audit-{Guid.NewGuid():N}.json");
        try
        {
            await FindingsFile.WriteAsync(path, r);
            var baseline = FindingsFile.ReadBaseline(path);
            var next = AuditPipeline.Build("security", "c", "v", null, DateTimeOffset.UtcNow, SecurityChecks.All,
                [findings[0], F(SecurityChecks.Sysctls, "a", "d")], [], [], new AuditOptions(Severity.Info, [], [], baseline), 0);
            Assert.Equal([F(SecurityChecks.Sysctls, "a", "d").Fingerprint], next.NewFingerprints!);
            Assert.Equal("SEC-PSS-HOST-PORTS", Assert.Single(next.Resolved!).CheckId);
        }
        finally { File.Delete(path); }
    }
}
