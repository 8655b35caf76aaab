using System.Globalization;
using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Karpenter;

internal sealed partial class KarpenterAnalysis
{
    public static readonly TimeSpan PendingGrace = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan UtilisationMinAge = TimeSpan.FromHours(1);
    public const decimal LowUtilisation = 0.30m;

    /// <summary>Labels Karpenter can set on a node it launches although a pool does not name them.</summary>
    private static bool WellKnown(string key) =>
        key is "kubernetes.io/arch" or "kubernetes.io/os" or "node.kubernetes.io/instance-type" or "topology.kubernetes.io/zone"
            or "topology.kubernetes.io/region" or "node.kubernetes.io/windows-build" or "karpenter.sh/capacity-type"
        || key.StartsWith("karpenter.k8s.aws/", StringComparison.Ordinal) || key.StartsWith("karpenter.azure.com/", StringComparison.Ordinal);

    // ---- Pending pods no pool can take ----------------------------------------------------------------------------

    private void AnalysePendingPods()
    {
        var pending = Pods!.Where(p => p.Unschedulable && p.Node is null && p.Phase == "Pending" && !p.DaemonSet
                                       && (p.UnschedulableSince is not { } s || now - s >= PendingGrace)).ToList();
        if (pending.Count == 0 || Pools is null) return;
        foreach (var group in pending.GroupBy(p => p.Workload))
        {
            var pod = group.First();
            var misfits = Pools.Select(pool => (Name(pool), Misfit(pool, pod))).ToList();
            if (misfits.Any(m => m.Item2 is null)) continue;
            var observed = misfits.Count == 0 ? "no NodePool exists"
                : string.Join("; ", misfits.Select(m => $"{m.Item1}: {m.Item2}"));
            Add(KarpenterChecks.NoPoolFits, group.Key, "status.conditions[PodScheduled]", observed, Audit.Scope.Workload, running: false, pods: group.Count());
        }
    }

    /// <summary>Why a node from this pool could not take the pod, or null when it could.</summary>
    public static string? Misfit(JsonElement pool, KarpenterPod pod)
    {
        if (!PoolReady(pool)) return "pool not Ready";
        if (LimitReached(pool) is { } resource) return $"at its {resource} limit";
        foreach (var t in pool.Array("spec", "template", "spec", "taints"))
        {
            var taint = new Taint(t.Str("key") ?? "", t.Str("value"), t.Str("effect") ?? "");
            if (taint.Effect is "NoSchedule" or "NoExecute" && !pod.Tolerations.Any(x => x.Tolerates(taint))) return $"taint {taint} not tolerated";
        }
        var requirements = Requirements(pool);
        var labels = new Dictionary<string, string>(KarpenterPod.Strings(pool, "spec", "template", "metadata", "labels"), StringComparer.Ordinal)
        {
            ["karpenter.sh/nodepool"] = Name(pool),
        };
        foreach (var (key, value) in pod.NodeSelector)
            if (!Allows(requirements, labels, new Requirement(key, "In", [value]))) return $"nodeSelector {key}={value} not offered";
        if (pod.AffinityTerms.Count > 0)
        {
            string? first = null;
            foreach (var term in pod.AffinityTerms)
            {
                var failing = term.FirstOrDefault(r => !Allows(requirements, labels, r));
                if (failing is null) return null;
                first ??= $"node affinity {failing.Key} {failing.Op} [{string.Join(",", failing.Values)}] not offered";
            }
            return first;
        }
        return null;
    }

    /// <summary>Whether some node this pool can launch satisfies one pod requirement.</summary>
    private static bool Allows(IReadOnlyList<Requirement> pool, IReadOnlyDictionary<string, string> labels, Requirement want)
    {
        if (labels.TryGetValue(want.Key, out var fixedValue)) return Satisfies(want, [fixedValue], exists: true);
        var onKey = pool.Where(r => r.Key == want.Key).ToList();
        if (onKey.Count == 0 && want.Key == "karpenter.sh/capacity-type") onKey = [new Requirement(want.Key, "In", ["on-demand"])];
        if (onKey.Any(r => r.Op == "DoesNotExist")) return Satisfies(want, [], exists: false);
        if (onKey.Count == 0 && !WellKnown(want.Key)) return Satisfies(want, [], exists: false);
        var allowed = onKey.Where(r => r.Op == "In").Select(r => (IEnumerable<string>)r.Values).Aggregate((IEnumerable<string>?)null, (acc, v) => acc is null ? v : acc.Intersect(v))?.ToList();
        var excluded = onKey.Where(r => r.Op == "NotIn").SelectMany(r => r.Values).ToHashSet(StringComparer.Ordinal);
        return want.Op switch
        {
            "In" => want.Values.Any(v => (allowed is null || allowed.Contains(v)) && !excluded.Contains(v)),
            "NotIn" => allowed is null || allowed.Any(v => !want.Values.Contains(v) && !excluded.Contains(v)),
            "Exists" => allowed is null || allowed.Count > 0,
            "DoesNotExist" => false,
            _ => true, // Gt/Lt: not evaluated
        };
    }

    /// <summary>A requirement against a label that is fixed (one value) or absent.</summary>
    private static bool Satisfies(Requirement want, IReadOnlyList<string> values, bool exists) => want.Op switch
    {
        "In" => exists && want.Values.Any(values.Contains),
        "NotIn" => !exists || !want.Values.Any(values.Contains),
        "Exists" => exists,
        "DoesNotExist" => !exists,
        "Gt" or "Lt" => exists && values.Count == 1 && long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                        && want.Values.Count == 1 && long.TryParse(want.Values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var bound)
                        && (want.Op == "Gt" ? n > bound : n < bound),
        _ => false,
    };

    // ---- Disruption blockers --------------------------------------------------------------------------------------

    private Dictionary<string, KarpenterNode>? _nodesByName;
    private Dictionary<string, KarpenterNode> NodesByName => _nodesByName ??= Nodes!.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private string? PoolOf(KarpenterPod pod) => pod.Node is { } n && NodesByName.TryGetValue(n, out var node) ? node.Pool : null;

    private void AnalyseDisruption()
    {
        foreach (var pdb in Pdbs ?? [])
        {
            if (pdb.Long("status", "disruptionsAllowed") is not 0 || (pdb.Long("status", "expectedPods") ?? 0) == 0) continue;
            var ns = pdb.Str("metadata", "namespace") ?? "";
            var selector = Selector.From(pdb.Get("spec", "selector"));
            if (selector is null) continue;
            var onKarpenter = Pods!.Where(p => p.Namespace == ns && !p.Finished && selector.Matches(p.Labels) && PoolOf(p) is not null).ToList();
            if (onKarpenter.Count == 0) continue;
            foreach (var p in onKarpenter) _blockedPools.Add(PoolOf(p)!);
            var rule = pdb.Get("spec", "minAvailable") is { } min ? $"minAvailable {min}" : pdb.Get("spec", "maxUnavailable") is { } max ? $"maxUnavailable {max}" : "no rule";
            Add(KarpenterChecks.PdbBlocks, new ObjectRef("PodDisruptionBudget", ns, Name(pdb)), "status.disruptionsAllowed",
                $"0 evictions allowed ({rule}, {pdb.Long("status", "currentHealthy") ?? 0} healthy of {pdb.Long("status", "expectedPods")}); {onKarpenter.Count} pod(s) on Karpenter nodes",
                Audit.Scope.Workload, pods: onKarpenter.Count);
        }
        foreach (var group in Pods!.Where(p => p.DoNotDisrupt && !p.Finished && PoolOf(p) is not null).GroupBy(p => p.Workload))
        {
            foreach (var p in group) _blockedPools.Add(PoolOf(p)!);
            Add(KarpenterChecks.DoNotDisrupt, group.Key, "metadata.annotations[karpenter.sh/do-not-disrupt]", "true", Audit.Scope.Workload, pods: group.Count());
        }
        foreach (var node in Nodes!.Where(n => n.DoNotDisrupt && n.Pool is not null))
        {
            _blockedPools.Add(node.Pool!);
            Add(KarpenterChecks.DoNotDisrupt, new ObjectRef("Node", null, node.Name), "metadata.annotations[karpenter.sh/do-not-disrupt]", "true", Audit.Scope.Workload);
        }
    }

    private void AnalyseTerminationGrace()
    {
        foreach (var pool in Pools!)
            if (_blockedPools.Contains(Name(pool)) && pool.Str("spec", "template", "spec", "terminationGracePeriod") is null)
                Add(KarpenterChecks.PoolNoTerminationGrace, Pool(pool), "spec.template.spec.terminationGracePeriod", "not set", Audit.Scope.Cluster);
    }

    // ---- Utilisation ------------------------------------------------------------------------------------------------

    private void AnalyseUtilisation()
    {
        var requested = Pods!.Where(p => !p.Finished && p.Node is not null).GroupBy(p => p.Node!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Cpu: g.Sum(p => p.Cpu), Memory: g.Sum(p => p.Memory)), StringComparer.Ordinal);
        foreach (var node in Nodes!.Where(n => n.Pool is not null && n.Cpu > 0 && n.Memory > 0))
        {
            if (node.Created is not { } created || now - created < UtilisationMinAge) continue;
            var (cpu, memory) = requested.GetValueOrDefault(node.Name);
            if (cpu / node.Cpu >= LowUtilisation || memory / node.Memory >= LowUtilisation) continue;
            Add(KarpenterChecks.NodeUnderutilized, new ObjectRef("Node", null, node.Name), "requests/allocatable",
                $"cpu {Percent(cpu, node.Cpu)} ({Quantity.Format("cpu", cpu)} of {Quantity.Format("cpu", node.Cpu)}), memory {Percent(memory, node.Memory)} ({Quantity.Format("memory", memory)} of {Quantity.Format("memory", node.Memory)}) requested; pool {node.Pool}",
                Audit.Scope.Workload);
        }
    }

    public static string Percent(decimal part, decimal whole) => whole <= 0 ? "?" : $"{Math.Round(part / whole * 100):0}%";

    // ---- Events and the controller ----------------------------------------------------------------------------------

    private void AnalyseEvents()
    {
        var groups = Events!.Select(e => (Event: e, Check: KarpenterChecks.LaunchFailureReasons.Contains(e.Reason) ? KarpenterChecks.LaunchFailedEvents
                : KarpenterChecks.DisruptionBlockedReasons.Contains(e.Reason) ? KarpenterChecks.DisruptionBlockedEvents : null))
            .Where(x => x.Check is not null)
            .GroupBy(x => (x.Check!, x.Event.Kind, Ns: ClusterScoped(x.Event.Kind) ? null : x.Event.ObjectNamespace, x.Event.ObjectName, x.Event.Reason));
        foreach (var g in groups)
        {
            var latest = g.OrderByDescending(x => x.Event.Last).First().Event;
            var count = g.Sum(x => x.Event.Count);
            Add(g.Key.Item1, new ObjectRef(g.Key.Kind, g.Key.Ns, g.Key.ObjectName), $"events[reason={g.Key.Reason}]",
                $"{g.Key.Reason} ×{count}: {latest.Message}", g.Key.Kind is "NodePool" ? Audit.Scope.Cluster : Audit.Scope.Workload);
        }
    }

    private static bool ClusterScoped(string kind) => kind is "Node" or "NodeClaim" or "NodePool" or "EC2NodeClass";

    /// <summary>The controller's pods: the Helm chart's label, in whatever namespace it runs.</summary>
    public static bool IsController(KarpenterPod p) =>
        p.Labels.GetValueOrDefault("app.kubernetes.io/name") == "karpenter" && p.Workload.Kind is "Deployment" or "ReplicaSet" or "Pod";

    private void AnalyseController()
    {
        var controllers = Pods!.Where(p => IsController(p) && !p.Finished).ToList();
        // No pods at all: managed elsewhere (EKS Auto Mode) or outside the cluster; nothing to judge.
        if (controllers.Count == 0) return;
        if (!controllers.Any(p => p.Ready))
            Add(KarpenterChecks.ControllerNotReady, controllers[0].Workload, "status.conditions[Ready]",
                string.Join("; ", controllers.Take(3).Select(p => $"{p.Name}: {p.Phase}, not ready, {p.Restarts} restarts")), Audit.Scope.Cluster, running: false, pods: controllers.Count);
        foreach (var p in controllers.Where(p => p.Restarts >= 3))
            Add(KarpenterChecks.ControllerRestarting, new ObjectRef("Pod", p.Namespace, p.Name), "status.containerStatuses[].restartCount",
                p.Restarts.ToString(CultureInfo.InvariantCulture), Audit.Scope.Cluster);
    }
}
