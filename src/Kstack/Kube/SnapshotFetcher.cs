using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>One cached list or object on disk: which spec it holds, where, when it was written, whether this run reused it.</summary>
internal sealed record Snapshot(ListSpec Spec, string Path, DateTime WrittenUtc, bool FromCache);

/// <summary>
/// Ensures cache files are no older than the TTL: fetches stale lists page by page (limit=500 + continue) straight to
/// disk, in parallel, under the context directory's lock. A 403 or an unserved API marks that list not readable instead
/// of failing the run; a previous file is then kept and reported as stale (value and problem both set). Any other
/// failure is an infra error and leaves the previous file intact.
/// </summary>
internal sealed class SnapshotFetcher(Lazy<KubeApi> lazyApi, string dir, TimeSpan ttl, TimeProvider? time = null)
{
    private KubeApi api => lazyApi.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <param name="observers">Who sees a list's items if it is fetched in this run (at most one per list).</param>
    public async Task<IReadOnlyDictionary<string, Read<Snapshot>>> EnsureAsync(IReadOnlyList<ListSpec> specs, string? ns, CancellationToken ct,
        IReadOnlyCollection<ListObserver>? observers = null)
    {
        using var _ = await DirectoryLock.AcquireAsync(dir, TimeSpan.FromMinutes(2), ct);
        var tasks = specs.Select(s => EnsureOneAsync(s, ns, observers?.FirstOrDefault(o => o.Spec.File == s.File), ct)).ToArray();
        var results = await Task.WhenAll(tasks);
        return specs.Select((s, i) => (s.File, results[i])).ToDictionary(r => r.File, r => r.Item2, StringComparer.Ordinal);
    }

    private async Task<Read<Snapshot>> EnsureOneAsync(ListSpec spec, string? ns, ListObserver? observer, CancellationToken ct)
    {
        var path = Path.Combine(dir, spec.File);
        var info = new FileInfo(path);
        if (info.Exists && ttl > TimeSpan.Zero && _time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc < ttl)
            return Read<Snapshot>.Success(new Snapshot(spec, path, info.LastWriteTimeUtc, FromCache: true));
        var action = spec.IsList ? ApiAction.List(spec.Noun, ns) : ApiAction.Get(spec.Noun);
        var fetched = spec.IsList ? await FetchListAsync(spec, ns, path, action, observer, ct) : await FetchObjectAsync(spec, path, action, ct);
        if (fetched.Ok) return Read<Snapshot>.Success(new Snapshot(spec, path, File.GetLastWriteTimeUtc(path), FromCache: false));

        var problem = fetched.Problem!;
        // The older API when the newer one is not served, or not granted: RBAC rules name one API group, and roles
        // written for `kubectl get events` grant only the core group.
        if (problem.Outcome is ReadOutcome.NotFound or ReadOutcome.Forbidden && spec.Fallback is { } fallback)
        {
            var other = await EnsureOneAsync(fallback, ns, observer, ct);
            return other with { Value = other.Value is { } v ? v with { Spec = spec } : null };
        }
        if (problem.Outcome is ReadOutcome.Forbidden or ReadOutcome.NotFound)
        {
            // Keep what an earlier, permitted fetch wrote; the answer says it is stale.
            info.Refresh();
            return new Read<Snapshot>(info.Exists ? new Snapshot(spec, path, info.LastWriteTimeUtc, FromCache: true) : null, problem);
        }
        var why = problem.Outcome == ReadOutcome.Rejected ? $"{problem.HttpStatus}: {problem.Detail}" : problem.Reason;
        throw KstackException.Infra($"Unable to fetch {spec.Noun} for context `{api.ContextName}` ({TerminalText.Clean(why)})."
                                    + (info.Exists ? " The previous cache file was kept." : ""));
    }

    private async Task<Read<bool>> FetchObjectAsync(ListSpec spec, string path, ApiAction action, CancellationToken ct)
    {
        var read = await api.GetAsync(spec.ClusterPath, action, ct);
        if (!read.Ok) return read.Map(_ => false);
        await AtomicFile.WriteAsync(path, async file =>
        {
            await using var writer = new Utf8JsonWriter(file);
            read.Value.WriteTo(writer);
        });
        return Read<bool>.Success(true);
    }

    private async Task<Read<bool>> FetchListAsync(ListSpec spec, string? ns, string path, ApiAction action, ListObserver? observer, CancellationToken ct)
    {
        var prefix = ItemRewriter.TypePrefix(spec.ItemApiVersion, spec.ItemKind);
        Read<string>? result = null;
        var tmp = AtomicFile.WriteAsync(path, async file =>
        {
            for (var restart = 0; ; restart++)
            {
                file.SetLength(0);
                observer?.Restart();
                result = await WritePagesAsync(spec, ns, action, prefix, file, observer, ct);
                // An expired continue token mid-list: start again from a fresh snapshot once.
                if (result.Problem is { Outcome: ReadOutcome.Rejected, HttpStatus: 410 } && restart == 0) continue;
                if (!result.Ok) throw new ReadAborted();
                await file.WriteAsync(Encoding.UTF8.GetBytes($"],\"metadata\":{{\"resourceVersion\":{JsonSerializerString(result.Value!)}}}}}\n"), ct);
                return;
            }
        });
        try
        {
            await tmp;
            if (observer is not null) observer.Complete = result!.Ok;
        }
        catch (ReadAborted) { }
        return result!.Map(_ => true);
    }

    /// <summary>Thrown inside the atomic write so the temp file is discarded and the previous cache file stays.</summary>
    private sealed class ReadAborted : Exception;

    /// <summary>A downloaded, well-formed page waiting to be rewritten: its bytes (the list's own buffer) and its items' ranges.</summary>
    private sealed record PageBytes(byte[] Buffer, List<Range> Items);

    /// <summary>Pages a list can hold in memory before the download waits for the writer.</summary>
    private const int PagesAhead = 1;

    private const int FlushBytes = 128 << 10;

    /// <summary>Far above 500 objects of any real kind; a bigger page is a broken or hostile server.</summary>
    public const int MaxPageBytes = 256 << 20;

    /// <summary>
    /// Downloads the pages (each read whole and checked well-formed inside the retry, so a retried page never reaches the
    /// file) while a second task rewrites the previous ones to the file and hands their items to the observer: the
    /// server prepares the next page while this one is parsed.
    /// </summary>
    private async Task<Read<string>> WritePagesAsync(ListSpec spec, string? ns, ApiAction action, byte[] prefix, Stream file,
        ListObserver? observer, CancellationToken ct)
    {
        await file.WriteAsync("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["u8.ToArray(), ct);
        var buffers = new ConcurrentStack<byte[]>();
        var pages = Channel.CreateBounded<PageBytes>(new BoundedChannelOptions(PagesAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(async () =>
        {
            try { await WriteItemsAsync(spec, prefix, file, observer, pages.Reader, buffers, stop.Token); }
            catch (Exception e)
            {
                pages.Writer.TryComplete(e); // the download stops at its next page instead of waiting for room
                throw;
            }
        }, CancellationToken.None);
        Read<string> read;
        try
        {
            read = await api.PagesAsync(spec.PathFor(ns), null, spec.MetadataOnly ? KubeApi.MetadataListAccept : null, action, async (body, token) =>
            {
                var (buffer, length) = await ReadWholeAsync(body, buffers, token);
                try
                {
                    var items = new List<Range>();
                    var bytes = buffer;
                    var header = ListStreamReader.ReadBuffered(bytes.AsSpan(0, length), item =>
                    {
                        var start = ItemRewriter.OffsetIn(bytes, item);
                        items.Add(new Range(start, start + item.Length));
                    });
                    var page = new PageBytes(buffer, items);
                    buffer = null;
                    return (header, items.Count, async () => await pages.Writer.WriteAsync(page, ct));
                }
                finally
                {
                    if (buffer is not null) buffers.Push(buffer);
                }
            }, null, ct);
        }
        catch (ChannelClosedException)
        {
            read = Read<string>.Success(""); // the writer failed: its exception is thrown below
        }
        catch
        {
            stop.Cancel();
            pages.Writer.TryComplete();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }
        pages.Writer.TryComplete();
        if (!read.Ok) stop.Cancel();
        try { await writer; }
        catch (OperationCanceledException) when (!read.Ok && !ct.IsCancellationRequested) { }
        return read;
    }

    private static async Task WriteItemsAsync(ListSpec spec, byte[] prefix, Stream file, ListObserver? observer,
        ChannelReader<PageBytes> pages, ConcurrentStack<byte[]> buffers, CancellationToken ct)
    {
        // Pod specs carry literal env values: credential-like ones never reach the cache, nor an observer.
        var redactEnv = spec.ItemKind == "Pod" && !spec.MetadataOnly;
        var cuts = new List<ByteCut>();
        var output = new ArrayBufferWriter<byte>(FlushBytes * 2);
        var first = true;
        try
        {
            await foreach (var page in pages.ReadAllAsync(ct))
            {
                try
                {
                    output.ResetWrittenCount();
                    foreach (var range in page.Items)
                    {
                        if (!first) output.Write(","u8);
                        first = false;
                        var reader = new Utf8JsonReader(page.Buffer.AsSpan(range));
                        using var doc = JsonDocument.ParseValue(ref reader);
                        var start = output.WrittenCount;
                        var redacted = ItemRewriter.Write(doc.RootElement, prefix, redactEnv, output, cuts, spec.KeepWriteTime);
                        if (observer is not null && !redacted) observer.Item(doc.RootElement);
                        else if (observer is not null)
                        {
                            // The observer sees what the cache holds: the item with its credential values replaced.
                            var written = new Utf8JsonReader(output.WrittenSpan[start..]);
                            using var clean = JsonDocument.ParseValue(ref written);
                            observer.Item(clean.RootElement);
                        }
                        // Checked pages go to the file as they are rewritten: no second page-sized buffer.
                        if (output.WrittenCount >= FlushBytes)
                        {
                            file.Write(output.WrittenSpan);
                            output.ResetWrittenCount();
                        }
                    }
                }
                finally
                {
                    buffers.Push(page.Buffer);
                }
                await file.WriteAsync(output.WrittenMemory, ct);
            }
        }
        finally
        {
            // Pages never written go back to the pool.
            while (pages.TryRead(out var left)) buffers.Push(left.Buffer);
        }
    }

    /// <summary>
    /// A response body read whole into a buffer of the list's own pool (grown by doubling; the caller pushes it back).
    /// The list keeps its few page buffers itself: the shared pool would keep a copy per thread that touched one.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadWholeAsync(Stream body, ConcurrentStack<byte[]> buffers, CancellationToken ct)
    {
        var buffer = buffers.TryPop(out var reused) ? reused : GC.AllocateUninitializedArray<byte>(256 << 10);
        var length = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            {
                length += n;
                if (length < buffer.Length) continue;
                if (buffer.Length >= MaxPageBytes) throw new JsonException($"A list page is larger than {MaxPageBytes >> 20} MiB.");
                var bigger = GC.AllocateUninitializedArray<byte>(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(bigger);
                buffer = bigger;
            }
            return (buffer, length);
        }
        catch
        {
            buffers.Push(buffer);
            throw;
        }
    }

    private static string JsonSerializerString(string s) => "\"" + JsonEncodedText.Encode(s) + "\"";
}
