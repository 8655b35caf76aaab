using System.Text;
using System.Threading.Channels;

namespace Kstack.Sim.Store;

/// <summary>An immutable, key-sorted view of one resource collection at one resourceVersion.</summary>
internal sealed class Snapshot(long resourceVersion, StoredObject[] items)
{
    public long ResourceVersion { get; } = resourceVersion;
    public StoredObject[] Items { get; } = items;

    /// <summary>Index of the first item whose key is >= (ns, name).</summary>
    public int LowerBound(string ns, string name)
    {
        int lo = 0, hi = Items.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (StoredObject.CompareKeys(Items[mid].Namespace, Items[mid].Name, ns, name) < 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Range of items in a namespace (all items when ns is null).</summary>
    public (int Start, int End) NamespaceRange(string? ns)
    {
        if (ns == null) return (0, Items.Length);
        var start = LowerBound(ns, "");
        var end = LowerBound(ns + "\0", "");
        return (start, end);
    }

    public StoredObject? Find(string ns, string name)
    {
        var i = LowerBound(ns, name);
        return i < Items.Length && Items[i].Namespace == ns && Items[i].Name == name ? Items[i] : null;
    }
}

internal readonly record struct WatchEvent(string Type, StoredObject Object, long ResourceVersion);

/// <summary>One stored resource: current snapshot, a few recent snapshots for continue tokens, and watch fan-out.</summary>
internal sealed class Collection
{
    private const int RetainedSnapshots = 64;
    private const int RetainedEvents = 2000;
    private readonly object _lock = new();
    private readonly LinkedList<Snapshot> _history = new();
    private readonly List<WatchEvent> _events = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private long _oldestEventRv;

    public Collection(ResourceType type, Snapshot initial)
    {
        Type = type;
        Current = initial;
        _history.AddFirst(initial);
        _oldestEventRv = initial.ResourceVersion;
    }

    public ResourceType Type { get; }
    public volatile Snapshot Current;

    public Snapshot? SnapshotAt(long rv)
    {
        lock (_lock)
        {
            foreach (var s in _history) if (s.ResourceVersion == rv) return s;
            return null;
        }
    }

    internal void Apply(Func<StoredObject[], StoredObject[]> mutate, long newRv, WatchEvent ev)
    {
        lock (_lock)
        {
            var next = new Snapshot(newRv, mutate(Current.Items));
            Current = next;
            _history.AddFirst(next);
            while (_history.Count > RetainedSnapshots) _history.RemoveLast();
            _events.Add(ev);
            if (_events.Count > RetainedEvents)
            {
                _oldestEventRv = _events[0].ResourceVersion;
                _events.RemoveAt(0);
            }
            foreach (var w in _watchers) w.Writer.TryWrite(ev);
        }
    }

    /// <summary>Subscribes to changes; returns the snapshot at subscription and events after <paramref name="sinceRv"/> (null when too old).</summary>
    public (Snapshot Snapshot, List<WatchEvent>? Backlog, ChannelReader<WatchEvent> Reader, IDisposable Subscription) Watch(long? sinceRv)
    {
        var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_lock)
        {
            List<WatchEvent>? backlog = null;
            if (sinceRv is { } rv)
            {
                if (rv < _oldestEventRv) backlog = null;
                else backlog = _events.Where(e => e.ResourceVersion > rv).ToList();
            }
            _watchers.Add(ch);
            return (Current, sinceRv == null ? [] : backlog, ch.Reader, new Unsubscribe(this, ch));
        }
    }

    private sealed class Unsubscribe(Collection c, Channel<WatchEvent> ch) : IDisposable
    {
        public void Dispose()
        {
            lock (c._lock) c._watchers.Remove(ch);
            ch.Writer.TryComplete();
        }
    }
}

/// <summary>The object store: one <see cref="Collection"/> per stored resource type, with a global resourceVersion.</summary>
internal sealed class ObjectStore
{
    private readonly Dictionary<ResourceType, Collection> _collections = new();
    private readonly object _writeLock = new();
    private long _rv;

    public ObjectStore(ResourceRegistry registry) => Registry = registry;

    public ResourceRegistry Registry { get; }
    public long ResourceVersion => Interlocked.Read(ref _rv);

    /// <summary>Loads all objects at once (start-up). Objects must already carry their resourceVersion.</summary>
    internal void Load(IEnumerable<(ResourceType Type, StoredObject Obj)> objects, long rv)
    {
        _rv = rv;
        foreach (var g in objects.GroupBy(o => o.Type))
        {
            var arr = g.Select(x => x.Obj).ToArray();
            Array.Sort(arr, (a, b) => StoredObject.CompareKeys(a.Namespace, a.Name, b.Namespace, b.Name));
            _collections[g.Key] = new Collection(g.Key, new Snapshot(rv, arr));
        }
    }

    public Collection Get(ResourceType type)
    {
        type = type.ViewOf ?? type;
        lock (_collections)
        {
            if (!_collections.TryGetValue(type, out var c))
                _collections[type] = c = new Collection(type, new Snapshot(ResourceVersion, []));
            return c;
        }
    }

    internal long NextResourceVersion() => Interlocked.Increment(ref _rv);

    /// <summary>Inserts a new object; returns false when the key already exists.</summary>
    internal bool TryAdd(ResourceType type, Func<long, StoredObject> build, out StoredObject? stored)
    {
        lock (_writeLock)
        {
            var c = Get(type);
            stored = null;
            var probe = build(ResourceVersion + 1);
            if (c.Current.Find(probe.Namespace, probe.Name) != null) return false;
            var rv = NextResourceVersion();
            stored = probe;
            var obj = probe;
            c.Apply(items =>
            {
                var snap = new Snapshot(0, items);
                var i = snap.LowerBound(obj.Namespace, obj.Name);
                var next = new StoredObject[items.Length + 1];
                Array.Copy(items, 0, next, 0, i);
                next[i] = obj;
                Array.Copy(items, i, next, i + 1, items.Length - i);
                return next;
            }, rv, new WatchEvent("ADDED", obj, rv));
            return true;
        }
    }

    /// <summary>
    /// Replaces an existing object with <paramref name="update"/>(current, new resourceVersion) and emits MODIFIED;
    /// returns null when the object does not exist. <paramref name="update"/> may throw to refuse the change.
    /// </summary>
    internal StoredObject? Update(ResourceType type, string ns, string name, Func<StoredObject, long, StoredObject> update)
    {
        lock (_writeLock)
        {
            var c = Get(type);
            var existing = c.Current.Find(ns, name);
            if (existing == null) return null;
            var next = update(existing, ResourceVersion + 1);
            var rv = NextResourceVersion();
            c.Apply(items => items.Select(o => ReferenceEquals(o, existing) ? next : o).ToArray(), rv, new WatchEvent("MODIFIED", next, rv));
            return next;
        }
    }

    /// <summary>
    /// Removes an object; returns the removed object, re-stamped with the deletion resourceVersion. <paramref name="check"/>
    /// sees the current object under the write lock and may throw to refuse the removal (a failed precondition).
    /// </summary>
    internal StoredObject? Remove(ResourceType type, string ns, string name, Func<StoredObject, long, StoredObject> restamp, Action<StoredObject>? check = null)
    {
        lock (_writeLock)
        {
            var c = Get(type);
            var existing = c.Current.Find(ns, name);
            if (existing == null) return null;
            check?.Invoke(existing);
            var rv = NextResourceVersion();
            var tomb = restamp(existing, rv);
            c.Apply(items => items.Where(o => !ReferenceEquals(o, existing)).ToArray(), rv, new WatchEvent("DELETED", tomb, rv));
            return tomb;
        }
    }

    public IEnumerable<Collection> Collections
    {
        get { lock (_collections) return _collections.Values.ToArray(); }
    }

    /// <summary>Returns the stored JSON of an object, for tests and tools.</summary>
    public bool TryGet(string apiVersion, string kind, string? @namespace, string name, out string json)
    {
        json = "";
        var t = Registry.ByKind(apiVersion, kind);
        if (t == null) return false;
        var o = Get(t).Current.Find(@namespace ?? "", name);
        if (o == null) return false;
        json = Encoding.UTF8.GetString(o.Json);
        return true;
    }

    /// <summary>Returns the stored JSON of an object, or null.</summary>
    public string? TryGet(string apiVersion, string kind, string? @namespace, string name) =>
        TryGet(apiVersion, kind, @namespace, name, out var json) ? json : null;

    public int Count(string apiVersion, string kind)
    {
        var t = Registry.ByKind(apiVersion, kind);
        return t == null ? 0 : Get(t).Current.Items.Length;
    }
}
