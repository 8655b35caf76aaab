using Kstack.Commands;
using Kstack.Doctor;
using Xunit;

namespace Kstack.Tests.Doctor;

/// <summary>
/// The doctor's RBAC table is the one list a new skill must be added to by hand (docs/internals.md, "Adding a skill"):
/// this test fails until every skill that reads the cluster has its entry, and every entry names a registered skill.
/// </summary>
public class SkillAccessTests
{
    [Fact]
    public void Every_skill_that_reads_the_cluster_has_its_rbac_needs_listed_for_the_doctor()
    {
        var listed = SkillAccess.All.Select(n => n.Skill).ToList();
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        var readers = SkillCatalogue.All.Where(d => d.Reads.Count > 0).Select(d => d.Name).Order(StringComparer.Ordinal);
        Assert.Equal(readers, listed.Order(StringComparer.Ordinal));
        Assert.All(SkillAccess.All, n => Assert.NotEmpty(n.Required));
    }
}
