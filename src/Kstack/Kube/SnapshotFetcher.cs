using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Kube;

public enum FetchOutcome { Fetched, Cached, Forbidden, NotServed }

public sealed record FetchResult(ListSpec Spec, FetchOutcome Outcome, string Path, DateTime WrittenUtc)
{
    public bool Available => Outcome is FetchOutcome.Fetched or FetchOutcome.Cached;
}

/// <summary>
/// Ensures cache files are no older than the TTL: fetches stale lists page by page (limit=500 + continue) straight to
/// disk, in parallel, under the context directory's lock. A 403 or an unserved API marks that list unavailable
/// instead of failing the run; any other failure is an infra error and leaves the previous file intact.
/// </summary>
public sealed class SnapshotFetcher(Lazy<KubeApi> lazyApi, string dir, TimeSpan ttl)
{
    private KubeApi api => lazyApi.Value;

    public const int PageSize = 500;
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    public async Task<IReadOnlyDictionary<string, FetchResult>> EnsureAsync(IReadOnlyList<ListSpec> specs, string? ns, CancellationToken ct)
    {
        using var _ = await DirectoryLock.AcquireAsync(dir, TimeSpan.FromMinutes(2), ct);
        var tasks = specs.Select(s => EnsureOneAsync(s, ns, ct)).ToArray();
        var results = await Task.WhenAll(tasks);
        return results.ToDictionary(r => r.Spec.File, StringComparer.Ordinal);
    }

    private async Task<FetchResult> EnsureOneAsync(ListSpec spec, string? ns, CancellationToken ct)
    {
        var path = Path.Combine(dir, spec.File);
        var info = new FileInfo(path);
        if (info.Exists && ttl > TimeSpan.Zero && UtcNow() - info.LastWriteTimeUtc < ttl)
            return new FetchResult(spec, FetchOutcome.Cached, path, info.LastWriteTimeUtc);
        try
        {
            if (spec.IsList) await FetchListAsync(spec, ns, path, ct);
            else await FetchObjectAsync(spec, path, ct);
            return new FetchResult(spec, FetchOutcome.Fetched, path, File.GetLastWriteTimeUtc(path));
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.Forbidden)
        {
            TryDelete(path);
            return new FetchResult(spec, FetchOutcome.Forbidden, path, default);
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.NotFound && spec.Fallback is { } fallback)
        {
            return await EnsureOneAsync(fallback, ns, ct) with { Spec = spec };
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.NotFound)
        {
            TryDelete(path);
            return new FetchResult(spec, FetchOutcome.NotServed, path, default);
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.Unauthorized)
        {
            throw KstackException.User($"The API server rejected the credentials of context `{api.ContextName}` (401 Unauthorized). Log in again or check the kubeconfig user.");
        }
        catch (ApiStatusException e)
        {
            throw KstackException.Infra($"Unable to fetch {spec.Noun} for context `{api.ContextName}` ({(int)e.Code}: {e.Message}).");
        }
    }

    private Task FetchObjectAsync(ListSpec spec, string path, CancellationToken ct) =>
        AtomicFile.WriteAsync(path, async file =>
        {
            using var response = await api.GetAsync(spec.ClusterPath, null, spec.Noun, ct);
            var body = await ReadBodyAsync(response, spec, ct);
            try { using var _ = JsonDocument.Parse(body); }
            catch (JsonException) { throw Truncated(spec, "the response is not complete JSON"); }
            await file.WriteAsync(body, ct);
        });

    private async Task FetchListAsync(ListSpec spec, string? ns, string path, CancellationToken ct)
    {
        var prefix = ItemRewriter.TypePrefix(spec.ItemApiVersion, spec.ItemKind);
        await AtomicFile.WriteAsync(path, async file =>
        {
            for (var restart = 0; ; restart++)
            {
                file.SetLength(0);
                try
                {
                    var rv = await WritePagesAsync(spec, ns, prefix, file, ct);
                    await file.WriteAsync(Encoding.UTF8.GetBytes($"],\"metadata\":{{\"resourceVersion\":\"{Escape(rv)}\"}}}}\n"), ct);
                    return;
                }
                catch (ApiStatusException e) when (e.Code == HttpStatusCode.Gone && restart == 0)
                {
                    // The continue token expired mid-list: start again from a fresh snapshot once.
                }
            }
        });
    }

    private async Task<string> WritePagesAsync(ListSpec spec, string? ns, byte[] prefix, Stream file, CancellationToken ct)
    {
        await file.WriteAsync("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["u8.ToArray(), ct);
        var first = true;
        string? cont = null;
        string resourceVersion = "";
        var page = new ArrayBufferWriter<byte>(1 << 20);
        do
        {
            var query = $"{spec.PathFor(ns)}?limit={PageSize}" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont));
            var (header, items) = await ReadPageAsync(spec, query, prefix, page, first, ct);
            if (items > 0) first = false;
            await file.WriteAsync(page.WrittenMemory, ct);
            page.ResetWrittenCount();
            if (resourceVersion.Length == 0) resourceVersion = header.ResourceVersion ?? "";
            cont = string.IsNullOrEmpty(header.Continue) ? null : header.Continue;
        } while (cont is not null);
        return resourceVersion;
    }

    /// <summary>Reads one page into memory (bounded by the page size), retrying a page whose body was cut short or stalled.</summary>
    private async Task<(ListHeader Header, int Items)> ReadPageAsync(ListSpec spec, string query, byte[] prefix,
        ArrayBufferWriter<byte> page, bool first, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            page.ResetWrittenCount();
            var items = 0;
            var needComma = !first;
            // Pod specs carry literal env values: credential-like ones never reach the cache.
            var redactEnv = spec.ItemKind == "Pod" && !spec.MetadataOnly;
            var scratch = new ArrayBufferWriter<byte>(redactEnv ? 4096 : 1);
            using var response = await api.GetAsync(query, spec.MetadataOnly ? KubeApi.MetadataListAccept : null, spec.Noun, ct);
            using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bodyTimeout.CancelAfter(api.Timeout);
            string failure;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(bodyTimeout.Token);
                var header = await ListStreamReader.ReadAsync(body, item =>
                {
                    if (needComma) page.Write(","u8);
                    needComma = true;
                    ItemRewriter.Write(redactEnv ? Redaction.EnvRedactor.Apply(item, scratch) : item, prefix, page);
                    items++;
                }, bodyTimeout.Token);
                return (header, items);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"no complete answer within {Duration.Format(api.Timeout)}";
            }
            catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
            {
                failure = "response body truncated or malformed: " + Kubeconfig.FirstLine(e.Message);
            }
            if (attempt >= api.MaxAttempts)
                throw KstackException.Infra($"Unable to fetch {spec.Noun} for context `{api.ContextName}` ({failure}; {attempt} attempts). The previous cache file was kept.");
            await Task.Delay(200 * attempt, ct);
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, ListSpec spec, CancellationToken ct)
    {
        try { return await response.Content.ReadAsByteArrayAsync(ct); }
        catch (Exception e) when (e is IOException or HttpRequestException) { throw Truncated(spec, Kubeconfig.FirstLine(e.Message)); }
    }

    private KstackException Truncated(ListSpec spec, string detail) =>
        KstackException.Infra($"Unable to fetch {spec.Noun} for context `{api.ContextName}` (response body truncated or malformed: {detail}). The previous cache file was kept.");

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}
