using System.Buffers;
using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>One cached list or object on disk: which spec it holds, where, when it was written, whether this run reused it.</summary>
public sealed record Snapshot(ListSpec Spec, string Path, DateTime WrittenUtc, bool FromCache);

/// <summary>
/// Ensures cache files are no older than the TTL: fetches stale lists page by page (limit=500 + continue) straight to
/// disk, in parallel, under the context directory's lock. A 403 or an unserved API marks that list not readable instead
/// of failing the run; a previous file is then kept and reported as stale (value and problem both set). Any other
/// failure is an infra error and leaves the previous file intact.
/// </summary>
public sealed class SnapshotFetcher(Lazy<KubeApi> lazyApi, string dir, TimeSpan ttl, TimeProvider? time = null)
{
    private KubeApi api => lazyApi.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<IReadOnlyDictionary<string, Read<Snapshot>>> EnsureAsync(IReadOnlyList<ListSpec> specs, string? ns, CancellationToken ct)
    {
        using var _ = await DirectoryLock.AcquireAsync(dir, TimeSpan.FromMinutes(2), ct);
        var tasks = specs.Select(s => EnsureOneAsync(s, ns, ct)).ToArray();
        var results = await Task.WhenAll(tasks);
        return specs.Select((s, i) => (s.File, results[i])).ToDictionary(r => r.File, r => r.Item2, StringComparer.Ordinal);
    }

    private async Task<Read<Snapshot>> EnsureOneAsync(ListSpec spec, string? ns, CancellationToken ct)
    {
        var path = Path.Combine(dir, spec.File);
        var info = new FileInfo(path);
        if (info.Exists && ttl > TimeSpan.Zero && _time.GetUtcNow().UtcDateTime - info.LastWriteTimeUtc < ttl)
            return Read<Snapshot>.Success(new Snapshot(spec, path, info.LastWriteTimeUtc, FromCache: true));
        var action = spec.IsList ? ApiAction.List(spec.Noun, ns) : ApiAction.Get(spec.Noun);
        var fetched = spec.IsList ? await FetchListAsync(spec, ns, path, action, ct) : await FetchObjectAsync(spec, path, action, ct);
        if (fetched.Ok) return Read<Snapshot>.Success(new Snapshot(spec, path, File.GetLastWriteTimeUtc(path), FromCache: false));

        var problem = fetched.Problem!;
        if (problem.Outcome == ReadOutcome.NotFound && spec.Fallback is { } fallback)
        {
            var other = await EnsureOneAsync(fallback, ns, ct);
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

    private async Task<Read<bool>> FetchListAsync(ListSpec spec, string? ns, string path, ApiAction action, CancellationToken ct)
    {
        var prefix = ItemRewriter.TypePrefix(spec.ItemApiVersion, spec.ItemKind);
        Read<string>? result = null;
        var tmp = AtomicFile.WriteAsync(path, async file =>
        {
            for (var restart = 0; ; restart++)
            {
                file.SetLength(0);
                result = await WritePagesAsync(spec, ns, action, prefix, file, ct);
                // An expired continue token mid-list: start again from a fresh snapshot once.
                if (result.Problem is { Outcome: ReadOutcome.Rejected, HttpStatus: 410 } && restart == 0) continue;
                if (!result.Ok) throw new ReadAborted();
                await file.WriteAsync(Encoding.UTF8.GetBytes($"],\"metadata\":{{\"resourceVersion\":{JsonSerializerString(result.Value!)}}}}}\n"), ct);
                return;
            }
        });
        try { await tmp; }
        catch (ReadAborted) { }
        return result!.Map(_ => true);
    }

    /// <summary>Thrown inside the atomic write so the temp file is discarded and the previous cache file stays.</summary>
    private sealed class ReadAborted : Exception;

    private async Task<Read<string>> WritePagesAsync(ListSpec spec, string? ns, ApiAction action, byte[] prefix, Stream file, CancellationToken ct)
    {
        await file.WriteAsync("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["u8.ToArray(), ct);
        var first = true;
        var page = new ArrayBufferWriter<byte>(1 << 20);
        var read = await api.PagesAsync(spec.PathFor(ns), null, spec.MetadataOnly ? KubeApi.MetadataListAccept : null, action, async (body, token) =>
        {
            // Pages are read into memory (bounded by the page size) so a retried page never leaves half an answer in the file.
            page.ResetWrittenCount();
            var items = 0;
            var needComma = !first;
            // Pod specs carry literal env values: credential-like ones never reach the cache.
            var redactEnv = spec.ItemKind == "Pod" && !spec.MetadataOnly;
            var scratch = new ArrayBufferWriter<byte>(redactEnv ? 4096 : 1);
            var header = await ListStreamReader.ReadAsync(body, item =>
            {
                if (needComma) page.Write(","u8);
                needComma = true;
                ItemRewriter.Write(redactEnv ? Redaction.EnvRedactor.Apply(item, scratch) : item, prefix, page);
                items++;
            }, token);
            return (header, items, async () =>
            {
                if (items > 0) first = false;
                await file.WriteAsync(page.WrittenMemory, ct);
                page.ResetWrittenCount();
            });
        }, null, ct);
        return read;
    }

    private static string JsonSerializerString(string s) => "\"" + JsonEncodedText.Encode(s) + "\"";
}
