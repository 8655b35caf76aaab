using System.Text.Json;
using Kstack.Objects;
using Kstack.Skills.Shared;
using static Kstack.Skills.AuditCost.CostChecks;
using AuditScope = Kstack.Audit.Scope;

namespace Kstack.Skills.AuditCost;

/// <summary>Idle workloads, storage, load balancers, batch objects and namespaces.</summary>
internal sealed partial class CostAnalysis
{
    private static readonly HashSet<string> SystemNamespaces = new(StringComparer.Ordinal) { "kube-system", "kube-public", "kube-node-lease", "default" };

    /// <summary>The newest time the object was written: creation, any managedFields entry, any condition's update or transition.</summary>
    private static DateTimeOffset? LastChange(JsonElement o)
    {
        var times = new List<DateTimeOffset?> { o.Time("metadata", "creationTimestamp") };
        times.AddRange(o.Array("metadata", "managedFields").Select(m => m.Time("time")));
        foreach (var c in o.Array("status", "conditions")) { times.Add(c.Time("lastUpdateTime")); times.Add(c.Time("lastTransitionTime")); }
        return times.Where(t => t is not null).Max();
    }

    private void AnalyseWorkloads()
    {
        foreach (var (kind, list) in new[] { ("Deployment", Deployments), ("StatefulSet", StatefulSets) })
            foreach (var w in list ?? [])
            {
                if (!InScope(w) || w.Long("spec", "replicas") is not 0) continue;
                var since = LastChange(w);
                if (since is { } t && now - t < ScaledToZeroFor) continue;
                Add(ScaledToZero, Ref(kind, w), "spec.replicas", since is { } s ? $"0 replicas, unchanged for {Ago(now - s)}" : "0 replicas, no timestamp to date it",
                    AuditScope.Workload, running: false);
            }

        if (!PodsRead) return;
        foreach (var g in Pods.Where(p => !p.Terminal && p.Workload.Kind is not ("Job" or "CronJob")).GroupBy(p => p.Workload))
        {
            var pods = g.ToList();
            if (pods.Any(p => p.Ready) || !pods.Any(p => p.Node is not null)) continue;
            var since = pods.Select(p => p.ReadySince ?? p.Created).ToList();
            if (since.Any(t => t is null || now - t < UnreadyFor)) continue;
            var scheduled = pods.Where(p => p.Node is not null).ToList();
            Add(AllUnready, g.Key, "status.conditions[Ready]",
                $"0/{pods.Count} pods ready for {Ago(now - since.Min()!.Value)}; {Cores(scheduled.Sum(p => p.CpuRequest))} CPU, {Gib(scheduled.Sum(p => p.MemoryRequest))} memory requested"
                + Money(Prices?.Compute(scheduled.Sum(p => p.CpuRequest), scheduled.Sum(p => p.MemoryRequest))),
                AuditScope.Workload, pods.Any(p => p.Phase == "Running"), pods.Count);
        }
    }

    private void AnalyseStorage()
    {
        foreach (var pv in Volumes ?? [])
        {
            var phase = pv.Str("status", "phase");
            var claimNs = pv.Str("spec", "claimRef", "namespace");
            if (phase is not ("Released" or "Available") || Scope is not null && claimNs != Scope) continue;
            var size = Bytes(pv, "spec", "capacity", "storage");
            var detail = $"{Gib(size)}, storageClass {pv.Str("spec", "storageClassName") ?? "none"}, reclaimPolicy {pv.Str("spec", "persistentVolumeReclaimPolicy") ?? "Delete"}";
            var money = Prices?.Storage(size);
            if (phase == "Released")
                Add(PvReleased, Ref("PersistentVolume", pv), "status.phase", $"Released ({detail}); its claim {claimNs}/{pv.Str("spec", "claimRef", "name")} is gone{Money(money)}", AuditScope.Cluster, running: false);
            else Add(PvAvailable, Ref("PersistentVolume", pv), "status.phase", $"Available ({detail}), bound to no claim{Money(money)}", AuditScope.Cluster, running: false);
            Summary.StorageMoney += money ?? 0;
            Summary.UnusedVolumes++;
            Summary.UnusedStorageBytes += size;
        }

        if (Claims is null || !PodsRead) return;
        var mounted = Pods.Where(p => !p.Terminal).SelectMany(p => p.Claims.Select(c => (p.Namespace, c))).ToHashSet();
        // A CronJob's pods mount their claims only while a run is active: the claim is in use.
        foreach (var cj in CronJobs ?? [])
            foreach (var c in ClaimNames(cj.Get("spec", "jobTemplate", "spec", "template", "spec")))
                mounted.Add((cj.Str("metadata", "namespace") ?? "", c));
        foreach (var pvc in Claims)
        {
            if (!InScope(pvc) || pvc.Str("status", "phase") != "Bound") continue;
            var ns = pvc.Str("metadata", "namespace") ?? "";
            var name = pvc.Str("metadata", "name") ?? "";
            if (mounted.Contains((ns, name))) continue;
            var size = Bytes(pvc, "status", "capacity", "storage") is > 0 and var s ? s : Bytes(pvc, "spec", "resources", "requests", "storage");
            Add(PvcUnmounted, Ref("PersistentVolumeClaim", pvc), "spec.volumeName",
                $"Bound to {pvc.Str("spec", "volumeName") ?? "?"} ({Gib(size)}, storageClass {pvc.Str("spec", "storageClassName") ?? "none"}), mounted by none of the {PodsIn(ns).Count(p => !p.Terminal)} pods in {ns}{Money(Prices?.Storage(size))}",
                AuditScope.Workload, running: false);
            Summary.UnusedClaims++;
            Summary.StorageMoney += Prices?.Storage(size) ?? 0;
            Summary.UnusedStorageBytes += size;
        }
    }

    private static IEnumerable<string> ClaimNames(JsonElement? podSpec) =>
        podSpec is { } spec ? spec.Array("volumes").Select(v => v.Str("persistentVolumeClaim", "claimName")).OfType<string>() : [];

    private static decimal Bytes(JsonElement o, params string[] path) =>
        o.Str(path) is { Length: > 0 } s && Quantity.TryParse(s, out var v) ? v : 0;

    private void AnalyseServices()
    {
        if (Services is null || Endpoints is null) return;
        foreach (var svc in Services)
        {
            if (svc.Str("spec", "type") != "LoadBalancer") continue;
            var ns = svc.Str("metadata", "namespace") ?? "";
            var name = svc.Str("metadata", "name") ?? "";
            var counts = Endpoints.GetValueOrDefault((ns, name));
            if (svc.Get("spec", "selector") is null && counts is null) continue;
            if ((counts?.Ready ?? 0) > 0) continue;
            var address = svc.Array("status", "loadBalancer", "ingress").Select(i => i.Str("ip") ?? i.Str("hostname")).FirstOrDefault(a => a is not null);
            Add(LbNoEndpoints, Ref("Service", svc), "endpoints",
                $"0 ready endpoints ({counts?.NotReady ?? 0} not ready){(address is null ? ", no address" : ", address " + address)}{Money(Prices?.LoadBalancerMonth)}", AuditScope.Workload, running: false);
            Summary.IdleLoadBalancers++;
            Summary.LoadBalancerMoney += Prices?.LoadBalancerMonth ?? 0;
        }
    }

    private static bool Condition(JsonElement o, string type) =>
        o.Array("status", "conditions").Any(c => c.Str("type") == type && c.Str("status") == "True");

    private static DateTimeOffset? ConditionTime(JsonElement o, string type) =>
        o.Array("status", "conditions").FirstOrDefault(c => c.Str("type") == type && c.Str("status") == "True") is { ValueKind: JsonValueKind.Object } c
            ? c.Time("lastTransitionTime") : null;

    private void AnalyseBatch()
    {
        foreach (var cj in CronJobs ?? [])
            if (InScope(cj) && cj.Bool("spec", "suspend"))
                Add(CronJobSuspended, Ref("CronJob", cj), "spec.suspend",
                    cj.Time("status", "lastScheduleTime") is { } last ? $"suspended; last run {Ago(now - last)} ago" : "suspended; never ran", AuditScope.Workload, running: false);

        if (Jobs is null) return;
        var byCronJob = Jobs.Where(j => OwnerIndex.ControllerOf(j) is { Kind: "CronJob" })
            .ToLookup(j => (j.Str("metadata", "namespace") ?? "", OwnerIndex.ControllerOf(j)!.Name));
        foreach (var cj in CronJobs ?? [])
        {
            if (!InScope(cj)) continue;
            var finished = byCronJob[(cj.Str("metadata", "namespace") ?? "", cj.Str("metadata", "name") ?? "")]
                .Where(j => Condition(j, "Complete") || Condition(j, "Failed")).ToList();
            if (finished.Count == 0 || finished.Any(j => Condition(j, "Complete"))) continue;
            var lastSuccess = cj.Time("status", "lastSuccessfulTime");
            Add(CronJobFailing, Ref("CronJob", cj), "status.lastSuccessfulTime",
                $"{finished.Count} of {finished.Count} kept Jobs failed; last success {(lastSuccess is { } t ? Ago(now - t) + " ago" : "never")}", AuditScope.Workload, running: false);
        }

        foreach (var job in Jobs)
        {
            if (!InScope(job) || OwnerIndex.ControllerOf(job) is { Kind: "CronJob" } || job.Get("spec", "ttlSecondsAfterFinished") is not null) continue;
            var state = Condition(job, "Complete") ? "Complete" : Condition(job, "Failed") ? "Failed" : null;
            if (state is null) continue;
            var at = ConditionTime(job, state) ?? job.Time("status", "completionTime");
            Add(JobNoTtl, Ref("Job", job), "spec.ttlSecondsAfterFinished",
                $"{state} {(at is { } t ? Ago(now - t) + " ago" : "")}, kept with no ttlSecondsAfterFinished".Replace("  ", " "), AuditScope.Workload, running: false);
        }
    }

    private void AnalyseNamespaces()
    {
        var activeCronJobs = (CronJobs ?? []).Where(c => !c.Bool("spec", "suspend")).Select(c => c.Str("metadata", "namespace")).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in Namespaces!)
        {
            if (SystemNamespaces.Contains(ns) || Terminating.Contains(ns) || Scope is not null && ns != Scope) continue;
            if (PodsIn(ns).Any(p => p.Phase == "Running") || activeCronJobs.Contains(ns)) continue;
            var claims = Claims?.Count(c => c.Str("metadata", "namespace") == ns) ?? 0;
            var lbs = Services?.Count(s => s.Str("metadata", "namespace") == ns && s.Str("spec", "type") == "LoadBalancer") ?? 0;
            var pending = PodsIn(ns).Count(p => !p.Terminal);
            Add(NamespaceIdle, new ObjectRef("Namespace", null, ns), "pods",
                $"0 running pods{(pending > 0 ? $" ({pending} not running)" : "")}; {claims} PVC(s), {lbs} LoadBalancer Service(s)", AuditScope.Namespace, running: false);
        }
    }
}
