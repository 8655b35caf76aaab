using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Metrics;

/// <summary>The /metrics descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class MetricsSkill
{
    public static readonly DurationFlag Since = new("--since", "Window for Prometheus, 5m to 31d") { Default = "1h" };
    public static readonly IntegerFlag Top = new("--top", "<N>", $"Table rows, at most {MetricsAnalysis.MaxTop}") { Default = $"{MetricsAnalysis.MaxTop}", Minimum = 1 };
    public static readonly ChoiceFlag By = new("--by", "Rank by CPU or memory (p95 with Prometheus)", "cpu", "memory") { Default = "cpu" };
    public static readonly TextFlag Prometheus = new("--prometheus", "<ns>/<svc>:<port>", "Use this Prometheus Service instead of the detected one");
    public static readonly ChoiceFlag Source = new("--source", "Where usage comes from", "auto", "prometheus", "metrics-server") { Default = "auto" };

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "metrics",
        Summary = "CPU and memory usage: p50/p95/max over a window (Prometheus) or point-in-time (metrics-server).",
        Target = new("<target or question>",
            "pod/<name>, deployment/<name>, <kind>/<ns>/<name>, <ns>/<name>, node/<name>, namespace/<name>, nodes, a bare name, "
            + "or words (\"memory on checkout last 1h\"); nothing = top pods cluster-wide", Required: false),
        Flags = [Since, Top, By, Prometheus, Source, RequestTimeout.Flag],
        DefaultTtl = "1m",
        Reads = ["pods", "replicasets (metadata)", "jobs (metadata)", "services", "metrics.k8s.io", "Prometheus through services/proxy"],
        JsonResult = "metrics/1",
        JsonDocuments = [MetricsJson.Default.MetricsDocument, MetricsJson.Default.NoSourceDocument],
        Examples =
        [
            new("", "Top pods by CPU cluster-wide"),
            new("deployment/checkout -n shop --since 6h --by memory", "Memory of the checkout pods over 6 hours"),
            new("nodes --top 5 --json", "The 5 busiest nodes, as JSON"),
        ],
        Notes = "Read-only: Prometheus is reached through the API server's service proxy (RBAC: get services/proxy); nothing is exec'd.\n"
                + "--refresh also detects the metrics sources again.",
        Create = () => new MetricsCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
