namespace Kstack.Skills.Alerts;

/// <summary>Where an alert's labels point: a pod, a workload or a node, with the kstack command that gathers its evidence.</summary>
internal sealed record Correlation(string Kind, string? Namespace, string Name)
{
    public string Command => Kind == "node" ? $"kstack cluster-status (node {Name})" : $"kstack investigate {Kind}/{Namespace}/{Name}";
}

/// <summary>Alerts with the same (alertname, namespace, severity): how many, since when, one summary, where they point.</summary>
internal sealed record AlertGroup(string Name, string Namespace, string Severity, int Count, DateTimeOffset? Since, string Summary,
    IReadOnlyList<Correlation> Targets)
{
    public string Tag => AlertsAnalysis.Tag(Severity);
}

/// <summary>The analysed answer: firing groups, suppression by cause, canaries, unprocessed and pending, the silences in use.</summary>
internal sealed record AlertsReport(
    string Context, string Source, string Target, int Matched, int AlertsTotal, int AlertsRead,
    IReadOnlyList<AlertGroup> Firing, int FiringCount, int Critical, int Warning,
    int Suppressed, int Silenced, int Inhibited, int Muted, bool MutedByReported,
    IReadOnlyList<AlertGroup> Unprocessed, int UnprocessedCount, int PendingCount,
    IReadOnlyList<(string Name, int Count, string State)> Canaries, bool WatchdogMissing,
    IReadOnlyList<SilenceItem> Silences, IReadOnlyList<string> Notes)
{
    public bool Capped => AlertsRead < AlertsTotal;
}

/// <summary>Pure rules of /alerts: severity tags, grouping, canaries, suppression causes, the silences that matter, correlation.</summary>
internal static class AlertsAnalysis
{
    /// <summary>At most this many alerts are read from one answer; the rest are counted, not analysed.</summary>
    public const int MaxAlerts = 10_000;

    /// <summary>Always-on alerts of kube-prometheus: they prove the pipeline works and are never "firing" for the user.</summary>
    public static readonly string[] CanaryNames = ["Watchdog", "InfoInhibitor"];

    public static string Tag(string severity) => severity switch { "critical" => "CRIT", "warning" => "WARN", _ => "ALRT" };

    private static int Rank(string severity) => severity switch { "critical" => 0, "warning" => 1, _ => 2 };

    public static AlertsReport Analyse(string context, string source, string target, int matched, int total,
        IReadOnlyList<AlertItem> alerts, IReadOnlyList<SilenceItem> silences, IReadOnlyList<string> notes)
    {
        var canaries = alerts.Where(IsCanary).ToList();
        var rest = alerts.Where(a => !IsCanary(a)).ToList();
        var active = rest.Where(a => a.State == "active").ToList();
        var suppressed = rest.Where(a => a.State == "suppressed").ToList();
        var unprocessed = rest.Where(a => a.State == "unprocessed").ToList();
        var silencing = suppressed.Concat(canaries).SelectMany(a => a.SilencedBy).ToHashSet(StringComparer.Ordinal);
        var canaryRows = canaries.GroupBy(a => (a.Name, a.State)).OrderBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => (g.Key.Name, g.Count(), g.Key.State)).ToList();
        return new AlertsReport(context, source, target, matched, total, alerts.Count,
            Groups(active), active.Count, active.Count(a => a.Severity == "critical"), active.Count(a => a.Severity == "warning"),
            suppressed.Count, suppressed.Count(a => a.SilencedBy.Count > 0), suppressed.Count(a => a.InhibitedBy.Count > 0),
            suppressed.Count(a => a.MutedBy is { Count: > 0 }), alerts.Any(a => a.MutedBy is not null),
            Groups(unprocessed), unprocessed.Count, rest.Count(a => a.State == "pending"),
            canaryRows, source == "alertmanager" && !canaries.Any(a => a.Name == "Watchdog"),
            silences.Where(s => silencing.Contains(s.Id)).OrderBy(s => s.EndsAt ?? DateTimeOffset.MaxValue).ToList(), notes);
    }

    private static bool IsCanary(AlertItem a) => CanaryNames.Contains(a.Name, StringComparer.Ordinal);

    /// <summary>Groups by (alertname, namespace, severity): most severe first, then the largest, then by name.</summary>
    public static IReadOnlyList<AlertGroup> Groups(IEnumerable<AlertItem> alerts) =>
        alerts.GroupBy(a => (a.Name, a.Namespace, a.Severity))
            .Select(g => new AlertGroup(g.Key.Name, g.Key.Namespace, g.Key.Severity, g.Count(),
                g.Select(a => a.StartsAt).Where(t => t is not null).DefaultIfEmpty(null).Min(),
                g.Select(a => a.Summary).FirstOrDefault(s => s.Length > 0) ?? "",
                g.Select(Correlate).Where(c => c is not null).Select(c => c!).Distinct().OrderBy(c => c.Command, StringComparer.Ordinal).ToList()))
            .OrderBy(g => Rank(g.Severity)).ThenByDescending(g => g.Count)
            .ThenBy(g => g.Name, StringComparer.Ordinal).ThenBy(g => g.Namespace, StringComparer.Ordinal).ToList();

    /// <summary>Workload labels as kube-state-metrics writes them, with the kind /investigate takes.</summary>
    private static readonly (string Label, string Kind)[] WorkloadLabels =
        [("deployment", "deployment"), ("statefulset", "statefulset"), ("daemonset", "daemonset"), ("job_name", "job"), ("cronjob", "cronjob")];

    /// <summary>
    /// The object an alert is about, from its labels: a pod (namespace + pod), else a workload, else a node. Only names
    /// that are valid Kubernetes names become a command: label values are cluster data, never command text.
    /// </summary>
    public static Correlation? Correlate(AlertItem a)
    {
        var ns = a.Namespace;
        if (Names.IsDnsLabel(ns))
        {
            if (a.Labels.GetValueOrDefault("pod") is { } pod && Names.IsDnsSubdomain(pod)) return new Correlation("pod", ns, pod);
            foreach (var (label, kind) in WorkloadLabels)
                if (a.Labels.GetValueOrDefault(label) is { } name && Names.IsDnsSubdomain(name)) return new Correlation(kind, ns, name);
        }
        return a.Labels.GetValueOrDefault("node") is { } node && Names.IsDnsSubdomain(node) ? new Correlation("node", null, node) : null;
    }
}
