namespace Kstack.Audit;

/// <summary>
/// One instance per distinct string. Findings repeat the same field paths, observed values, namespaces and workload
/// names tens of thousands of times at cluster scale; pooling them keeps the findings' memory to their count.
/// </summary>
internal sealed class StringPool
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    public string? Get(string? s)
    {
        if (s is null) return null;
        if (_strings.TryGetValue(s, out var pooled)) return pooled;
        _strings.Add(s);
        return s;
    }

    public Objects.ObjectRef Get(Objects.ObjectRef r) => new(Get(r.Kind)!, Get(r.Namespace), Get(r.Name)!, Get(r.Container));
}
