using System.Text.Json;
using System.Text.RegularExpressions;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Logs;

/// <summary>What a log follower streams: one namespace, named pods or a label selector (empty = every pod), filters.</summary>
public sealed record LogQuery
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

    /// <summary>Arguments for `kstack logs follow`, with the context first.</summary>
    public List<string> FollowArgs(string context)
    {
        var a = new List<string> { "logs", "follow", $"--context={context}", $"--namespace={Namespace}" };
        foreach (var p in Pods) a.Add($"--pod={p}");
        if (Selector is not null) a.Add($"--selector={Selector}");
        if (Container is not null) a.Add($"--container={Container}");
        if (Since is not null) a.Add($"--since={Since}");
        if (Grep is not null) a.Add($"--grep={Grep}");
        if (Previous) a.Add("--previous");
        return a;
    }

    public static LogQuery ParseFollowArgs(IReadOnlyList<string> args, out string context)
    {
        string? ctx = null, ns = null, selector = null, container = null, since = null, grep = null;
        var pods = new List<string>();
        var previous = false;
        foreach (var a in args)
        {
            string V(string prefix) => a[prefix.Length..];
            if (a.StartsWith("--context=", StringComparison.Ordinal)) ctx = V("--context=");
            else if (a.StartsWith("--namespace=", StringComparison.Ordinal)) ns = V("--namespace=");
            else if (a.StartsWith("--pod=", StringComparison.Ordinal)) pods.Add(V("--pod="));
            else if (a.StartsWith("--selector=", StringComparison.Ordinal)) selector = V("--selector=");
            else if (a.StartsWith("--container=", StringComparison.Ordinal)) container = V("--container=");
            else if (a.StartsWith("--since=", StringComparison.Ordinal)) since = V("--since=");
            else if (a.StartsWith("--grep=", StringComparison.Ordinal)) grep = V("--grep=");
            else if (a == "--previous") previous = true;
            else throw KstackException.User($"logs follow: unknown argument `{TerminalText.Clean(a)}`.");
        }
        if (string.IsNullOrEmpty(ctx)) throw KstackException.User("logs follow: --context=<name> is required.");
        if (string.IsNullOrEmpty(ns)) throw KstackException.User("logs follow: --namespace=<ns> is required.");
        if (pods.Count == 0 && selector is null) throw KstackException.User("logs follow: give --pod=<name> or --selector=<labels>.");
        context = ctx;
        if (since is not null) Cache.Duration.Parse("--since", since);
        if (grep is not null) CompileGrep(grep);
        return new LogQuery { Namespace = ns, Pods = pods, Selector = selector, Container = container, Since = since, Grep = grep, Previous = previous };
    }

    public static Regex CompileGrep(string pattern)
    {
        try { return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
        catch (ArgumentException e) { throw KstackException.User($"Invalid --grep pattern: {e.Message}"); }
    }

    /// <summary>matchLabels and matchExpressions of a workload's spec.selector as a label selector string.</summary>
    public static string SelectorOf(JsonElement workload)
    {
        var parts = new List<string>();
        foreach (var p in workload.Props("spec", "selector", "matchLabels")) parts.Add($"{p.Name}={p.Value.GetString()}");
        foreach (var e in workload.Array("spec", "selector", "matchExpressions"))
        {
            var key = e.Str("key") ?? "";
            var values = string.Join(",", e.Array("values").Select(v => v.GetString()));
            parts.Add((e.Str("operator") ?? "") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => throw KstackException.User($"Unsupported selector operator `{TerminalText.Clean(op)}`."),
            });
        }
        return string.Join(",", parts);
    }
}
