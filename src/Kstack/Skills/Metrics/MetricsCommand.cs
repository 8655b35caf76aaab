using System.Net;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Json;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Metrics;

/// <summary>
/// /metrics: CPU and memory usage for a pod, workload, node, namespace or the cluster, from Prometheus through the API
/// server's service proxy (p50/p95/max over a window) or metrics-server (point-in-time). Read-only GETs only.
/// </summary>
internal sealed class MetricsCommand : SkillCommand
{
    public const string InstallHint = "kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml";

    public override SkillDescriptor Descriptor => MetricsSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var req = TargetRequest.Parse(run.FreeText, run.Namespace, out var byWord, out var sinceWord, out var topWord);
        var byText = run.Get(MetricsSkill.By) ?? byWord ?? "cpu";
        var by = byText.ToLowerInvariant() switch
        {
            "cpu" => MetricKind.Cpu, "memory" or "mem" => MetricKind.Memory,
            _ => throw KstackException.User($"Flag --by must be cpu or memory, got {DataText.Quote(byText)}."),
        };
        var sinceText = run.Get(MetricsSkill.Since) ?? sinceWord ?? "1h";
        var since = Duration.Parse("--since", sinceText);
        if (since < TimeSpan.FromMinutes(5) || since > TimeSpan.FromDays(31)) throw KstackException.User("Flag --since must be between 5m and 31d.");
        var top = run.Get(MetricsSkill.Top) ?? topWord ?? MetricsAnalysis.MaxTop;
        if (top < 1) throw KstackException.User("Flag --top must be at least 1.");
        var notes = new List<string>();
        if (top > MetricsAnalysis.MaxTop) { notes.Add($"--top {top} capped at {MetricsAnalysis.MaxTop} rows."); top = MetricsAnalysis.MaxTop; }
        var sourceMode = (run.Get(MetricsSkill.Source) ?? "auto").ToLowerInvariant();
        if (sourceMode is not ("auto" or "prometheus" or "metrics-server")) throw KstackException.User("Flag --source must be auto, prometheus or metrics-server.");
        PrometheusTarget? forced = null;
        if (run.Get(MetricsSkill.Prometheus) is { } promText)
            forced = PrometheusTarget.TryParse(promText) ?? throw KstackException.User($"Flag --prometheus must be <namespace>/<service>:<port>, got {DataText.Quote(promText)}.");

        var dir = SnapshotDir.For(run, req.Namespace);
        var fetcher = new SnapshotFetcher(run.LazyApi, dir, run.Ttl);

        // Pods (requests, limits, placement) and owners, for target resolution and the workload column.
        ListFacts<MetricsPod> podFacts = new(ListSpec.Pods, p => MetricsPod.From(p));
        ListFacts<OwnerIndex.Entry>[] ownerFacts = [OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta)];
        var lists = await fetcher.EnsureAsync([ListSpec.Pods, ListSpec.ReplicaSetsMeta, ListSpec.JobsMeta], req.Namespace, ct, [podFacts, .. ownerFacts]);
        var podsResult = lists[ListSpec.Pods.File];
        var pods = await podFacts.GetAsync(lists, ct) ?? [];
        var owners = await OwnerIndex.FromAsync(lists, ct, ownerFacts);
        IReadOnlyList<OwnerRef> ChainOf(MetricsPod p) => owners.Chain(p.Namespace, "Pod", p.Name, p.Owner, p.PodTemplateHash);
        var workloadByPod = pods.ToDictionary(p => p.Key, p => ChainOf(p) is { Count: > 0 } c ? c[^1].ToString() : null, StringComparer.Ordinal);
        string? WorkloadOf(string ns, string pod) => workloadByPod.GetValueOrDefault(ns + "/" + pod);
        if (!podsResult.HasValue)
        {
            var why = AgentContext.Unreadable(podsResult, req.Namespace is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {req.Namespace}");
            if (req.Names.Count > 0) throw KstackException.User($"Cannot resolve the target: {why}.");
            notes.Add($"Pods are not readable ({why}): no workload column.");
        }
        if (Freshness.Stale(lists.Values, DateTime.UtcNow) is { } stale) notes.Add(stale);
        var target = MetricsTargets.Resolve(req, pods, ChainOf, pods.Select(p => p.Node).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal));

        var sources = await SourcesAsync(run, req.Namespace, forced, ct);
        var usePrometheus = sourceMode switch
        {
            "prometheus" => true,
            "metrics-server" => false,
            _ => sources.Prometheus is not null,
        };
        if (usePrometheus && sources.Prometheus is null)
            return Env.UserError($"No Prometheus detected for context `{run.Context}`{(sources.PrometheusNote is null ? "" : $" ({sources.PrometheusNote})")}. Pass --prometheus <ns>/<svc>:<port>.");
        if (!usePrometheus && !sources.MetricsServer)
        {
            if (sourceMode == "metrics-server")
                return Env.UserError($"metrics-server is not available for context `{run.Context}` ({sources.MetricsServerNote ?? "metrics.k8s.io is not served"}). Install it with `{InstallHint}` (ask the user first).");
            return NoSource(run, target, sources);
        }

        // Node rows and a node's total come from node-level data, shown against allocatable; every node is listed.
        var nodeList = target.Kind is TargetKind.Nodes or TargetKind.Node ? await NodesAsync(fetcher, notes, ct) : null;

        var queries = new List<string>();
        MetricsReport report;
        if (usePrometheus)
        {
            var collected = await PrometheusAsync(run.Api, sources.Prometheus!, target, since, by, top, WorkloadOf, run, queries, notes, nodeList, ct);
            if (collected.Denied is { } denied)
            {
                if (sourceMode == "auto" && forced is null && sources.MetricsServer)
                {
                    notes.Add($"Prometheus {sources.Prometheus} not used: {denied}");
                    report = await MetricsServerAsync(fetcher, lists, target, by, top, WorkloadOf, run, notes, nodeList, ct);
                }
                else return Env.UserError($"Cannot query Prometheus {sources.Prometheus} for context `{run.Context}`: {denied}");
            }
            else report = collected.Report!;
        }
        else report = await MetricsServerAsync(fetcher, lists, target, by, top, WorkloadOf, run, notes, nodeList, ct);

        var files = new Dictionary<string, string>();
        if (podsResult.HasValue) files["pods"] = ListSpec.Pods.File;
        if (report.PointInTime) files[target.Kind == TargetKind.Nodes ? "nodemetrics" : "podmetrics"] = target.Kind == TargetKind.Nodes ? ListSpec.NodeMetrics.File : ListSpec.PodMetrics.File;
        var agentContext = Dto.Serialize(new MetricsAgentContext(dir, report.Source, report.Prometheus,
            Path.Combine(run.StateDir, DetectedSources.StateKey), files, queries, report.RowCount), MetricsAgentJson.Default.MetricsAgentContext);
        var content = run.Json ? MetricsRenderer.Json(report) : MetricsRenderer.Text(report);
        return Env.Agent(content, agentContext);
    }

    private static Env NoSource(SkillRun run, ResolvedTarget target, DetectedSources sources)
    {
        var text = $"Metrics: {run.Context} · {target.Label} · source: none\n\n"
                   + $"No metrics source is available for context `{run.Context}`:\n"
                   + $"- metrics-server: unavailable{(sources.MetricsServerNote is null ? "" : $" ({sources.MetricsServerNote})")} — install with `{InstallHint}`\n"
                   + $"- prometheus: not detected{(sources.PrometheusNote is null ? "" : $" ({sources.PrometheusNote})")}\n\n"
                   + "Installing metrics-server changes the cluster: ask the user before doing it. If Prometheus runs under another name, pass --prometheus <ns>/<svc>:<port>.";
        if (run.Json)
        {
            text = Dto.Serialize(new NoSourceDocument(run.Context, "none", false, null, sources.PrometheusNote, InstallHint), MetricsJson.Default.NoSourceDocument);
        }
        return Env.Agent(text, Dto.Serialize(new MetricsAgentContext(null, "none", null, Path.Combine(run.StateDir, DetectedSources.StateKey), null, null, null),
            MetricsAgentJson.Default.MetricsAgentContext));
    }

    /// <summary>Detects the sources once per context (state), again on --refresh; --prometheus overrides detection of Prometheus.</summary>
    private static async Task<DetectedSources> SourcesAsync(SkillRun run, string? ns, PrometheusTarget? forced, CancellationToken ct)
    {
        var cached = run.Refresh ? null : DetectedSources.TryParse(StateStore.GetIn(run.StateDir, DetectedSources.StateKey));
        if (cached is null)
        {
            var (metricsServer, metricsNote) = await ServesMetricsAsync(run.Api, ct);
            var (prom, note) = await DetectPrometheusAsync(run, ns, ct);
            cached = new DetectedSources(metricsServer, prom, note, DateTimeOffset.UtcNow, metricsNote);
            // A search limited by RBAC is not remembered: another namespace or more rights may find more next time.
            if (note is null) StateStore.SetIn(run.StateDir, DetectedSources.StateKey, cached.Serialize());
        }
        return forced is null ? cached : cached with { Prometheus = forced, PrometheusNote = null };
    }

    /// <summary>
    /// Whether metrics.k8s.io is served. Any answer but 2xx means no (404 unregistered, 403 denied, 503 APIService down,
    /// and whatever else an aggregated server or proxy may say: 400, 401, 410…); the code is kept for the messages.
    /// </summary>
    private static async Task<(bool, string?)> ServesMetricsAsync(KubeApi api, CancellationToken ct)
    {
        var read = await api.ProbeAsync("/apis/metrics.k8s.io/v1beta1", ApiAction.Get("metrics.k8s.io discovery"), ct);
        if (read.Ok) return (true, null);
        var p = read.Problem!;
        if (p.Outcome == ReadOutcome.NotFound) return (false, null);
        return (false, p.HttpStatus is { } code
            ? $"metrics.k8s.io discovery answered {code}: {DataText.Quote(p.Detail ?? "", 120)}"
            : $"metrics.k8s.io discovery failed: {DataText.Quote(p.Reason, 120)}");
    }

    private static async Task<(PrometheusTarget?, string?)> DetectPrometheusAsync(SkillRun run, string? ns, CancellationToken ct)
    {
        var fetcher = new SnapshotFetcher(run.LazyApi, run.CacheDir, run.Ttl);
        var all = (await fetcher.EnsureAsync([ListSpec.Services], null, ct))[ListSpec.Services.File];
        if (all.Value is { } allFile) return (PrometheusDetection.Pick(await CachedList.MapAsync(allFile.Path, s => ServiceFacts.From(s), ct)), null);
        if (ns is null) return (null, $"{AgentContext.Unreadable(all)} at the cluster scope, so only --prometheus or -n <ns> can find it");
        var scoped = (await new SnapshotFetcher(run.LazyApi, SnapshotDir.For(run, ns), run.Ttl).EnsureAsync([ListSpec.Services], ns, ct))[ListSpec.Services.File];
        if (scoped.Value is not { } scopedFile) return (null, $"{AgentContext.Unreadable(scoped)} in namespace {ns}");
        return (PrometheusDetection.Pick(await CachedList.MapAsync(scopedFile.Path, s => ServiceFacts.From(s), ct)),
            $"searched namespace {ns} only: {AgentContext.Unreadable(all)} at the cluster scope");
    }

    private static async Task<IReadOnlyList<NodeCapacity>?> NodesAsync(SnapshotFetcher fetcher, List<string> notes, CancellationToken ct)
    {
        var nodes = (await fetcher.EnsureAsync([ListSpec.Nodes], null, ct))[ListSpec.Nodes.File];
        if (nodes.Value is { } file) return await CachedList.MapAsync(file.Path, n => NodeCapacity.From(n), ct);
        notes.Add($"Nodes are not readable ({AgentContext.Unreadable(nodes)}): no share of allocatable, and nodes without data cannot be listed.");
        return null;
    }

    private sealed record PromOutcome(MetricsReport? Report, string? Denied);

    private static async Task<PromOutcome> PrometheusAsync(KubeApi api, PrometheusTarget prom, ResolvedTarget target, TimeSpan since, MetricKind by, int top,
        Func<string, string, string?> workloadOf, SkillRun run, List<string> queries, List<string> notes, IReadOnlyList<NodeCapacity>? nodeList,
        CancellationToken ct)
    {
        var step = PromQueryBuilder.StepFor(since);
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var start = end - (long)since.TotalSeconds;
        var length = (int)((end - start) / (long)step.TotalSeconds) + 1;
        var perContainer = target.Kind == TargetKind.Pod;
        string[] grouping = target.Kind == TargetKind.Nodes ? ["node"] : perContainer ? ["namespace", "pod", "container"] : ["namespace", "pod"];
        var (ns, regex) = target.Kind switch
        {
            TargetKind.Pod => (target.Namespace, PromQueryBuilder.PodRegex([target.Name!])),
            TargetKind.Workload => (target.Namespace, PromQueryBuilder.PrefixRegex(target.Name!)),
            TargetKind.Node => (target.Namespace, target.Pods.Count is > 0 and <= 100 ? PromQueryBuilder.PodRegex(target.Pods.Select(p => p.Name).Distinct()) : null),
            _ => (target.Namespace, (string?)null),
        };
        var members = target.Kind is TargetKind.Pod or TargetKind.Workload or TargetKind.Node
            ? target.Pods.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : null;

        var nodesMode = target.Kind == TargetKind.Nodes;
        async Task<(List<PromSeries>?, string?)> Query(string q, bool podSeries = true)
        {
            queries.Add(q);
            var path = prom.ProxyPath("query_range") + "?" + PromQueryBuilder.RangeQueryString(q, start, end, step);
            var read = await api.GetAsync(path, new ApiAction("get", "services/proxy", prom.Namespace), ct);
            if (read.Ok)
            {
                var (series, error) = PromResponse.ReadMatrix(read.Value, start, end, step);
                if (error is not null) throw KstackException.User($"Prometheus {prom} rejected the query ({DataText.Quote(error, 200)}).");
                return (series!.Where(s => !podSeries || members is null || members.Contains(s.Label("namespace") + "/" + s.Label("pod"))).ToList(), null);
            }
            var p = read.Problem!;
            return p.Outcome switch
            {
                ReadOutcome.Forbidden => (null, ServiceProxyText.Denied(prom.Namespace, $"{prom.Service}:{prom.Port}", p, "Querying Prometheus")),
                ReadOutcome.NotFound => throw KstackException.User($"Prometheus {prom} is not reachable through the service proxy (404: {DataText.Quote(p.Detail ?? "", 200)}). Run with --refresh to detect again, or pass --prometheus <ns>/<svc>:<port>."),
                ReadOutcome.Rejected => throw KstackException.User($"Prometheus {prom} answered {p.HttpStatus}: {DataText.Quote(p.Detail ?? "", 200)}."),
                _ => throw KstackException.Infra($"Unable to query Prometheus {prom} for context `{run.Context}` ({DataText.Quote(p.Reason, 300)})."),
            };
        }

        string QueryFor(MetricKind kind) => nodesMode ? PromQueryBuilder.BuildNodeLevel(kind, null) : PromQueryBuilder.Build(kind, grouping, ns, regex);
        var (cpu, denied) = await Query(QueryFor(MetricKind.Cpu), podSeries: !nodesMode);
        if (denied is not null) return new PromOutcome(null, denied);
        var (memory, denied2) = await Query(QueryFor(MetricKind.Memory), podSeries: !nodesMode);
        if (denied2 is not null) return new PromOutcome(null, denied2);

        Func<PromSeries, (string, string)> key = target.Kind == TargetKind.Nodes ? s => ("", s.Label("node"))
            : perContainer ? s => (s.Label("namespace"), s.Label("container")) : s => (s.Label("namespace"), s.Label("pod"));
        var rows = MetricsAnalysis.FromSeries(cpu!, memory!, key, perContainer || target.Kind == TargetKind.Nodes ? (_, _) => null : workloadOf);
        UsageRow? total = target.Kind is TargetKind.Cluster or TargetKind.Nodes ? null
            : MetricsAnalysis.WholeFromSeries(target.Namespace ?? "", target.Name ?? "", cpu!, memory!, length);
        var nodeQueries = new List<string>();
        if (target.Kind == TargetKind.Node)
        {
            // The node as a whole is its root cgroup, not the sum of the pods kstack can see on it.
            var (nodeCpu, d3) = await Query(PromQueryBuilder.BuildNodeLevel(MetricKind.Cpu, target.Name), podSeries: false);
            var (nodeMemory, d4) = await Query(PromQueryBuilder.BuildNodeLevel(MetricKind.Memory, target.Name), podSeries: false);
            nodeQueries.AddRange(queries.TakeLast(2));
            if (d3 is null && d4 is null && (nodeCpu!.Count > 0 || nodeMemory!.Count > 0))
                total = MetricsAnalysis.WholeFromSeries("", target.Name!, nodeCpu!, nodeMemory!, length);
            else notes.Add($"Prometheus has no node-level series for {target.Name} (container_*{{id=\"/\"}}): the total is the sum of its pods.");
        }
        if (nodesMode) nodeQueries.AddRange(queries);
        if (rows.Count == 0)
            notes.Add(nodesMode ? "Prometheus returned no node-level series (container_*{id=\"/\"}) in the window."
                : $"Prometheus returned no container series for {target.Label} in the window.");
        var (shown, rowCount, hidden) = nodesMode ? MetricsAnalysis.RankNodes(rows, nodeList, by, top) : (MetricsAnalysis.Top(rows, by, top), rows.Count, []);
        var report = new MetricsReport(run.Context, target, "prometheus", prom.ToString(), since, step, by, top,
            nodesMode ? "node" : perContainer ? "container" : "pod", total, shown, rowCount,
            target.Kind is TargetKind.Workload or TargetKind.Pod ? MetricsAnalysis.Resources(target.Pods) : null, notes,
            nodeList, nodeQueries) { HiddenRows = hidden };
        return new PromOutcome(report, null);
    }

    private static async Task<MetricsReport> MetricsServerAsync(SnapshotFetcher fetcher, IReadOnlyDictionary<string, Read<Snapshot>> lists, ResolvedTarget target,
        MetricKind by, int top, Func<string, string, string?> workloadOf, SkillRun run, List<string> notes, IReadOnlyList<NodeCapacity>? nodeList,
        CancellationToken ct)
    {
        var nodeLevel = target.Kind is TargetKind.Nodes or TargetKind.Node;
        var wanted = nodeLevel ? new[] { ListSpec.PodMetrics, ListSpec.NodeMetrics } : [ListSpec.PodMetrics];
        var results = await fetcher.EnsureAsync(wanted, target.Kind == TargetKind.Node ? null : target.Namespace, ct);
        var podMetrics = results[ListSpec.PodMetrics.File];
        List<UsageRow> rows;
        UsageRow? total = null;
        string rowKind = "pod";
        if (target.Kind == TargetKind.Nodes)
        {
            var nodes = results[ListSpec.NodeMetrics.File];
            if (nodes.Value is not { } nodesFile) throw KstackException.User($"Node metrics are not readable: {AgentContext.Unreadable(nodes)}.");
            rows = await CachedList.MapAsync(nodesFile.Path, n => MetricsAnalysis.NodeRow(n), ct);
            rowKind = "node";
        }
        else
        {
            if (podMetrics.Value is not { } podMetricsFile)
                throw KstackException.User($"Pod metrics are not readable: {AgentContext.Unreadable(podMetrics, target.Namespace is null ? " at the cluster scope (try --namespace <ns>)" : $" in namespace {target.Namespace}")}.");
            var members = target.Kind is TargetKind.Pod or TargetKind.Workload or TargetKind.Node ? target.Pods.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) : null;
            if (target.Kind == TargetKind.Pod)
            {
                var items = await CachedList.MapAsync(podMetricsFile.Path, p =>
                    p.Str("metadata", "namespace") == target.Namespace && p.Str("metadata", "name") == target.Name ? MetricsAnalysis.Containers(p).ToList() : null, ct);
                rows = items.SelectMany(c => c).Select(c => new UsageRow(target.Namespace!, c.Container, null, MetricsAnalysis.Point(c.Cpu), MetricsAnalysis.Point(c.Memory))).ToList();
                rowKind = "container";
            }
            else
            {
                rows = await CachedList.MapAsync(podMetricsFile.Path, p =>
                    members is null || members.Contains((p.Str("metadata", "namespace") ?? "") + "/" + (p.Str("metadata", "name") ?? "")) ? MetricsAnalysis.PodRow(p, workloadOf) : null, ct);
            }
            if (target.Kind is not TargetKind.Cluster) total = MetricsAnalysis.SumRows(target.Namespace ?? "", target.Name ?? "", rows);
            if (target.Kind == TargetKind.Node && results[ListSpec.NodeMetrics.File].Value is { } nm)
            {
                var node = (await CachedList.MapAsync(nm.Path, n => n.Str("metadata", "name") == target.Name ? MetricsAnalysis.NodeRow(n) : null, ct)).FirstOrDefault();
                if (node is not null) total = node;
            }
            if (target.Kind is TargetKind.Workload or TargetKind.Pod && rows.Count == 0)
                notes.Add("metrics-server has no usage for these pods (not running, or not scraped yet).");
        }
        if (rows.Count == 0 && target.Kind is TargetKind.Cluster or TargetKind.Namespace) notes.Add("metrics-server returned no pod metrics in this scope.");
        var (shown, rowCount, hidden) = target.Kind == TargetKind.Nodes
            ? MetricsAnalysis.RankNodes(rows, nodeList, by, top) : (MetricsAnalysis.Top(rows, by, top), rows.Count, []);
        return new MetricsReport(run.Context, target, "metrics-server", null, null, null, by, top, rowKind, total, shown, rowCount,
            target.Kind is TargetKind.Workload or TargetKind.Pod ? MetricsAnalysis.Resources(target.Pods) : null, notes, nodeList) { HiddenRows = hidden };
    }
}
