using System.Text.Json;
using Kstack.Cache;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

internal sealed partial class KarpenterAnalysis
{
    public static readonly TimeSpan LaunchTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RegistrationGrace = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan InitializationGrace = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan TerminationGrace = TimeSpan.FromMinutes(15);

    /// <summary>A NodeClaim's phase: the first of Launched, Registered, Initialized not yet True, and since when it is in it.</summary>
    public static (string Phase, DateTimeOffset? Since) Phase(JsonElement claim)
    {
        var conditions = Condition.Of(claim);
        var since = claim.Time("metadata", "creationTimestamp");
        foreach (var (type, phase) in new[] { ("Launched", "Launching"), ("Registered", "Registering"), ("Initialized", "Initializing") })
        {
            if (Find(conditions, type) is not { True: true } c) return (phase, since);
            since = c.Since ?? since;
        }
        return ("Ready", since);
    }

    private void AnalyseClaims()
    {
        foreach (var claim in Claims!)
        {
            var subject = new ObjectRef("NodeClaim", null, Name(claim));
            var conditions = Condition.Of(claim);
            var (phase, since) = Phase(claim);
            var age = since is { } s ? now - s : TimeSpan.Zero;
            var deleting = claim.Time("metadata", "deletionTimestamp");
            if (deleting is null)
            {
                if (phase == "Launching" && age > LaunchTimeout)
                    Add(KarpenterChecks.ClaimNotLaunched, subject, "status.conditions[Launched]",
                        (Find(conditions, "Launched")?.Describe() ?? "no Launched condition") + $"; {Duration.Format(age)} since created", Audit.Scope.Workload);
                else if (phase == "Registering" && age > RegistrationGrace)
                    Add(KarpenterChecks.ClaimNotRegistered, subject, "status.conditions[Registered]",
                        (Find(conditions, "Registered")?.Describe() ?? "no Registered condition") + $"; {Duration.Format(age)} since launched"
                        + (claim.Str("status", "providerID") is { Length: > 0 } id ? $"; instance {id}" : ""), Audit.Scope.Workload);
                else if (phase == "Initializing" && age > InitializationGrace)
                    Add(KarpenterChecks.ClaimNotInitialized, subject, "status.conditions[Initialized]",
                        (Find(conditions, "Initialized")?.Describe() ?? "no Initialized condition") + $"; {Duration.Format(age)} since registered"
                        + (claim.Str("status", "nodeName") is { Length: > 0 } node ? $"; node {node}" : ""), Audit.Scope.Workload);
            }
            else if (now - deleting.Value > TerminationGrace)
                Add(KarpenterChecks.ClaimTerminationStuck, subject, "metadata.deletionTimestamp",
                    $"deleting for {Duration.Format(now - deleting.Value)}; finalizers: {string.Join(", ", claim.Array("metadata", "finalizers").Select(f => f.GetString()))}"
                    + (claim.Str("status", "nodeName") is { Length: > 0 } node ? $"; node {node}" : ""), Audit.Scope.Workload);

            if (Find(conditions, "Drifted") is { True: true } drifted)
                Add(KarpenterChecks.ClaimDrifted, subject, "status.conditions[Drifted]", drifted.Reason ?? "Drifted", Audit.Scope.Workload);
            if (Find(conditions, "DisruptionReason") is { True: true } disruption)
                Add(KarpenterChecks.ClaimDisrupting, subject, "status.conditions[DisruptionReason]", disruption.Reason ?? "unknown", Audit.Scope.Workload);
        }
    }

    private void AnalyseNodeClasses()
    {
        var referenced = Pools?.Select(p => p.Str("spec", "template", "spec", "nodeClassRef", "name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var nodeClass in NodeClasses!)
        {
            var subject = new ObjectRef("EC2NodeClass", null, Name(nodeClass));
            var conditions = Condition.Of(nodeClass);
            var reconciled = conditions.Count > 0;
            var causes = 0;
            void Resolved(Checks.CheckInfo check, string condition, string statusList)
            {
                var c = Find(conditions, condition);
                var empty = !nodeClass.Array("status", statusList).Any();
                if (c is { Status: "False" } || (reconciled && c is null && empty))
                {
                    causes++;
                    Add(check, subject, c is null ? $"status.{statusList}" : $"status.conditions[{condition}]", c?.Describe() ?? $"status.{statusList} is empty", Audit.Scope.Cluster);
                }
            }
            Resolved(KarpenterChecks.SubnetsUnresolved, "SubnetsReady", "subnets");
            Resolved(KarpenterChecks.SecurityGroupsUnresolved, "SecurityGroupsReady", "securityGroups");
            Resolved(KarpenterChecks.AmisUnresolved, "AMIsReady", "amis");
            if (Find(conditions, "InstanceProfileReady") is { Status: "False" } profile)
            {
                causes++;
                Add(KarpenterChecks.InstanceProfileNotReady, subject, "status.conditions[InstanceProfileReady]", profile.Describe(), Audit.Scope.Cluster);
            }
            if (causes == 0 && Find(conditions, "Ready") is { True: false } ready)
            {
                var failing = conditions.Where(c => c.Type != "Ready" && c.Status == "False").Select(c => c.Describe()).ToList();
                Add(KarpenterChecks.NodeClassNotReady, subject, "status.conditions[Ready]", failing.Count > 0 ? string.Join("; ", failing) : ready.Describe(), Audit.Scope.Cluster);
            }

            var i = 0;
            foreach (var term in nodeClass.Array("spec", "amiSelectorTerms"))
            {
                if (term.Str("alias") is { } alias && alias.EndsWith("@latest", StringComparison.Ordinal))
                    Add(KarpenterChecks.AmiAliasLatest, subject, $"spec.amiSelectorTerms[{i}].alias", alias, Audit.Scope.Cluster);
                i++;
            }
            if (nodeClass.Str("spec", "metadataOptions", "httpTokens") == "optional")
                Add(KarpenterChecks.ImdsExposed, subject, "spec.metadataOptions.httpTokens", "optional", Audit.Scope.Cluster);
            if (nodeClass.Long("spec", "metadataOptions", "httpPutResponseHopLimit") is > 1 and var hops)
                Add(KarpenterChecks.ImdsExposed, subject, "spec.metadataOptions.httpPutResponseHopLimit", hops.ToString(System.Globalization.CultureInfo.InvariantCulture), Audit.Scope.Cluster);
            i = 0;
            foreach (var ami in nodeClass.Array("status", "amis"))
            {
                if (ami.Bool("deprecated"))
                    Add(KarpenterChecks.AmiDeprecated, subject, $"status.amis[{i}]", $"{ami.Str("id")} {ami.Str("name")}".Trim(), Audit.Scope.Cluster);
                i++;
            }
            if (referenced is not null && !referenced.Contains(subject.Name))
                Add(KarpenterChecks.NodeClassUnused, subject, "metadata.name", null, Audit.Scope.Cluster);
        }
    }
}
