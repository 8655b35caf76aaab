using System.Globalization;
using Kstack.Cache;

namespace Kstack.Kube;

/// <summary>
/// Remembers the last context this install resolved. When a call relied on the kubeconfig's current-context and it
/// differs from the one used within the past hour, the envelope carries a notice instead of silently following it.
/// </summary>
public sealed class ContextDriftGuard(StateStore state, TimeProvider time)
{
    public const string Key = "last-context";
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public string? Check(string resolved, bool fromCurrentContext)
    {
        var notice = default(string);
        var t = time.GetUtcNow();
        if (fromCurrentContext && Parse(state.GetGlobal(Key)) is { } last
            && last.Context != resolved && t - last.At < Window && t >= last.At)
        {
            notice = $"The kubeconfig current-context changed from `{last.Context}` to `{resolved}` since the last kstack call; "
                   + $"this run used `{resolved}`. To stay on the previous cluster, pass --context={last.Context}.";
        }
        try
        {
            state.SetGlobal(Key, t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "\t" + resolved);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return notice;
    }

    private static (DateTimeOffset At, string Context)? Parse(string? text)
    {
        if (text is null) return null;
        var tab = text.IndexOf('\t');
        if (tab <= 0 || !long.TryParse(text.AsSpan(0, tab), NumberStyles.None, CultureInfo.InvariantCulture, out var secs)) return null;
        return (DateTimeOffset.FromUnixTimeSeconds(secs), text[(tab + 1)..]);
    }
}
