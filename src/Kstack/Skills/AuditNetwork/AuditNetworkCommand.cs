using System.Text.Json;
using Kstack.Audit;
using Kstack.Cache;
using Kstack.Checks;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.AuditNetwork;

/// <summary>/audit-network: policies, Services, Ingress, Gateway API, certificates and DNS from cached lists.</summary>
internal sealed class AuditNetworkCommand : AuditSkillCommand
{
    public override SkillDescriptor Descriptor => AuditNetworkSkill.Descriptor;
    protected override string Audit => "network";
    protected override AuditFlags Flags => AuditNetworkSkill.Audit;
    protected override IReadOnlyList<CheckInfo> Catalogue => NetworkChecks.All;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var options = ParseOptions(run, out var sarifPath);
        var (dir, results) = await FetchAsync(run, NetworkLists.All, ct);
        var raw = await CachedAnalysisAsync(dir, results, () => AnalyseAsync(results, DateTimeOffset.UtcNow, run.Namespace, ct));
        var unreadable = NetworkLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue && !IsAbsentAddOn(s, results[s.File]))
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), NetworkLists.Unchecked(s))).ToList();
        return await ReportAsync(run, options, sarifPath, dir, results, NetworkLists.Roles, raw, unreadable);
    }

    /// <summary>A CRD-backed list the API server does not serve: the add-on is not installed, nothing is unread.</summary>
    private static bool IsAbsentAddOn(ListSpec spec, Read<Snapshot> read) =>
        NetworkLists.Optional.Contains(spec) && read.Outcome == ReadOutcome.NotFound;

    /// <summary>The analysis from the fetched lists (also run in-process by the tests).</summary>
    internal static async Task<RawAnalysis> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, DateTimeOffset now, string? scope, CancellationToken ct)
    {
        async Task<List<JsonElement>?> Load(ListSpec spec) =>
            results.TryGetValue(spec.File, out var r) && r.Value is { } s ? (await CachedList.MapAsync<object>(s.Path, e => e.Clone(), ct)).Cast<JsonElement>().ToList() : null;

        var gitVersion = await ClusterVersion.GitVersionAsync(results, ct);

        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta));
        var analysis = new NetworkAnalysis(now) { Scope = scope };
        var objects = 0;
        if (results.TryGetValue(ListSpec.Pods.File, out var pods) && pods.Value is { } podList)
            analysis.Pods.AddRange(await CachedList.MapAsync(podList.Path, p => PodFacts.From(p, owners), ct));
        else analysis.PodsRead = false;
        objects += analysis.Pods.Count;

        if (await Load(NetworkLists.Namespaces) is { } namespaces)
        {
            analysis.Namespaces = namespaces.ToDictionary(n => n.Str("metadata", "name") ?? "",
                n => (IReadOnlyDictionary<string, string>)n.Props("metadata", "labels").Where(p => p.Value.ValueKind == JsonValueKind.String)
                    .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal), StringComparer.Ordinal);
            objects += namespaces.Count;
        }
        analysis.Services = await Load(ListSpec.Services);
        if (results.TryGetValue(NetworkLists.EndpointSlices.File, out var slices) && slices.Value is { } sliceList)
        {
            var counts = new Dictionary<(string, string), EndpointCounts>();
            await CachedList.MapAsync<object>(sliceList.Path, s => { EndpointCounts.AddSlice(counts, s); objects++; return null; }, ct);
            analysis.Endpoints = counts;
        }
        analysis.Policies = await Load(NetworkLists.NetworkPolicies);
        analysis.Ingresses = await Load(NetworkLists.Ingresses);
        analysis.IngressClasses = await Load(NetworkLists.IngressClasses);
        if (await Load(NetworkLists.SecretsMeta) is { } secrets)
        {
            analysis.Secrets = new Dictionary<(string, string), string?>();
            foreach (var s in secrets)
                analysis.Secrets[(s.Str("metadata", "namespace") ?? "", s.Str("metadata", "name") ?? "")] = s.Str("metadata", "annotations", "cert-manager.io/certificate-name");
            objects += secrets.Count;
        }
        analysis.Gateways = await Load(NetworkLists.Gateways);
        analysis.Routes = await Load(NetworkLists.HttpRoutes);
        analysis.Certificates = await Load(NetworkLists.Certificates);
        foreach (var spec in new[] { NetworkLists.CiliumPolicies, NetworkLists.CiliumClusterPolicies, NetworkLists.CalicoPolicies, NetworkLists.CalicoGlobalPolicies })
            foreach (var p in await Load(spec) ?? [])
                analysis.NonCore.Add(new ObjectRef(spec == NetworkLists.CalicoPolicies ? "NetworkPolicy.crd.projectcalico.org" : spec.ItemKind, spec.NamespacedPath is null ? null : p.Str("metadata", "namespace"), p.Str("metadata", "name") ?? ""));
        objects += (analysis.Services?.Count ?? 0) + (analysis.Policies?.Count ?? 0) + (analysis.Ingresses?.Count ?? 0) + (analysis.IngressClasses?.Count ?? 0)
                   + (analysis.Gateways?.Count ?? 0) + (analysis.Routes?.Count ?? 0) + (analysis.Certificates?.Count ?? 0) + analysis.NonCore.Count;

        var findings = analysis.Run();
        return new RawAnalysis(gitVersion, findings, [], new Dictionary<ObjectRef, string>(), objects);
    }
}
