using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Logs;

/// <summary>What a log follower streams: one namespace, named pods or a label selector (empty = every pod), filters.</summary>
internal sealed record LogQuery
{
    public required string Namespace { get; init; }
    public IReadOnlyList<string> Pods { get; init; } = [];
    /// <summary>Label selector; null when <see cref="Pods"/> names the pods.</summary>
    public string? Selector { get; init; }
    public string? Container { get; init; }
    public string? Since { get; init; }
    public string? Grep { get; init; }
    public bool Previous { get; init; }
    /// <summary>How the user named it, e.g. deployment/web.</summary>
    public string Target { get; init; } = "";

    public bool FollowsNewPods => Selector is not null && !Previous;

    /// <summary>A resolved pod, workload (its pod selector) or namespace (every pod in it).</summary>
    public static LogQuery From(Resolved r)
    {
        if (r.Kind == KindInfo.Pod) return new LogQuery { Namespace = r.Namespace, Pods = [r.Name], Target = $"pod/{r.Name}" };
        if (r.Kind == KindInfo.Namespace) return new LogQuery { Namespace = r.Name, Selector = "", Target = $"namespace/{r.Name}" };
        var selector = LabelSelector.Of(r.Object);
        if (selector.Length == 0) throw KstackException.User($"{r.Kind.Kind} {DataText.Token(r.Name)} has no pod selector.");
        return new LogQuery { Namespace = r.Namespace, Selector = selector, Target = $"{r.Kind.Kind.ToLowerInvariant()}/{r.Name}" };
    }

    /// <summary>
    /// Arguments for `kstack logs follow` (<see cref="FollowCommand"/>), with the context first; the session and trust
    /// setting only feed the pane's header line.
    /// </summary>
    public List<string> FollowArgs(string context, string? session = null, string? trust = null)
    {
        var a = new List<string> { "logs", "follow", $"--context={context}", $"--namespace={Namespace}" };
        if (Target.Length > 0) a.Add($"--target={Target}");
        if (session is not null) a.Add($"--session={session}");
        if (trust is not null) a.Add($"--trust={trust}");
        foreach (var p in Pods) a.Add($"--pod={p}");
        if (Selector is not null) a.Add($"--selector={Selector}");
        if (Container is not null) a.Add($"--container={Container}");
        if (Since is not null) a.Add($"--since={Since}");
        if (Grep is not null) a.Add($"--grep={Grep}");
        if (Previous) a.Add("--previous");
        return a;
    }

    public static Regex CompileGrep(string pattern)
    {
        try { return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
        catch (ArgumentException e) { throw KstackException.User($"Invalid --grep pattern: {e.Message}"); }
    }
}
