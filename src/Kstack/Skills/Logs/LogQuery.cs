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

    /// <summary>Arguments for `kstack logs follow` (<see cref="FollowCommand"/>), with the context first.</summary>
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
