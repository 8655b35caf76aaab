using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Cache;

namespace Kstack.Kube;

/// <summary>
/// Remembers the last context this install resolved and the kubeconfig's current-context at that time. When a call
/// relies on the current-context and it differs from the context used within the past hour, the envelope carries a
/// notice saying what actually differs (the current-context changed, or the last call named another context) instead
/// of silently following it.
/// </summary>
internal sealed class ContextDriftGuard(StateStore state, TimeProvider time)
{
    public const string Key = "last-context";
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <param name="resolved">The context this call uses.</param>
    /// <param name="fromCurrentContext">True when it came from the kubeconfig's current-context (no --context, no KSTACK_KUBE_CONTEXT).</param>
    /// <param name="currentContext">The kubeconfig's current-context now, when known.</param>
    public string? Check(string resolved, bool fromCurrentContext, string? currentContext = null)
    {
        var notice = default(string);
        var t = time.GetUtcNow();
        if (fromCurrentContext && Parse(state.GetGlobal(Key)) is { } last
            && last.Context != resolved && t - last.At < Window && t >= last.At)
        {
            var pin = $"To stay on the previous cluster, pass --context={last.Context}.";
            notice = last.CurrentContext is { } was && was != resolved
                ? $"The kubeconfig current-context changed from `{was}` to `{resolved}` since the last kstack call"
                  + (was == last.Context ? "" : $" (which used `{last.Context}`)") + $"; this run used `{resolved}`. {pin}"
                : $"The last kstack call used context `{last.Context}`"
                  + (last.CurrentContext is null ? "" : $" (named explicitly; the kubeconfig current-context was already `{resolved}`)")
                  + $"; this call named none, so it used the kubeconfig current-context `{resolved}`. {pin}";
        }
        try
        {
            // JSON, because context names may hold tabs and newlines.
            state.SetGlobal(Key, new JsonArray(t.ToUnixTimeSeconds(), resolved, currentContext).ToJsonString());
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return notice;
    }

    private static (DateTimeOffset At, string Context, string? CurrentContext)? Parse(string? text)
    {
        if (text is null) return null;
        try
        {
            if (JsonNode.Parse(text) is not JsonArray { Count: 3 } a || a[0]?.GetValueKind() != JsonValueKind.Number
                || a[1]?.GetValueKind() != JsonValueKind.String) return null;
            var current = a[2]?.GetValueKind() == JsonValueKind.String ? a[2]!.GetValue<string>() : null;
            return (DateTimeOffset.FromUnixTimeSeconds(a[0]!.GetValue<long>()), a[1]!.GetValue<string>(), current);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
