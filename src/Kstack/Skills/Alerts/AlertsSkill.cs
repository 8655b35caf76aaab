using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Alerts;

/// <summary>The /alerts descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class AlertsSkill
{
    public static readonly TextFlag Service = new("--service", "<ns>/<name>[:<port>]", "Use this Alertmanager Service (port number or name, default 9093) instead of the detected one");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "alerts",
        Summary = "What is firing in Alertmanager (via the service proxy): grouped, suppressions by cause, silences, an investigate target per alert.",
        Flags = [Service, RequestTimeout.Flag],
        DefaultTtl = "30s",
        Reads = ["services", "Alertmanager /api/v2/alerts and /api/v2/silences through services/proxy", "Prometheus /api/v1/alerts through services/proxy (fallback)"],
        Effect = SkillEffect.ReadOnly,
        Examples =
        [
            new("", "What is firing now (Alertmanager detected once per context)"),
            new("--service monitoring/kube-prom-alertmanager:http-web", "Read this Alertmanager, by Service and port name"),
            new("--refresh", "Detect the Alertmanager again and read fresh alerts"),
        ],
        Notes = "Read-only: Alertmanager is reached through the API server's service proxy (RBAC: get services/proxy); only GETs are sent,\n"
                + "never a silence or an alert. The full lists are saved in the cache (alerts.json) for jq follow-ups.",
        Create = () => new AlertsCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
