using System.Text.Json;

namespace Kstack.Kube;

/// <summary>
/// Sees each item of a list while its pages stream to the cache file: the same parse that rewrites the item, so a skill
/// has its facts when the last page lands instead of reading the file again. Only pages that passed the read (a
/// retried attempt never reaches it) are seen, in order; a list restarted from a fresh snapshot starts over.
/// </summary>
internal abstract class ListObserver(ListSpec spec)
{
    /// <summary>The list observed (matched by its cache file, so a fallback list counts as the same).</summary>
    public ListSpec Spec { get; } = spec;

    /// <summary>True once this run wrote the list's file through this observer (every item was seen).</summary>
    public bool Complete { get; internal set; }

    /// <summary>One item, in list order; the element lives only for the call.</summary>
    protected internal abstract void Item(JsonElement item);

    /// <summary>Every item seen is dropped (the list is read again from the start).</summary>
    protected internal abstract void Restart();
}
