using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>
/// The one read layer: authenticated requests against the API server with the kubeconfig's credentials (token, exec
/// plugin, client certificate). Every request, headers and body, ends within <see cref="Timeout"/>; 5xx, 429 (honouring
/// Retry-After) and dropped or truncated answers are retried here and nowhere else; redirects are never followed.
/// Reads return <see cref="Read{T}"/>: 403/404/4xx and exhausted retries are data, only a 401 and an untrusted server
/// certificate end the run.
/// </summary>
internal sealed class KubeApi : IDisposable
{
    public const string MetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    /// <summary>Single-object metadata only: the data of a Secret is never requested, and no full-object fallback is offered.</summary>
    public const string MetadataAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

    public const int PageSize = 500;

    /// <summary>Largest single-object body read (far above etcd's 1.5 MiB object limit).</summary>
    public const int MaxObjectBytes = 64 << 20;

    private readonly HttpClient _http;
    private readonly k8s.Authentication.ServiceClientCredentials? _credentials;
    private readonly Uri _base;
    private readonly TimeProvider _time;

    /// <summary>Requests in flight at once (streams excepted): enough for parallel lists, gentle on the API server.</summary>
    private readonly SemaphoreSlim _gate = new(6);

    public string ContextName { get; }
    public TimeSpan Timeout { get; }
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);
    public ListLimits Limits { get; init; } = ListLimits.FromEnvironment();

    public KubeApi(Kubeconfig kubeconfig, string context, TimeSpan timeout, TimeProvider? time = null)
    {
        ContextName = context;
        Timeout = timeout;
        _time = time ?? TimeProvider.System;
        (_http, _base, _credentials) = KubeTransport.Connect(kubeconfig, context);
    }

    // ------------------------------------------------------------------ reads

    /// <summary>One object (or any small JSON answer) as a detached element.</summary>
    public Task<Read<JsonElement>> GetAsync(string pathAndQuery, ApiAction action, CancellationToken ct, string? accept = null) =>
        ReadAsync(pathAndQuery, accept, action, ParseObjectAsync, ct);

    /// <summary>
    /// A discovery probe: every non-2xx answer is data, a 401 included (an aggregated API server or proxy may refuse what
    /// the main server accepts, and that only means the API is unavailable).
    /// </summary>
    public Task<Read<JsonElement>> ProbeAsync(string pathAndQuery, ApiAction action, CancellationToken ct) =>
        ReadAsync(pathAndQuery, null, action, ParseObjectAsync, ct, unauthorizedEnds: false);

    /// <summary>An object the caller needs: null on 404, a typed error on any other problem.</summary>
    public async Task<JsonElement?> GetObjectAsync(string pathAndQuery, ApiAction action, CancellationToken ct, string? accept = null)
    {
        var read = await GetAsync(pathAndQuery, action, ct, accept);
        return read.Outcome == ReadOutcome.NotFound ? null : read.OrThrow(ContextName);
    }

    /// <summary>A text body (a container log), invalid UTF-8 replaced, read up to <paramref name="maxBytes"/>.</summary>
    public Task<Read<string>> TextAsync(string pathAndQuery, ApiAction action, int maxBytes, CancellationToken ct) =>
        ReadAsync(pathAndQuery, "text/plain,*/*", action, async (response, token) =>
        {
            await using var body = await response.Content.ReadAsStreamAsync(token);
            var buffer = new byte[maxBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), token)) > 0) total += n;
            return new UTF8Encoding(false, false).GetString(buffer, 0, total);
        }, ct);

    /// <summary>All items of a list (paged), at most <paramref name="maxItems"/>: enough for lookups, never a full download.</summary>
    public async Task<Read<List<JsonElement>>> ListAsync(string path, ApiAction action, CancellationToken ct, string? labelSelector = null,
        string? accept = null, int maxItems = 5000)
    {
        var items = new List<JsonElement>();
        var query = labelSelector is null ? null : "labelSelector=" + Uri.EscapeDataString(labelSelector);
        var read = await PagesAsync(path, query, accept, action, async (body, token) =>
        {
            var (header, page) = await PageItemsAsync(body, token);
            return (header, page.Count, () =>
            {
                items.AddRange(page.Take(maxItems - items.Count));
                return Task.CompletedTask;
            });
        }, () => items.Count >= maxItems, ct);
        return read.Map(_ => items);
    }

    /// <summary>One list page's header and its items as detached elements.</summary>
    public static async Task<(ListHeader Header, List<JsonElement> Items)> PageItemsAsync(Stream body, CancellationToken ct)
    {
        var page = new List<JsonElement>();
        var header = await ListStreamReader.ReadAsync(body, item =>
        {
            var reader = new Utf8JsonReader(item);
            using var doc = JsonDocument.ParseValue(ref reader);
            page.Add(doc.RootElement.Clone());
        }, ct);
        return (header, page);
    }

    /// <summary>
    /// Pages through a list (limit + continue) and hands each page's body to <paramref name="readPage"/>, which parses it
    /// and returns a commit action run once the page is complete (a retried page never commits twice). A repeated continue
    /// token, more than <see cref="ListLimits.MaxPages"/> pages or <see cref="ListLimits.MaxItems"/> items is a failure.
    /// Returns the first page's resourceVersion.
    /// </summary>
    public async Task<Read<string>> PagesAsync(string path, string? query, string? accept, ApiAction action,
        Func<Stream, CancellationToken, Task<(ListHeader Header, int Items, Func<Task> Commit)>> readPage, Func<bool>? enough, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cont = null;
        string? resourceVersion = null;
        long items = 0;
        for (var pages = 1; ; pages++)
        {
            var url = $"{path}?limit={PageSize}" + (query is null ? "" : "&" + query) + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont));
            var page = await ReadAsync(url, accept, action, async (response, token) =>
            {
                await using var body = await response.Content.ReadAsStreamAsync(token);
                return await readPage(body, token);
            }, ct);
            if (!page.Ok) return Read<string>.Missing(page.Problem!);
            var (header, count, commit) = page.Value;
            await commit();
            resourceVersion ??= header.ResourceVersion ?? "";
            items += count;
            cont = string.IsNullOrEmpty(header.Continue) ? null : header.Continue;
            if (cont is null || enough?.Invoke() == true) return Read<string>.Success(resourceVersion);
            if (!seen.Add(cont))
                return Read<string>.Missing(new NotReadable(ReadOutcome.Failed, action, null,
                    $"the API server sent the same continue token twice after {pages} pages (endless pagination)"));
            if (pages >= Limits.MaxPages || items >= Limits.MaxItems)
                return Read<string>.Missing(new NotReadable(ReadOutcome.Failed, action, null,
                    $"the list exceeds kstack's limit of {Limits.MaxPages} pages or {Limits.MaxItems} items (KSTACK_MAX_LIST_PAGES, KSTACK_MAX_LIST_ITEMS)"));
        }
    }

    /// <summary>
    /// A long-lived stream (follow=true logs, watches): only the response headers are bound by the timeout; the caller
    /// owns and disposes the response. Not retried: the follower reconnects on its own schedule.
    /// </summary>
    public async Task<Read<HttpResponseMessage>> OpenStreamAsync(string pathAndQuery, string? accept, ApiAction action, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        HttpResponseMessage? response = null;
        try
        {
            using var request = await NewRequestAsync(HttpMethod.Get, pathAndQuery, accept, null, null, deadline.Token);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.IsSuccessStatusCode) return Read<HttpResponseMessage>.Success(response);
            var problem = await ProblemOfAsync(response, action, deadline.Token);
            response.Dispose();
            return Read<HttpResponseMessage>.Missing(problem);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            response?.Dispose();
            return Read<HttpResponseMessage>.Missing(new NotReadable(ReadOutcome.Failed, action, null, $"no answer within {Cache.Duration.Format(Timeout)}"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !IsUntrustedCertificate(e))
        {
            response?.Dispose();
            return Read<HttpResponseMessage>.Missing(new NotReadable(ReadOutcome.Failed, action, null, Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message)));
        }
        catch (HttpRequestException e)
        {
            response?.Dispose();
            throw Untrusted(action, e);
        }
    }

    /// <summary>
    /// The retry loop. One attempt sends the request and consumes the body under one deadline; 5xx, 429, resets and
    /// truncated or malformed bodies are tried again (at most <see cref="MaxAttempts"/>), a timeout is not.
    /// </summary>
    private async Task<Read<T>> ReadAsync<T>(string pathAndQuery, string? accept, ApiAction action,
        Func<HttpResponseMessage, CancellationToken, Task<T>> consume, CancellationToken ct, bool unauthorizedEnds = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            int? status = null;
            await _gate.WaitAsync(ct);
            using (var deadline = Deadline(ct))
            {
                try
                {
                    using var request = await NewRequestAsync(HttpMethod.Get, pathAndQuery, accept, null, null, deadline.Token);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                    if (response.IsSuccessStatusCode) return Read<T>.Success(await consume(response, deadline.Token));
                    var code = (int)response.StatusCode;
                    if (code == 429 || code >= 500)
                    {
                        status = code;
                        retryAfter = RetryAfter(response.Headers);
                        var message = await StatusMessageAsync(response, deadline.Token);
                        failure = $"HTTP {code}{(message.Length > 0 ? ": " + message : "")}";
                    }
                    else return Read<T>.Missing(await ProblemOfAsync(response, action, deadline.Token, unauthorizedEnds));
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return Read<T>.Missing(new NotReadable(ReadOutcome.Failed, action, null, $"no complete answer within {Cache.Duration.Format(Timeout)}"));
                }
                catch (HttpRequestException e) when (IsUntrustedCertificate(e))
                {
                    throw Untrusted(action, e);
                }
                catch (JsonException e)
                {
                    failure = "response body truncated or malformed: " + Kubeconfig.FirstLine(e.Message);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    failure = Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message);
                }
                finally
                {
                    _gate.Release();
                }
            }
            if (attempt >= MaxAttempts)
                return Read<T>.Missing(new NotReadable(ReadOutcome.Failed, action, status, $"{failure}; {attempt} attempts"));
            var delay = retryAfter ?? TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1)));
            await Task.Delay(delay > MaxRetryAfter ? MaxRetryAfter : delay, _time, ct);
        }
    }

    // ------------------------------------------------------------------ writes

    /// <summary>
    /// One write request (POST, DELETE, PATCH) with a JSON body; not retried, since a write may have landed.
    /// Returns the status code and body; transport failures become infra errors.
    /// </summary>
    public async Task<(HttpStatusCode Code, string Body)> SendAsync(HttpMethod method, string pathAndQuery, string? json, string noun, CancellationToken ct,
        string contentType = "application/json")
    {
        using var deadline = Deadline(ct);
        try
        {
            using var request = await NewRequestAsync(method, pathAndQuery, null, json, contentType, deadline.Token);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (IsRedirect(response.StatusCode))
                throw KstackException.Infra($"Unable to {noun} in context `{ContextName}` ({RedirectRefusal(response)}).");
            var text = response.IsSuccessStatusCode
                ? Encoding.UTF8.GetString(await ReadBoundedAsync(response, MaxObjectBytes, deadline.Token))
                : await StatusMessageAsync(response, deadline.Token);
            return (response.StatusCode, text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw KstackException.Infra($"Unable to {noun} in context `{ContextName}` (no answer within {Cache.Duration.Format(Timeout)}).");
        }
        catch (HttpRequestException e) when (IsUntrustedCertificate(e))
        {
            throw Untrusted(new ApiAction(noun, ""), e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw KstackException.Infra($"Unable to {noun} in context `{ContextName}` ({Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message)}).");
        }
    }

    // ------------------------------------------------------------------ helpers

    private CancellationTokenSource Deadline(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        return cts;
    }

    /// <summary>A request with kstack's headers and the context's credentials applied.</summary>
    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string pathAndQuery, string? accept, string? json,
        string? contentType, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, pathAndQuery.TrimStart('/')));
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("kstack", Cli.KstackApp.Version));
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(contentType ?? "application/json"));
        if (_credentials is not null) await _credentials.ProcessHttpRequestAsync(request, ct);
        return request;
    }

    /// <summary>A non-2xx answer that is not retried, as data; a 401 ends the run unless the caller only probes.</summary>
    private async Task<NotReadable> ProblemOfAsync(HttpResponseMessage response, ApiAction action, CancellationToken ct, bool unauthorizedEnds = true)
    {
        var code = response.StatusCode;
        if (IsRedirect(code)) return new NotReadable(ReadOutcome.Failed, action, (int)code, RedirectRefusal(response));
        var message = await StatusMessageAsync(response, ct);
        if (code == HttpStatusCode.Unauthorized && unauthorizedEnds)
            throw KstackException.User($"The API server rejected the credentials of context `{ContextName}` (401 Unauthorized). Log in again or check the kubeconfig user.");
        var outcome = code switch
        {
            HttpStatusCode.Forbidden => ReadOutcome.Forbidden,
            HttpStatusCode.NotFound => ReadOutcome.NotFound,
            _ when (int)code is >= 400 and < 500 => ReadOutcome.Rejected,
            _ => ReadOutcome.Failed,
        };
        return new NotReadable(outcome, action, (int)code, message.Length > 0 ? message : $"HTTP {(int)code}");
    }

    private static bool IsRedirect(HttpStatusCode code) => (int)code is >= 300 and < 400;

    /// <summary>Credentials and requests go only where the kubeconfig says: a redirect is refused, naming its origin.</summary>
    private string RedirectRefusal(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        var target = location is null ? "no Location" : new Uri(_base, location) is var abs && abs.IsAbsoluteUri
            ? $"{abs.Scheme}://{abs.Authority}" : "an unreadable Location";
        return $"the API server answered HTTP {(int)response.StatusCode}, a redirect to {TerminalText.Clean(target)}; kstack does not follow redirects";
    }

    private static bool IsUntrustedCertificate(Exception e) => e is HttpRequestException && e.InnerException is AuthenticationException;

    private KstackException Untrusted(ApiAction action, Exception e) =>
        KstackException.Infra($"Unable to fetch {action.Resource} for context `{ContextName}`: the API server's TLS certificate is not trusted by the kubeconfig's certificate authority"
                              + $" or does not name the server ({Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message)}).");

    private TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.RetryAfter?.Delta is { } delta) return delta;
        if (headers.RetryAfter?.Date is { } date) return date - _time.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    /// <summary>A JSON body as a detached element; lone surrogate escapes read as U+FFFD.</summary>
    private static async Task<JsonElement> ParseObjectAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await ReadBoundedAsync(response, MaxObjectBytes, ct);
        JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.Clone();
    }

    /// <summary>A body read whole but never past <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > max) throw new JsonException($"The answer is larger than {max >> 20} MiB.");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new ArrayBufferWriter<byte>(8192);
        while (true)
        {
            var n = await body.ReadAsync(buffer.GetMemory(8192), ct);
            if (n == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(n);
            if (buffer.WrittenCount > max) throw new JsonException($"The answer is larger than {max >> 20} MiB.");
        }
    }

    /// <summary>The message of a Kubernetes Status body, or the first line of whatever came back (at most 4 KiB read).</summary>
    private static async Task<string> StatusMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var total = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
        }
        catch (Exception e) when (e is HttpRequestException or IOException) { }
        var bytes = buffer.AsSpan(0, total);
        JsonEscapes.ReplaceLoneSurrogates(bytes, final: true);
        try
        {
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, total));
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                return m.GetString() ?? "";
        }
        catch (JsonException) { }
        return Kubeconfig.FirstLine(new UTF8Encoding(false, false).GetString(bytes).Trim());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Bounds on one paged list, far above real clusters; a server paging past them is broken or hostile.</summary>
internal sealed record ListLimits(int MaxPages, long MaxItems)
{
    public const int DefaultMaxPages = 20_000;
    public const long DefaultMaxItems = 5_000_000;

    public static ListLimits FromEnvironment() => new(
        Positive("KSTACK_MAX_LIST_PAGES") is { } p ? (int)Math.Min(p, int.MaxValue) : DefaultMaxPages,
        Positive("KSTACK_MAX_LIST_ITEMS") ?? DefaultMaxItems);

    private static long? Positive(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
}
