using Kstack.Checks;
using static Kstack.Checks.Severity;

namespace Kstack.Skills.Karpenter;

/// <summary>The /karpenter catalogue (karpenter.sh/v1, karpenter.k8s.aws/v1; audits.md §2.9). IDs are stable.</summary>
internal static class KarpenterChecks
{
    private static CheckInfo C(string id, string category, Severity severity, string title, string remediation, params string[] standards) =>
        new(id, title, severity, category, remediation, Standards: standards);

    // NodePools: conditions, limits, disruption settings.
    public static readonly CheckInfo PoolNotReady = C("KARP-POOL-NOT-READY", "nodepool", High,
        "NodePool is not Ready (Karpenter launches nothing for it)", "Fix the failing condition (ValidationSucceeded, NodeClassReady): kubectl describe nodepool <name>.");
    public static readonly CheckInfo PoolRegistrationUnhealthy = C("KARP-POOL-REGISTRATION-UNHEALTHY", "nodepool", High,
        "NodePool's launched nodes fail to register (NodeRegistrationHealthy False)", "Check the node role mapping (aws-auth or access entry), user data and AMI family, and that subnets and security groups reach the API server.");
    public static readonly CheckInfo PoolNodeClassMissing = C("KARP-POOL-NODECLASS-MISSING", "nodepool", High,
        "NodePool's nodeClassRef names an EC2NodeClass that does not exist", "Create the EC2NodeClass or point spec.template.spec.nodeClassRef.name at an existing one.");
    public static readonly CheckInfo PoolAtLimit = C("KARP-POOL-AT-LIMIT", "nodepool", High,
        "NodePool has reached a resource limit (no more nodes launch from it)", "Raise spec.limits, or let another NodePool take the pods; pending pods stay pending until then.");
    public static readonly CheckInfo PoolNearLimit = C("KARP-POOL-NEAR-LIMIT", "nodepool", Low,
        "NodePool uses 90 % or more of a resource limit", "Raise spec.limits before the pool stops launching, or confirm the cap is intended.");
    public static readonly CheckInfo PoolUnbounded = C("KARP-POOL-UNBOUNDED", "nodepool", Medium,
        "NodePool has no cpu, memory or nodes limit (unbounded spend)", "Set spec.limits (cpu and memory) to the most this pool should ever cost.");
    public static readonly CheckInfo PoolBudgetBlocksAll = C("KARP-POOL-BUDGET-BLOCKS-ALL", "nodepool", Medium,
        "NodePool disruption budget of nodes: \"0\" is always active (no drift, expiry or consolidation ever)", "Give the zero budget a schedule and duration (a maintenance freeze), or limit it to some reasons.");
    public static readonly CheckInfo PoolExpiryNever = C("KARP-POOL-EXPIRY-NEVER", "nodepool", Low,
        "NodePool's nodes never expire (expireAfter: Never)", "Set spec.template.spec.expireAfter (default 720h) so nodes are recycled onto patched AMIs.");
    public static readonly CheckInfo PoolNoTerminationGrace = C("KARP-POOL-NO-TERMINATION-GRACE", "nodepool", Low,
        "NodePool without terminationGracePeriod runs pods that block eviction (drains can stall forever)", "Set spec.template.spec.terminationGracePeriod (e.g. 24h) so a blocked drain ends.");

    // Cost posture.
    public static readonly CheckInfo ConsolidationOff = C("KARP-COST-CONSOLIDATION-OFF", "cost", Medium,
        "NodePool consolidation is off or waits a day or more (consolidateAfter)", "Set spec.disruption.consolidateAfter to minutes (e.g. 5m) unless these nodes must never move.");
    public static readonly CheckInfo WhenEmptyOnly = C("KARP-COST-WHEN-EMPTY-ONLY", "cost", Low,
        "NodePool consolidates only empty nodes (underused nodes are kept)", "Use consolidationPolicy WhenEmptyOrUnderutilized (or Balanced) so half-empty nodes are packed.");
    public static readonly CheckInfo OnDemandOnly = C("KARP-COST-ON-DEMAND-ONLY", "cost", Low,
        "NodePool launches on-demand capacity only", "Allow spot (karpenter.sh/capacity-type In [spot, on-demand]) for interruption-tolerant workloads.");
    public static readonly CheckInfo SingleInstanceType = C("KARP-COST-SINGLE-INSTANCE-TYPE", "cost", Low,
        "NodePool allows a single instance type or family (no price or capacity choice)", "Allow several families and sizes (instance-category/-generation requirements) so Karpenter can pick cheaper, available capacity.");
    public static readonly CheckInfo NodeUnderutilized = C("KARP-COST-NODE-UNDERUTILIZED", "cost", Low,
        "Karpenter node has under 30 % of its cpu and memory requested", "Check what keeps it (do-not-disrupt, PDBs, consolidation settings): kstack investigate node/<name>.");

    // NodeClaims through launch, registration and initialisation (launch 5 min, registration 15 min timeouts).
    public static readonly CheckInfo ClaimNotLaunched = C("KARP-CLAIM-NOT-LAUNCHED", "nodeclaim", High,
        "NodeClaim not launched after 5 minutes", "Read the Launched condition's reason (capacity, limits, IAM): kubectl describe nodeclaim <name>.");
    public static readonly CheckInfo ClaimNotRegistered = C("KARP-CLAIM-NOT-REGISTERED", "nodeclaim", High,
        "NodeClaim launched but its node has not registered after 5 minutes", "Check the instance's user data and AMI family, the node role mapping, and that it reaches the API server (the claim is deleted and retried at 15 min).");
    public static readonly CheckInfo ClaimNotInitialized = C("KARP-CLAIM-NOT-INITIALIZED", "nodeclaim", Medium,
        "NodeClaim's node registered but is not initialised after 10 minutes", "Check startup taints, the node's Ready condition and extended resources (device plugins): kubectl describe node <node>.");
    public static readonly CheckInfo ClaimTerminationStuck = C("KARP-CLAIM-TERMINATION-STUCK", "nodeclaim", Medium,
        "NodeClaim deleted more than 15 minutes ago and still terminating", "Find what blocks the drain (PDBs, do-not-disrupt pods, volumes) on its node; terminationGracePeriod bounds it.");
    public static readonly CheckInfo ClaimDrifted = C("KARP-CLAIM-DRIFTED", "nodeclaim", Low,
        "NodeClaim has drifted from its NodePool or NodeClass (it will be replaced)", "Expected after a spec change; constant drift (AMIDrift) means an AMI alias @latest or changing selector tags.");
    public static readonly CheckInfo ClaimDisrupting = C("KARP-CLAIM-DISRUPTING", "nodeclaim", Info,
        "NodeClaim is being disrupted", "None needed if the reason is expected (Expired, Empty, Underutilized, Drifted).");

    // EC2NodeClasses.
    public static readonly CheckInfo SubnetsUnresolved = C("KARP-NODECLASS-SUBNETS-UNRESOLVED", "nodeclass", High,
        "EC2NodeClass resolves no subnets", "Fix spec.subnetSelectorTerms (tags or ids must match existing subnets) and Karpenter's ec2:DescribeSubnets permission.");
    public static readonly CheckInfo SecurityGroupsUnresolved = C("KARP-NODECLASS-SECURITY-GROUPS-UNRESOLVED", "nodeclass", High,
        "EC2NodeClass resolves no security groups", "Fix spec.securityGroupSelectorTerms (tags, ids or names of existing groups).");
    public static readonly CheckInfo AmisUnresolved = C("KARP-NODECLASS-AMIS-UNRESOLVED", "nodeclass", High,
        "EC2NodeClass resolves no AMIs", "Fix spec.amiSelectorTerms (alias, ids, names or tags that exist in the region).");
    public static readonly CheckInfo InstanceProfileNotReady = C("KARP-NODECLASS-INSTANCE-PROFILE-NOT-READY", "nodeclass", High,
        "EC2NodeClass has no usable instance profile", "Check spec.role or spec.instanceProfile and Karpenter's IAM permissions for instance profiles.");
    public static readonly CheckInfo NodeClassNotReady = C("KARP-NODECLASS-NOT-READY", "nodeclass", High,
        "EC2NodeClass is not Ready", "Read its conditions (kubectl describe ec2nodeclass <name>) and fix the failing one.");
    public static readonly CheckInfo AmiAliasLatest = C("KARP-NODECLASS-AMI-ALIAS-LATEST", "nodeclass", Medium,
        "EC2NodeClass selects AMIs by an @latest alias (every AMI release drifts every node)", "Pin the alias to a version (e.g. al2023@v20250101) and roll it forward deliberately.");
    public static readonly CheckInfo ImdsExposed = C("KARP-NODECLASS-IMDS-EXPOSED", "nodeclass", High,
        "EC2NodeClass lets pods reach instance metadata (httpTokens optional or hop limit above 1)", "Set metadataOptions httpTokens: required and httpPutResponseHopLimit: 1 (the defaults); give pods IAM through Pod Identity or IRSA.");
    public static readonly CheckInfo AmiDeprecated = C("KARP-NODECLASS-AMI-DEPRECATED", "nodeclass", Medium,
        "EC2NodeClass resolves a deprecated AMI", "Move amiSelectorTerms to a current AMI release.");
    public static readonly CheckInfo NodeClassUnused = C("KARP-NODECLASS-UNUSED", "nodeclass", Info,
        "EC2NodeClass is referenced by no NodePool", "Delete it if it is left over.");

    // Scheduling, disruption, events, the controller.
    public static readonly CheckInfo NoPoolFits = C("KARP-PODS-NO-POOL-FITS", "scheduling", High,
        "Pending pods that no NodePool can satisfy (requirements, taints, limits or readiness)", "Widen a NodePool's requirements, add a toleration, or raise the limit named in the finding.");
    public static readonly CheckInfo PdbBlocks = C("KARP-PDB-BLOCKS-DISRUPTION", "disruption", Medium,
        "PodDisruptionBudget allows no eviction of pods on Karpenter nodes (consolidation, drift and expiry wait)", "Run more replicas or loosen minAvailable/maxUnavailable so one pod may move.");
    public static readonly CheckInfo DoNotDisrupt = C("KARP-DO-NOT-DISRUPT", "disruption", Low,
        "Pod or node on Karpenter capacity is marked karpenter.sh/do-not-disrupt", "Remove the annotation once the work it protects is done; such nodes are never consolidated.");
    public static readonly CheckInfo LaunchFailedEvents = C("KARP-EVENTS-LAUNCH-FAILED", "events", High,
        "Karpenter reported launch failures (capacity, instance types, node class, startup taint)", "Read the events' messages (kstack events --reason <reason>) and widen the pool's instance choice or fix the node class.");
    public static readonly CheckInfo DisruptionBlockedEvents = C("KARP-EVENTS-DISRUPTION-BLOCKED", "events", Medium,
        "Karpenter reported blocked disruption, draining or termination", "Read the events' messages: a PDB, do-not-disrupt or a budget blocks the move.");
    public static readonly CheckInfo ControllerNotReady = C("KARP-CONTROLLER-NOT-READY", "controller", Critical,
        "No Karpenter controller pod is Ready (nothing is provisioned or disrupted)", "kstack investigate deployment/karpenter -n <namespace>; kstack logs on the controller.");
    public static readonly CheckInfo ControllerRestarting = C("KARP-CONTROLLER-RESTARTING", "controller", Medium,
        "Karpenter controller pod restarts repeatedly", "kstack logs --previous on the controller pod: usually IAM, webhook or memory limits.");

    public static readonly IReadOnlyList<CheckInfo> All =
    [
        PoolNotReady, PoolRegistrationUnhealthy, PoolNodeClassMissing, PoolAtLimit, PoolNearLimit, PoolUnbounded, PoolBudgetBlocksAll,
        PoolExpiryNever, PoolNoTerminationGrace,
        ConsolidationOff, WhenEmptyOnly, OnDemandOnly, SingleInstanceType, NodeUnderutilized,
        ClaimNotLaunched, ClaimNotRegistered, ClaimNotInitialized, ClaimTerminationStuck, ClaimDrifted, ClaimDisrupting,
        SubnetsUnresolved, SecurityGroupsUnresolved, AmisUnresolved, InstanceProfileNotReady, NodeClassNotReady, AmiAliasLatest, ImdsExposed,
        AmiDeprecated, NodeClassUnused,
        NoPoolFits, PdbBlocks, DoNotDisrupt, LaunchFailedEvents, DisruptionBlockedEvents, ControllerNotReady, ControllerRestarting,
    ];

    public static readonly IChecklist Checklist = new CheckCatalogue("karpenter", All);

    /// <summary>Karpenter's event reasons (pkg/events/reason.go) each event check counts.</summary>
    public static readonly IReadOnlySet<string> LaunchFailureReasons = new HashSet<string>(StringComparer.Ordinal)
        { "InsufficientCapacityError", "NoCompatibleInstanceTypes", "NodeClassNotReady", "UnregisteredTaintMissing", "FailedConsistencyCheck" };

    public static readonly IReadOnlySet<string> DisruptionBlockedReasons = new HashSet<string>(StringComparer.Ordinal)
        { "DisruptionBlocked", "NodeRepairBlocked", "FailedDraining", "TerminationGracePeriodExpiring", "FailedTermination" };
}
