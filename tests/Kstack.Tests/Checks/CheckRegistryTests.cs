using Kstack.Checks;
using Kstack.Envelope;
using Xunit;

namespace Kstack.Tests.Checks;

/// <summary>The catalogue: every registered check is well described and has a positive and a negative case.</summary>
public class CheckRegistryTests
{
    [Fact]
    public void Check_ids_are_unique_and_well_formed()
    {
        var duplicates = CheckRegistry.All.GroupBy(c => c.Id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
        Assert.All(CheckRegistry.All, c => Assert.True(CheckInfo.IsValidId(c.Id), $"bad check ID {c.Id}"));
    }

    [Fact]
    public void Every_check_has_a_title_category_remediation_and_valid_standards()
    {
        Assert.NotEmpty(CheckRegistry.All);
        Assert.All(CheckRegistry.All, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Title), $"{c.Id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(c.Category), $"{c.Id} has no category");
            Assert.True(c.Remediation.Length >= 20, $"{c.Id} has no real remediation");
            Assert.All(c.Standards, s => Assert.True(CheckInfo.IsValidStandard(s), $"{c.Id}: bad standard {s}"));
        });
    }

    [Fact]
    public void Every_registered_check_has_a_positive_and_a_negative_case()
    {
        var missing = CheckRegistry.All
            .Where(c => !CheckCases.All.Any(k => k.CheckId == c.Id && k.Hits) || !CheckCases.All.Any(k => k.CheckId == c.Id && !k.Hits))
            .Select(c => c.Id).ToList();
        Assert.True(missing.Count == 0, "checks without a positive and a negative case in CheckCases: " + string.Join(", ", missing));
        var unknown = CheckCases.All.Select(k => k.CheckId).Distinct().Where(id => CheckRegistry.Find(id) is null).ToList();
        Assert.True(unknown.Count == 0, "cases for unregistered checks: " + string.Join(", ", unknown));
    }

    public static IEnumerable<object[]> Cases => CheckCases.All.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_case_hits_exactly_as_it_says(CheckCase c)
    {
        var hits = await c.Run();
        if (c.Hits) Assert.Contains(c.CheckId, hits);
        else Assert.DoesNotContain(c.CheckId, hits);
    }

    [Fact]
    public void Selection_filters_by_id_prefix_and_minimum_severity()
    {
        var all = CheckRegistry.All;
        var pods = CheckSelection.Parse(["cs-pod-*"], null, all, "kstack-x");
        Assert.All(all.Where(pods.Includes), c => Assert.StartsWith("CS-POD-", c.Id));
        var high = CheckSelection.Parse([], "high", all, "kstack-x");
        Assert.All(all.Where(high.Includes), c => Assert.True(c.Severity >= Severity.High));
        Assert.Contains(all, c => !high.Includes(c));
        var one = CheckSelection.Parse(["CS-NODE-NOTREADY"], null, all, "kstack-x");
        Assert.Equal(["CS-NODE-NOTREADY"], all.Where(one.Includes).Select(c => c.Id));
    }

    [Fact]
    public void Unknown_check_or_severity_is_a_user_error_with_suggestions()
    {
        var e = Assert.Throws<KstackException>(() => CheckSelection.Parse(["CS-NODE-NOTREDY"], null, CheckRegistry.All, "kstack-x"));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains("did you mean CS-NODE-NOTREADY", e.Message);
        Assert.Equal(ErrorKind.User, Assert.Throws<KstackException>(() => CheckSelection.Parse([], "severe", CheckRegistry.All, "kstack-x")).Kind);
    }

    [Fact]
    public void Severities_map_to_sarif_levels_and_scores()
    {
        Assert.Equal("error", Severity.Critical.SarifLevel());
        Assert.Equal("note", Severity.Info.SarifLevel());
        Assert.True(double.Parse(Severity.High.SecurityScore(), System.Globalization.CultureInfo.InvariantCulture) >= 7.0);
        Assert.True(Severities.TryParse("MEDIUM", out var m) && m == Severity.Medium);
    }
}
