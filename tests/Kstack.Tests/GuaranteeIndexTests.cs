using System.Reflection;
using System.Text.RegularExpressions;
using Kstack.Commands;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests;

/// <summary>tests/GUARANTEES.md names real tests, and its per-skill matrix has a full row for every skill of the catalogue.</summary>
public partial class GuaranteeIndexTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(KstackProcess.RepoRoot, "tests", "GUARANTEES.md"));

    private static IEnumerable<string[]> Rows(string section) =>
        Lines.SkipWhile(l => l != "## " + section).Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c[0] is not ("ID" or "Skill") && !c[0].StartsWith('-'));

    internal static IEnumerable<string> Names(string cell) => TestName().Matches(cell).Select(m => m.Groups[1].Value);

    [Fact]
    public void Every_named_test_is_a_test_method_of_this_project()
    {
        var tests = typeof(GuaranteeIndexTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetCustomAttributes<FactAttribute>().Any()).Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var named = Lines.SelectMany(Names).Distinct().ToList();
        Assert.True(named.Count > 50, $"only {named.Count} tests named");
        Assert.All(named, n => Assert.True(tests.Contains(n), $"GUARANTEES.md names {n}, which is not a [Fact] or [Theory] here"));
    }

    [Fact]
    public void Every_guarantee_has_at_least_one_test()
    {
        var rows = Rows("Guarantees").ToList();
        Assert.True(rows.Count >= 20, $"{rows.Count} guarantees");
        Assert.All(rows, r => Assert.True(Names(r[2]).Any(), $"{r[0]} names no test"));
        Assert.Equal(rows.Count, rows.Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public void Every_catalogue_skill_has_a_full_row_in_the_matrix()
    {
        var rows = Rows("Per-skill matrix").ToDictionary(r => r[0], StringComparer.Ordinal);
        Assert.Equal(SkillCatalogue.Names.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (skill, cells) in rows)
            foreach (var cell in cells.Skip(1))
                Assert.True(cell.StartsWith("n/a: ", StringComparison.Ordinal) || cell.Split(", ")[0] == "tier" || Names(cell).Any(),
                    $"{skill}: the cell `{cell}` names no test, no tier probe and no n/a reason");
    }

    [Fact]
    public void A_cell_without_a_test_is_caught()
    {
        Assert.Empty(Names("tier"));
        Assert.Equal(["A.B_c"], Names("tier, `A.B_c`"));
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*)`")]
    private static partial Regex TestName();
}
