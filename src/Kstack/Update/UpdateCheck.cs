using System.Text.Json;
using System.Text.Json.Serialization;
using Kstack.Cache;

namespace Kstack.Update;

/// <summary>What the update check remembers (state/global/update.json).</summary>
internal sealed record UpdateState
{
    [JsonPropertyName("last_check")] public DateTimeOffset? LastCheck { get; init; }
    [JsonPropertyName("latest_known")] public string? LatestKnown { get; init; }
    [JsonPropertyName("dismissed_version")] public string? DismissedVersion { get; init; }
    [JsonPropertyName("snoozed_until")] public DateTimeOffset? SnoozedUntil { get; init; }
    [JsonPropertyName("last_notice")] public DateTimeOffset? LastNotice { get; init; }
}

/// <summary>The NuGet flat-container versions index: {"versions": ["0.1.0", …]}.</summary>
internal sealed record VersionsIndex([property: JsonPropertyName("versions")] IReadOnlyList<string>? Versions);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpdateState))]
[JsonSerializable(typeof(VersionsIndex))]
internal sealed partial class UpdateJson : JsonSerializerContext;

/// <summary>
/// The update notice: asks the feed at most once per 24 h (inline, 2 s timeout, only when the remembered answer is
/// stale), shows a newer version at most once per 24 h, and stays silent on every failure.
/// </summary>
/// <param name="env">The environment (KSTACK_NO_UPDATE_CHECK, KSTACK_UPDATE_FEED); tests pass their own.</param>
internal sealed class UpdateCheck(InstallRoot root, TimeProvider time, Func<Uri, TimeSpan, CancellationToken, Task<string>> fetch,
    Func<string, string?> env)
{
    public const string DefaultFeed = "https://api.nuget.org/v3-flatcontainer/kstack/index.json";
    public static readonly TimeSpan Interval = TimeSpan.FromHours(24);
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(2);

    public string StatePath => Path.Combine(root.GlobalStateDir, "update.json");
    public string DisabledFlagPath => Path.Combine(root.GlobalStateDir, "update-check-disabled");

    public static UpdateCheck Create(InstallRoot root) => new(root, TimeProvider.System, HttpFetch, Environment.GetEnvironmentVariable);

    public bool Disabled => env("KSTACK_NO_UPDATE_CHECK") is "1" or "true" || File.Exists(DisabledFlagPath);

    /// <summary>KSTACK_UPDATE_FEED when it is an http(s) URL, else the NuGet versions index.</summary>
    public Uri Feed =>
        env("KSTACK_UPDATE_FEED") is { Length: > 0 } feed && Uri.TryCreate(feed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : new Uri(DefaultFeed);

    /// <summary>
    /// The one-line notice for this call, or null. Never throws. A run inside the day reads update.json and nothing
    /// else; <paramref name="upgradeHint"/> is asked only when a notice is shown.
    /// </summary>
    public async Task<string?> NoticeAsync(string installed, Func<string> upgradeHint, CancellationToken ct)
    {
        try
        {
            if (Disabled || !SemVersion.TryParse(installed, out var current)) return null;
            var state = Read() ?? new UpdateState();
            var now = time.GetUtcNow();
            if (state.SnoozedUntil is { } until && now < until) return null;
            if (state.LastCheck is not { } last || now - last >= Interval || last > now)
                state = await RefreshAsync(state, current, now, ct);
            if (!IsNewer(state.LatestKnown, current, out var latest)) return null;
            if (SemVersion.TryParse(state.DismissedVersion, out var dismissed) && latest.CompareTo(dismissed) <= 0) return null;
            if (state.LastNotice is { } shown && now - shown < Interval && shown <= now) return null;
            Write(state with { LastNotice = now });
            return $"kstack {latest} is available (you have {current}): run `kstack upgrade` ({upgradeHint()}), or `kstack dismiss-update` to hide it.";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private async Task<UpdateState> RefreshAsync(UpdateState state, SemVersion current, DateTimeOffset now, CancellationToken ct)
    {
        string? latest = null;
        try
        {
            var body = await fetch(Feed, FetchTimeout, ct);
            var index = JsonSerializer.Deserialize(body, UpdateJson.Default.VersionsIndex);
            latest = Newest(index?.Versions ?? [], allowPrerelease: current.IsPrerelease)?.ToString();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or OperationCanceledException or UriFormatException
                                       or InvalidOperationException)
        {
            if (ct.IsCancellationRequested) throw;
        }
        // A failed or empty answer still counts as the check of the day: offline machines are asked once per 24 h.
        var next = state with { LastCheck = now, LatestKnown = latest ?? state.LatestKnown };
        Write(next);
        return next;
    }

    /// <summary>The newest stable version in a feed (prereleases only when running one).</summary>
    public static SemVersion? Newest(IEnumerable<string> versions, bool allowPrerelease) =>
        versions.Select(v => SemVersion.TryParse(v, out var s) ? s : null)
            .Where(v => v is not null && (allowPrerelease || !v.IsPrerelease))
            .Max();

    private static bool IsNewer(string? candidate, SemVersion current, out SemVersion latest)
    {
        latest = default!;
        if (!SemVersion.TryParse(candidate, out var parsed) || parsed.CompareTo(current) <= 0) return false;
        latest = parsed;
        return true;
    }

    /// <summary>`kstack dismiss-update`: hide the notice for the known version, a newer one still shows.</summary>
    public string Dismiss(string? version, TimeSpan? snooze)
    {
        var state = Read() ?? new UpdateState();
        var now = time.GetUtcNow();
        if (snooze is { } span)
        {
            var until = now + span;
            Write(state with { SnoozedUntil = until });
            return $"Update notices are snoozed until {until.UtcDateTime:yyyy-MM-dd HH:mm}Z.";
        }
        var target = version ?? state.LatestKnown;
        if (target is null) return "No newer kstack release is known yet; nothing to dismiss.";
        if (!SemVersion.TryParse(target, out var parsed)) throw Envelope.KstackException.User($"`{Envelope.TerminalText.Clean(target)}` is not a version (e.g. 1.2.0).");
        Write(state with { DismissedVersion = parsed.ToString() });
        return $"Dismissed the update notice for kstack {parsed}; a newer release will show again.";
    }

    public UpdateState? Read()
    {
        try
        {
            var info = new FileInfo(StatePath);
            if (!info.Exists || info.Length > 64 * 1024) return null;
            return JsonSerializer.Deserialize(File.ReadAllText(StatePath), UpdateJson.Default.UpdateState);
        }
        catch (JsonException) { return null; }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    private void Write(UpdateState state) =>
        AtomicFile.WriteAllText(StatePath, JsonSerializer.Serialize(state, UpdateJson.Default.UpdateState) + "\n");

    private static async Task<string> HttpFetch(Uri uri, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("kstack-update-check");
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength is > 1 << 20) throw new InvalidOperationException("versions index too large");
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        using var limited = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cts.Token)) > 0)
        {
            if (limited.Length + read > 1 << 20) throw new InvalidOperationException("versions index too large");
            limited.Write(buffer, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(limited.GetBuffer(), 0, (int)limited.Length);
    }
}
