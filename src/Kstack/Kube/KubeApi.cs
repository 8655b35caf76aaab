using System.Net;
using System.Net.Http.Headers;
using k8s;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>The outcome of one GET that did not return 2xx.</summary>
public sealed class ApiStatusException(HttpStatusCode code, string path, string message) : Exception(message)
{
    public HttpStatusCode Code { get; } = code;
    public string PathAndQuery { get; } = path;
}

/// <summary>
/// Raw, authenticated GETs against the API server with the kubeconfig's credentials (token, exec plugin, client cert),
/// a per-request timeout and bounded retries for 5xx, 429 and dropped connections.
/// </summary>
public sealed class KubeApi : IDisposable
{
    public const string MetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    private readonly HttpClient _http;
    private readonly k8s.Authentication.ServiceClientCredentials? _credentials;
    private readonly Uri _base;

    public string ContextName { get; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    public KubeApi(Kubeconfig kubeconfig, string context)
    {
        ContextName = context;
        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig.Merged, context);
            // The exec plugin already ran while building the config; reuse its token instead of running it again.
            config.TokenProvider = null;
            (_http, _base) = KubeTransport.Create(config);
            _credentials = Kubernetes.CreateCredentials(config);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not KstackException)
        {
            throw KstackException.User($"Unable to use context `{context}` from kubeconfig: {Kubeconfig.FirstLine(e.Message)}");
        }
    }

    /// <summary>Sends a GET and returns the response with headers read; the caller owns and disposes it.</summary>
    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? accept, string noun, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            HttpResponseMessage? response = null;
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var request = await NewRequestAsync(HttpMethod.Get, pathAndQuery, accept, null, null, timeout.Token);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode) return response;

                var code = response.StatusCode;
                var body = await ReadStatusMessage(response, timeout.Token);
                if (code == HttpStatusCode.TooManyRequests || (int)code >= 500)
                {
                    retryAfter = RetryAfter(response.Headers);
                    failure = $"HTTP {(int)code}{(body.Length > 0 ? ": " + body : "")}";
                    response.Dispose();
                }
                else
                {
                    response.Dispose();
                    throw new ApiStatusException(code, pathAndQuery, body.Length > 0 ? body : $"HTTP {(int)code}");
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                response?.Dispose();
                failure = $"no answer within {Cache.Duration.Format(Timeout)}";
            }
            catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException auth)
            {
                response?.Dispose();
                throw KstackException.Infra($"Unable to fetch {noun} for context `{ContextName}`: the API server's TLS certificate is not trusted by the kubeconfig's certificate authority ({Kubeconfig.FirstLine(auth.Message)}).");
            }
            catch (HttpRequestException e)
            {
                response?.Dispose();
                failure = Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message);
            }
            catch (IOException e)
            {
                response?.Dispose();
                failure = Kubeconfig.FirstLine(e.Message);
            }
            if (attempt >= MaxAttempts)
                throw KstackException.Infra($"Unable to fetch {noun} for context `{ContextName}` ({failure}; {attempt} attempts).");
            var delay = retryAfter ?? TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1)));
            await Task.Delay(delay > MaxRetryAfter ? MaxRetryAfter : delay, ct);
        }
    }

    /// <summary>
    /// One write request (POST, DELETE, PATCH) with a JSON body; not retried, since a write may have landed.
    /// Returns the status code and body; transport failures become infra errors.
    /// </summary>
    public async Task<(HttpStatusCode Code, string Body)> SendAsync(HttpMethod method, string pathAndQuery, string? json, string noun, CancellationToken ct,
        string contentType = "application/json")
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = await NewRequestAsync(method, pathAndQuery, null, json, contentType, timeout.Token);
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
            return (response.StatusCode, await ReadStatusMessage(response, timeout.Token));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw KstackException.Infra($"Unable to {noun} in context `{ContextName}` (no answer within {Cache.Duration.Format(Timeout)}).");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw KstackException.Infra($"Unable to {noun} in context `{ContextName}` ({Kubeconfig.FirstLine(e.InnerException?.Message ?? e.Message)}).");
        }
    }

    /// <summary>A request with kstack's headers and the context's credentials applied.</summary>
    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string pathAndQuery, string? accept, string? json,
        string? contentType, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, pathAndQuery.TrimStart('/')));
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("kstack", Cli.KstackApp.Version));
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, new MediaTypeHeaderValue(contentType ?? "application/json"));
        if (_credentials is not null) await _credentials.ProcessHttpRequestAsync(request, ct);
        return request;
    }

    /// <summary>A GET whose body is small JSON: parsed, or null on 404.</summary>
    public async Task<System.Text.Json.JsonDocument?> GetJsonAsync(string pathAndQuery, string noun, CancellationToken ct)
    {
        try
        {
            using var response = await GetAsync(pathAndQuery, null, noun, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await System.Text.Json.JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (ApiStatusException e) when (e.Code == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.RetryAfter?.Delta is { } delta) return delta;
        if (headers.RetryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return null;
    }

    /// <summary>The message of a Kubernetes Status body, or the first line of whatever came back.</summary>
    private static async Task<string> ReadStatusMessage(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try { text = await response.Content.ReadAsStringAsync(ct); }
        catch (Exception e) when (e is HttpRequestException or IOException) { return ""; }
        if (text.Length > 4096) text = text[..4096];
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String)
                return m.GetString() ?? "";
        }
        catch (System.Text.Json.JsonException) { }
        return Kubeconfig.FirstLine(text.Trim());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Builds the API client only when a request is needed, so cache hits skip TLS and credential set-up.</summary>
public sealed class LazyKubeApi(Func<KubeApi> create) : IDisposable
{
    public Lazy<KubeApi> Lazy { get; } = new(create);

    public void Dispose()
    {
        if (Lazy.IsValueCreated) Lazy.Value.Dispose();
    }
}
