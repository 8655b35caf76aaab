namespace Kstack.Checks;

/// <summary>A check over one kind of input (a node's facts, a pod's facts, an investigation, a cluster snapshot).</summary>
internal sealed class Check<TInput>(CheckInfo info, Func<TInput, CheckInfo, IEnumerable<CheckHit>> evaluate)
{
    public CheckInfo Info { get; } = info;

    public IEnumerable<CheckHit> Evaluate(TInput input) => evaluate(input, Info);

    /// <summary>A check with at most one hit per input: the hit is made only when the predicate holds.</summary>
    public static Check<TInput> When(CheckInfo info, Func<TInput, bool> matches, Func<TInput, CheckInfo, CheckHit> hit) =>
        new(info, (input, i) => matches(input) ? [hit(input, i)] : []);
}

/// <summary>The checks of one checklist as the registry sees them, whatever their input type.</summary>
internal interface IChecklist
{
    string Name { get; }
    IReadOnlyList<CheckInfo> Checks { get; }
}

/// <summary>A catalogue whose checks are evaluated by the skill's own analysis pass (the audits stream the cluster once).</summary>
internal sealed record CheckCatalogue(string Name, IReadOnlyList<CheckInfo> Checks) : IChecklist;

/// <summary>
/// An ordered list of checks over one input type. <see cref="Run"/> evaluates every (selected) check;
/// <see cref="FirstMatch"/> classifies an input by the first check with a hit (the cluster-status pod checklist).
/// </summary>
internal sealed class Checklist<TInput> : IChecklist
{
    public Checklist(string name, IReadOnlyList<Check<TInput>> checks)
    {
        Name = name;
        Items = checks;
        Checks = checks.Select(c => c.Info).ToList();
    }

    public string Name { get; }
    public IReadOnlyList<Check<TInput>> Items { get; }
    public IReadOnlyList<CheckInfo> Checks { get; }

    public IEnumerable<CheckHit> Run(TInput input, CheckSelection? selection = null) =>
        Items.Where(c => selection?.Includes(c.Info) ?? true).SelectMany(c => c.Evaluate(input));

    public CheckHit? FirstMatch(TInput input, CheckSelection? selection = null)
    {
        foreach (var c in Items)
            if (selection?.Includes(c.Info) ?? true)
                foreach (var hit in c.Evaluate(input)) return hit;
        return null;
    }
}
