using Kstack.Skills.Forget;

namespace Kstack.Commands;

/// <summary>The skills this build implements. A skill is installed only when it is listed here.</summary>
public static class SkillCatalogue
{
    private static readonly Dictionary<string, Func<SkillCommand>> Factories = new(StringComparer.Ordinal)
    {
        ["forget"] = () => new ForgetCommand(),
        ["cluster-status"] = () => new Skills.ClusterStatus.ClusterStatusCommand(),
        ["events"] = () => new Skills.Events.EventsCommand(),
        ["investigate"] = () => new Skills.Investigate.InvestigateCommand(),
        ["logs"] = () => new Skills.Logs.LogsCommand(),
        ["exec"] = () => new Skills.Exec.ExecCommand(),
        ["metrics"] = () => new Skills.Metrics.MetricsCommand(),
    };

    public static IEnumerable<string> Names => Factories.Keys.Order(StringComparer.Ordinal);

    public static SkillCommand? Create(string name) => Factories.TryGetValue(name, out var f) ? f() : null;

    /// <summary>The skill a slot directory name refers to: the longest catalogue name the slot ends with.</summary>
    public static string? SkillForSlot(string slot) =>
        Factories.Keys.Where(n => slot == n || slot.EndsWith("-" + n, StringComparison.Ordinal) || slot.EndsWith(n, StringComparison.Ordinal))
            .OrderByDescending(n => n.Length).FirstOrDefault();
}
