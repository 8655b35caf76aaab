using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Investigate;

/// <summary>The /investigate descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class InvestigateSkill
{
    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "investigate",
        Summary = "root-cause evidence for one pod or workload: owner chain, events, exit codes, narrowed logs, related objects, ranked findings.",
        Target = new("<target>",
            "pod/NAME, deployment/NAME, statefulset/NAME, daemonset/NAME, job/NAME, cronjob/NAME, replicaset/NAME, NAMESPACE/NAME, "
            + "KIND/NAMESPACE/NAME, or a bare name (pods first, then workloads)", Required: true),
        Flags = [RequestTimeout.Flag],
        Reads = ["the target and its owners", "events", "pod logs", "services and endpoints", "configmaps, secrets (metadata only)", "pvcs", "nodes"],
        JsonResult = BundleWriter.Schema,
        JsonDocuments = [InvestigateJson.Default.SummaryDocument],
        Examples =
        [
            new("deployment/checkout -n shop", "Why is the checkout deployment unhealthy?"),
            new("shop/checkout-7d9f-x2x", "One pod by namespace/name"),
            new("checkout --json", "Find checkout in any readable namespace; answer as JSON"),
        ],
        Notes = "Read-only. Logs are redacted; Secrets are read by metadata only. The full bundle is saved as JSON in the cache\n"
                + "(investigate/<kind>_<namespace>_<name>.json) for jq follow-ups.",
        Create = () => new InvestigateCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
