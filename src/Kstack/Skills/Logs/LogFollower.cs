using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Logs;

/// <summary>
/// `kstack logs follow`: the process that runs in a logs pane. Streams every matching pod/container over the API
/// (follow=true), prefixes each line with namespace/pod/container, filters with --grep client-side, reconnects when a
/// stream ends, and picks up new pods through a watch on the selector.
/// </summary>
internal sealed class LogFollower(KubeApi api, LogQuery query, TextWriter output)
{
    private readonly Dictionary<(string Pod, string Container), Task> _streams = new();
    private readonly object _outLock = new();
    private readonly Regex? _grep = query.Grep is null ? null : LogQuery.CompileGrep(query.Grep);
    private readonly TimeSpan? _since = query.Since is null ? null : Cache.Duration.Parse("--since", query.Since);

    /// <summary>Lines shown per container when no --since is given.</summary>
    public const int DefaultTail = 50;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Colour each pod/container prefix (SGR codes kstack writes itself, around already neutralised names).</summary>
    public bool Colour { get; init; }

    /// <summary>A terminal that renders colour: TERM set and not "dumb", stdout not redirected, and NO_COLOR unset or empty.</summary>
    public static bool TerminalSupportsColour() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb"
        && !Console.IsOutputRedirected;

    /// <summary>What kstack writes into a pane: neutralised (no escape, control, bidi, zero-width or tag character) and one line.</summary>
    public static string PaneLine(string text) => TerminalText.Clean(text).Replace('\n', ' ').Replace('\t', ' ');

    private static readonly int[] Palette = [32, 33, 34, 35, 36, 92, 93, 94, 95, 96];

    /// <summary>The same pod/container always gets the same colour (a stable FNV-1a hash, not string.GetHashCode).</summary>
    public static int ColourFor(string key)
    {
        var h = 2166136261u;
        foreach (var c in key) h = (h ^ c) * 16777619u;
        return Palette[h % (uint)Palette.Length];
    }

    private string PodsPath => $"/api/v1/namespaces/{Uri.EscapeDataString(query.Namespace)}/pods";
    private ApiAction PodAction => ApiAction.Get("pods", query.Namespace);
    private ApiAction PodsAction => ApiAction.List("pods", query.Namespace);

    /// <summary>The pods matching the selector and the list's resourceVersion; null when the namespace does not exist.</summary>
    private async Task<(List<JsonElement> Items, string ResourceVersion)?> ListPodsAsync(string? selector, CancellationToken ct)
    {
        var rv = "0";
        var items = new List<JsonElement>();
        var read = await api.PagesAsync(PodsPath, selector, null, PodsAction, async (body, token) =>
        {
            var (header, page) = await KubeApi.PageItemsAsync(body, token);
            return (header, page.Count, () => { items.AddRange(page); return Task.CompletedTask; });
        }, null, ct);
        if (read.Outcome == ReadOutcome.NotFound) return null;
        rv = read.OrThrow(api.ContextName) is { Length: > 0 } v ? v : rv;
        return (items, rv);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        Status($"following {Describe()}");
        if (query.Selector is null)
        {
            foreach (var pod in query.Pods)
            {
                var doc = await api.GetObjectAsync($"{PodsPath}/{Uri.EscapeDataString(pod)}", PodAction, ct);
                if (doc is not { } found) { Status($"pod {DataText.Token(query.Namespace)}/{DataText.Token(pod, 120)} not found"); continue; }
                StartPod(found, ct);
            }
        }
        else
        {
            await WatchSelectorAsync(ct);
        }
        if (query.FollowsNewPods)
        {
            // New pods may appear at any time: run until stopped.
            try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
            return;
        }
        while (!ct.IsCancellationRequested)
        {
            Task[] running;
            lock (_streams) running = _streams.Values.Where(t => !t.IsCompleted).ToArray();
            if (running.Length == 0) break;
            try { await Task.WhenAny(Task.WhenAll(running), Task.Delay(Timeout.Infinite, ct)); }
            catch (OperationCanceledException) { break; }
        }
        Status("no more streams to follow");
    }

    private string Describe()
    {
        var ns = DataText.Token(query.Namespace);
        var what = query.Selector is null ? string.Join(", ", query.Pods.Select(p => $"{ns}/{DataText.Token(p, 120)}"))
            : query.Selector.Length == 0 ? $"every pod in namespace {ns}" : $"pods in {ns} matching {DataText.Quote(query.Selector, 200)}";
        var window = query.Previous ? "previous instance" : _since is { } s ? $"since {Cache.Duration.Format(s)}" : $"last {DefaultTail} lines per container";
        return $"{what} ({window}{(query.Grep is null ? "" : $", grep {DataText.Quote(query.Grep, 200)}")}{(query.Container is null ? "" : $", container {DataText.Token(query.Container)}")})";
    }

    /// <summary>List then watch from the list's resourceVersion; a new pod starts streams; an ended watch is resumed.</summary>
    private async Task WatchSelectorAsync(CancellationToken ct)
    {
        var selector = query.Selector!.Length == 0 ? "" : "labelSelector=" + Uri.EscapeDataString(query.Selector);
        var (first, rv) = await ListPodsAsync(selector.Length == 0 ? null : selector, ct)
                          ?? throw KstackException.User($"Namespace {query.Namespace} not found.");
        foreach (var pod in first) StartPod(pod, ct);
        if (query.Previous) return;
        _ = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var amp = selector.Length == 0 ? "" : "&" + selector;
                    var opened = await api.OpenStreamAsync($"{PodsPath}?watch=true&allowWatchBookmarks=true&resourceVersion={rv}{amp}", null, new ApiAction("watch", "pods", query.Namespace), ct);
                    if (!opened.Ok) throw new IOException(opened.Problem!.Reason);
                    using var response = opened.Value!;
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                    while (await reader.ReadLineAsync(ct) is { } line)
                    {
                        using var ev = JsonDocument.Parse(line);
                        var type = ev.RootElement.Str("type");
                        if (ev.RootElement.Get("object") is not { } obj) continue;
                        if (obj.Str("metadata", "resourceVersion") is { } newRv) rv = newRv;
                        if (type == "ERROR") { rv = "0"; break; }
                        if (type is "ADDED" or "MODIFIED") StartPod(obj, ct);
                    }
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e) when (e is KstackException or IOException or HttpRequestException or JsonException)
                {
                    Status($"pod watch interrupted ({Kubeconfig.FirstLine(e.Message)}); retrying");
                }
                if (rv == "0")
                {
                    // Expired resourceVersion: re-list to catch up, then watch again.
                    try { await WatchRelistAsync(ct); } catch (Exception e) when (e is not OperationCanceledException) { }
                }
                await Task.Delay(RetryDelay, ct).ContinueWith(_ => { });
            }
        }, ct);

        async Task WatchRelistAsync(CancellationToken c)
        {
            if (await ListPodsAsync(selector.Length == 0 ? null : selector, c) is not var (items, listed)) return;
            rv = listed;
            foreach (var pod in items) StartPod(pod, c);
        }
    }

    private void StartPod(JsonElement pod, CancellationToken ct)
    {
        var name = pod.Str("metadata", "name") ?? "";
        if (pod.Str("metadata", "deletionTimestamp") is not null) return;
        foreach (var c in pod.Array("spec", "containers"))
        {
            var container = c.Str("name") ?? "";
            if (query.Container is not null && container != query.Container) continue;
            lock (_streams)
            {
                if (_streams.TryGetValue((name, container), out var t) && !t.IsCompleted) continue;
                var announce = _streams.Count > 0 || query.Selector is not null;
                _streams[(name, container)] = Task.Run(() => FollowContainerAsync(name, container, announce, ct), ct);
            }
        }
    }

    /// <summary>One container's stream, reconnecting with sinceTime after the last line seen until the pod is gone.</summary>
    private async Task FollowContainerAsync(string pod, string container, bool announce, CancellationToken ct)
    {
        var prefix = $"{DataText.Token(query.Namespace)}/{DataText.Token(pod, 120)}/{DataText.Token(container)}";
        var shownPrefix = Colour ? $"\u001b[{ColourFor(pod + "/" + container)}m{PaneLine(prefix)}\u001b[0m" : PaneLine(prefix);
        if (announce) Status($"streaming {prefix}");
        DateTimeOffset? last = null;
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            var q = $"container={Uri.EscapeDataString(container)}&timestamps=true";
            if (query.Previous) q += "&previous=true";
            else q += "&follow=true";
            if (last is { } l) q += "&sinceTime=" + Uri.EscapeDataString(l.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            else if (_since is { } s) q += "&sinceSeconds=" + (long)s.TotalSeconds;
            else if (first) q += "&tailLines=" + DefaultTail;
            first = false;
            try
            {
                var opened = await api.OpenStreamAsync($"{PodsPath}/{Uri.EscapeDataString(pod)}/log?{q}", "text/plain", ApiAction.Get("pods/log", query.Namespace), ct);
                switch (opened.Problem)
                {
                    case { Outcome: ReadOutcome.NotFound }:
                        Status($"{prefix}: pod is gone");
                        return;
                    case { Outcome: ReadOutcome.Rejected, HttpStatus: 400 } waiting:
                        // Waiting to start (ContainerCreating, image pull): try again shortly.
                        if (query.Previous) { Status($"{prefix}: {Kubeconfig.FirstLine(waiting.Detail ?? "")}"); return; }
                        break;
                    case { } other:
                        Status($"{prefix}: stream interrupted ({other.Reason}); reconnecting");
                        break;
                    default:
                        using (var response = opened.Value!)
                            await CopyLinesAsync(response, shownPrefix, l => last = l, () => last, ct);
                        break;
                }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is KstackException or IOException or HttpRequestException)
            {
                Status($"{prefix}: stream interrupted ({Kubeconfig.FirstLine(e.Message)}); reconnecting");
            }
            if (query.Previous) return;
            if (!await PodExistsAsync(pod, ct))
            {
                Status($"{prefix}: pod is gone");
                return;
            }
            try { await Task.Delay(RetryDelay, ct); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Writes each new line of one log stream, skipping lines at or before the last timestamp seen; <paramref name="shownPrefix"/> is already neutralised.</summary>
    private async Task CopyLinesAsync(HttpResponseMessage response, string shownPrefix, Action<DateTimeOffset> seen, Func<DateTimeOffset?> last, CancellationToken ct)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } raw)
        {
            var (time, text) = SplitTimestamp(raw);
            if (time is { } t)
            {
                if (last() is { } before && t <= before) continue;
                seen(t);
            }
            if (_grep is not null && !Matches(text)) continue;
            WriteRaw($"{shownPrefix} | {PaneLine(text)}");
        }
    }

    private async Task<bool> PodExistsAsync(string pod, CancellationToken ct)
    {
        var read = await api.GetAsync($"{PodsPath}/{Uri.EscapeDataString(pod)}", PodAction, ct);
        if (read.Outcome == ReadOutcome.NotFound) return false;
        return !read.Ok || read.Value.Str("metadata", "deletionTimestamp") is null;
    }

    private bool Matches(string text)
    {
        try { return _grep!.IsMatch(text); }
        catch (RegexMatchTimeoutException) { return false; }
    }

    /// <summary>Splits the RFC 3339 timestamp the API prepends with timestamps=true.</summary>
    public static (DateTimeOffset? Time, string Text) SplitTimestamp(string raw)
    {
        var sp = raw.IndexOf(' ');
        if (sp > 0 && DateTimeOffset.TryParse(raw[..sp], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return (t, raw[(sp + 1)..]);
        return (null, raw);
    }

    private void Status(string text) => WriteRaw(PaneLine($"# kstack: {text}"));

    /// <summary>Writes a line whose parts were neutralised by <see cref="PaneLine"/> (only kstack's own SGR codes remain).</summary>
    private void WriteRaw(string line)
    {
        lock (_outLock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
