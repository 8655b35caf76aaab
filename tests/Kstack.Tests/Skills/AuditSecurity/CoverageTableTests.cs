using Kstack.Skills.AuditSecurity;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Skills.AuditSecurity;

/// <summary>The coverage table in docs/internals.md is the registry: same IDs, severities and standards.</summary>
public class CoverageTableTests
{
    [Fact]
    public void Internals_coverage_table_matches_the_catalogue()
    {
        var readme = File.ReadAllLines(Path.Combine(KstackProcess.RepoRoot, "docs", "internals.md"));
        var rows = readme.Where(l => l.StartsWith("| `SEC-", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .ToDictionary(c => c[1].Trim('`'), c => c);
        Assert.Equal(SecurityChecks.All.Select(c => c.Id).Order(), rows.Keys.Order());
        foreach (var check in SecurityChecks.All)
        {
            var row = rows[check.Id];
            Assert.Equal(check.Severity.ToString().ToLowerInvariant(), row[2]);
            string Col(string prefix) => check.Standards.Where(s => s.StartsWith(prefix + ":", StringComparison.Ordinal))
                .Select(s => s[(prefix.Length + 1)..]).DefaultIfEmpty("—").Aggregate((a, b) => a + ", " + b);
            Assert.Equal(Col("polaris"), row[3]);
            Assert.Equal(Col("pss"), row[4]);
            Assert.Equal(Col("cis-1.12"), row[5]);
            var other = check.Standards.Where(s => s.StartsWith("kubescape:", StringComparison.Ordinal) || s.StartsWith("popeye:", StringComparison.Ordinal)).ToList();
            Assert.Equal(other.Count == 0 ? "—" : string.Join(", ", other), row[6]);
        }
    }
}
