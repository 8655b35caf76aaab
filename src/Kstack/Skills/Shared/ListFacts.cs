using System.Text.Json;
using Kstack.Kube;

namespace Kstack.Skills.Shared;

/// <summary>
/// The facts a skill maps from one list: collected while the list streams to the cache in this run (one parse), or
/// read back from the cached file when the snapshot was fresh enough to reuse.
/// </summary>
internal sealed class ListFacts<T>(ListSpec spec, Func<JsonElement, T?> map) : ListObserver(spec) where T : class
{
    private readonly List<T> _all = [];

    protected internal override void Item(JsonElement item)
    {
        if (map(item) is { } value) _all.Add(value);
    }

    protected internal override void Restart() => _all.Clear();

    /// <summary>The facts of the list as this run has it; null when the list has no file (not readable, never fetched).</summary>
    public async Task<List<T>?> GetAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
    {
        if (results[Spec.File].Value is not { } snapshot) return null;
        return !snapshot.FromCache && Complete ? _all : await CachedList.MapAsync(snapshot.Path, map, ct);
    }
}

/// <summary>
/// Hands each item of a list to an action while it streams, for analyses that keep no per-item facts. When the list had
/// to be read again from the start (an expired continue token) the action has seen a partial list twice over:
/// <see cref="Seen"/> is then false and the caller analyses the file instead.
/// </summary>
internal sealed class ListVisitor(ListSpec spec, Action<JsonElement> visit) : ListObserver(spec)
{
    private bool _visited, _restarted;

    /// <summary>Every item of the list reached the action exactly once in this run.</summary>
    public bool Seen => Complete && !_restarted;

    protected internal override void Item(JsonElement item)
    {
        if (_restarted) return;
        _visited = true;
        visit(item);
    }

    protected internal override void Restart() => _restarted |= _visited;
}
