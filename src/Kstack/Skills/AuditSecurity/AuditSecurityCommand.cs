using Kstack.Checks;
using Kstack.Cache;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Kube;
using Kstack.Objects;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.AuditSecurity;

/// <summary>/audit-security: RBAC, pod security, service accounts, Secrets' metadata and images, from cached lists.</summary>
internal sealed class AuditSecurityCommand : AuditSkillCommand
{
    public const int FallbackMinor = 34;

    public override SkillDescriptor Descriptor => AuditSecuritySkill.Descriptor;
    protected override string Audit => "security";
    protected override AuditFlags Flags => AuditSecuritySkill.Audit;
    protected override IReadOnlyList<CheckInfo> Catalogue => SecurityChecks.All;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var options = ParseOptions(run, out var sarifPath);
        // The small lists first: when they are fetched anew the analysis is prepared from them, and the pods (the bulk)
        // are analysed while they stream instead of being read back from their file.
        var (dir, first) = await FetchAsync(run, [.. SecurityLists.All.Where(s => s != ListSpec.Pods)], ct);
        var prepared = first.Values.Any(r => r.Value is { FromCache: false }) ? await PrepareAsync(first, ct) : null;
        var podsSeen = new ListVisitor(ListSpec.Pods, pod => prepared!.AddPod(pod));
        var (_, second) = await FetchAsync(run, [ListSpec.Pods], ct, prepared is null ? [] : [podsSeen]);
        var results = SecurityLists.All.ToDictionary(s => s.File, s => first.TryGetValue(s.File, out var r) ? r : second[s.File], StringComparer.Ordinal);
        var raw = await CachedAnalysisAsync(dir, results, () => AnalyseAsync(results, ct, podsSeen.Seen ? prepared : null));

        var unreadable = SecurityLists.All.Where(s => s != ListSpec.Version && !results[s.File].HasValue)
            .Select(s => new Unreadable(s.Noun, AgentContext.Unreadable(results[s.File]), SecurityLists.Unchecked(s))).ToList();
        return await ReportAsync(run, options, sarifPath, dir, results, SecurityLists.Roles_, raw, unreadable);
    }

    /// <summary>The analysis from the fetched lists (also run in-process by the tests' skill tester).</summary>
    /// <param name="podsAdded">An analysis prepared from these lists that has already seen every pod.</param>
    internal static async Task<RawAnalysis> AnalyseAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct,
        PreparedAnalysis? podsAdded = null)
    {
        var prepared = podsAdded ?? await PrepareAsync(results, ct);
        if (podsAdded is null && results[ListSpec.Pods.File].Value is { } pods)
            await CachedList.MapAsync<object>(pods.Path, pod => { prepared.AddPod(pod); return null; }, ct);
        if (results[SecurityLists.SecretsMeta.File].Value is { } secrets)
            await CachedList.MapAsync<object>(secrets.Path, s => { prepared.Analysis.AddSecret(s); return null; }, ct);
        var analysis = prepared.Analysis;
        var (findings, asks) = analysis.Finish();
        return new RawAnalysis(prepared.GitVersion, findings, asks.Select(a => new ExemptionAsk(a.Subject, a.Annotation)).ToList(),
            prepared.Manifests, prepared.Objects + analysis.SecretsRead + analysis.PodsRead);
    }

    /// <summary>The analysis up to its pods: version, RBAC graph, namespaces, accounts and owners, from every list but the pods.</summary>
    internal static async Task<PreparedAnalysis> PrepareAsync(IReadOnlyDictionary<string, Read<Snapshot>> results, CancellationToken ct)
    {
        async Task<List<JsonElement>?> Load(ListSpec spec) =>
            results[spec.File].Value is { } r ? (await CachedList.MapAsync<object>(r.Path, e => e.Clone(), ct)).Cast<JsonElement>().ToList() : null;

        var gitVersion = await ClusterVersion.GitVersionAsync(results, ct);
        var minor = NamespacePsa.ParseMinor(gitVersion) ?? FallbackMinor;

        var manifests = new Dictionary<ObjectRef, string>();
        var objects = 0;
        List<RbacRole>? MapRoles(List<JsonElement>? items, string kind) => items?.Select(i => RbacRole.From(i, kind)).ToList();
        var clusterRoles = await Load(SecurityLists.ClusterRoles);
        var roles = await Load(SecurityLists.Roles);
        var crbs = await Load(SecurityLists.ClusterRoleBindings);
        var rbs = await Load(SecurityLists.RoleBindings);
        RbacGraph? graph = null;
        if (crbs is not null || rbs is not null)
            graph = new RbacGraph(MapRoles(clusterRoles, "ClusterRole"), MapRoles(roles, "Role"),
                [.. (crbs ?? []).Select(b => RbacBinding.From(b, "ClusterRoleBinding")), .. (rbs ?? []).Select(b => RbacBinding.From(b, "RoleBinding"))]);
        foreach (var (items, kind) in new[] { (clusterRoles, "ClusterRole"), (roles, "Role"), (crbs, "ClusterRoleBinding"), (rbs, "RoleBinding") })
            foreach (var i in items ?? [])
            {
                objects++;
                Manifest(manifests, i, kind);
            }

        var namespaces = await Load(SecurityLists.Namespaces);
        var accounts = results[SecurityLists.ServiceAccounts.File].Value is { } sas
            ? await CachedList.MapAsync(sas.Path, ServiceAccountFacts.From, ct) : null;
        objects += (namespaces?.Count ?? 0) + (accounts?.Count ?? 0);
        var owners = await OwnerIndex.FromAsync(results, ct, OwnerIndex.Facts(ListSpec.ReplicaSetsMeta), OwnerIndex.Facts(ListSpec.JobsMeta));
        var analysis = new SecurityAnalysis(minor, owners, namespaces?.Select(NamespacePsa.From).ToList(), accounts, graph);
        return new PreparedAnalysis(gitVersion, analysis, owners, manifests, objects);
    }

    private static void Manifest(Dictionary<ObjectRef, string> manifests, JsonElement item, string kind)
    {
        if (SarifWriter.ManifestPath(item.Str("metadata", "annotations", "config.kubernetes.io/origin")) is { } path)
            manifests.TryAdd(new ObjectRef(kind, kind is "Role" or "RoleBinding" ? item.Str("metadata", "namespace") : null, item.Str("metadata", "name") ?? ""), path);
    }
}

/// <summary>An analysis that has read every list but the pods; pods are added one at a time (as they stream, or from their file).</summary>
internal sealed record PreparedAnalysis(string GitVersion, SecurityAnalysis Analysis, OwnerIndex Owners, Dictionary<ObjectRef, string> Manifests, int Objects)
{
    public void AddPod(JsonElement pod)
    {
        Analysis.AddPod(pod);
        if (SarifWriter.ManifestPath(pod.Str("metadata", "annotations", "config.kubernetes.io/origin")) is not { } path) return;
        var ns = pod.Str("metadata", "namespace");
        var name = pod.Str("metadata", "name") ?? "";
        var chain = Owners.Chain(ns ?? "", "Pod", name, OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"));
        Manifests.TryAdd(chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name), path);
    }
}
