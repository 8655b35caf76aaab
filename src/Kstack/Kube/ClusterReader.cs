using System.Net;
using System.Text;
using System.Text.Json;
using Kstack.Envelope;

namespace Kstack.Kube;

public enum ReadOutcome { Ok, Forbidden, NotFound, Rejected, Failed }

/// <summary>The result of one optional read: the value, or why there is none.</summary>
public sealed record Read<T>(ReadOutcome Outcome, T? Value, string? Error = null)
{
    public bool Ok => Outcome == ReadOutcome.Ok;
}

/// <summary>
/// Bounded, concurrent GETs for /investigate. A 403/404/4xx or an exhausted retry becomes a typed outcome so each part of
/// the bundle stays optional; only a 401 aborts the run.
/// </summary>
public sealed class ClusterReader(KubeApi api, int parallel = 6)
{
    /// <summary>Single-object metadata only: the data of a Secret is never requested, and no full-object fallback is offered.</summary>
    public const string MetadataAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
    public const int MaxListItems = 5000;
    public const int MaxLogBytes = 256 * 1024;

    private readonly SemaphoreSlim _gate = new(parallel);

    public string ContextName => api.ContextName;

    public Task<Read<JsonElement>> GetAsync(string path, string noun, CancellationToken ct, string? accept = null) =>
        Guarded(async () =>
        {
            using var response = await api.GetAsync(path, accept, noun, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            return doc.RootElement.Clone();
        }, ct);

    /// <summary>All items of a list (paged, limit=500), at most <see cref="MaxListItems"/>.</summary>
    public Task<Read<List<JsonElement>>> ListAsync(string path, string noun, CancellationToken ct, string? labelSelector = null, string? accept = null) =>
        Guarded(async () =>
        {
            var items = new List<JsonElement>();
            string? cont = null;
            do
            {
                var query = $"{path}?limit=500" + (labelSelector is null ? "" : "&labelSelector=" + Uri.EscapeDataString(labelSelector))
                            + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont));
                using var response = await api.GetAsync(query, accept, noun, ct);
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var doc = await JsonDocument.ParseAsync(body, cancellationToken: ct);
                if (doc.RootElement.TryGetProperty("items", out var arr) && arr.ValueKind == JsonValueKind.Array)
                    foreach (var item in arr.EnumerateArray())
                        if (items.Count < MaxListItems) items.Add(item.Clone());
                cont = doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("continue", out var c)
                       && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } token ? token : null;
            } while (cont is not null && items.Count < MaxListItems);
            return items;
        }, ct);

    /// <summary>A log body as text (invalid UTF-8 replaced), read up to <see cref="MaxLogBytes"/>.</summary>
    public Task<Read<string>> TextAsync(string path, string noun, CancellationToken ct) =>
        Guarded(async () =>
        {
            using var response = await api.GetAsync(path, "text/plain,*/*", noun, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxLogBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
            return new UTF8Encoding(false, false).GetString(buffer, 0, total);
        }, ct);

    private async Task<Read<T>> Guarded<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return new Read<T>(ReadOutcome.Ok, await read());
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.Unauthorized)
        {
            throw KstackException.User($"The API server rejected the credentials of context `{api.ContextName}` (401 Unauthorized). Log in again or check the kubeconfig user.");
        }
        catch (ApiStatusException e)
        {
            var outcome = e.Code switch
            {
                HttpStatusCode.Forbidden => ReadOutcome.Forbidden,
                HttpStatusCode.NotFound => ReadOutcome.NotFound,
                _ when (int)e.Code is >= 400 and < 500 => ReadOutcome.Rejected,
                _ => ReadOutcome.Failed,
            };
            return new Read<T>(outcome, default, e.Message);
        }
        catch (KstackException e) when (e.Kind == ErrorKind.Infra)
        {
            return new Read<T>(ReadOutcome.Failed, default, e.Message);
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            return new Read<T>(ReadOutcome.Failed, default, "malformed or truncated response: " + Kubeconfig.FirstLine(e.Message));
        }
        finally
        {
            _gate.Release();
        }
    }
}
