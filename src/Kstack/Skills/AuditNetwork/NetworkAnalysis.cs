using System.Text.Json;
using Kstack.Audit;
using Kstack.Checks;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditNetwork;

/// <summary>
/// The network audit over lists already read: pods as compact facts, the other kinds as parsed objects. Each part
/// adds findings; lists that could not be read are null and their checks are skipped (the report names them).
/// </summary>
internal sealed partial class NetworkAnalysis(DateTimeOffset now)
{
    public List<PodFacts> Pods { get; } = [];
    /// <summary>Namespace → labels; null when namespaces could not be listed (peers then match on kubernetes.io/metadata.name only).</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string>>? Namespaces { get; set; }
    public bool PodsRead { get; set; } = true;
    public List<JsonElement>? Services { get; set; }
    public Dictionary<(string Ns, string Name), EndpointCounts>? Endpoints { get; set; }
    public List<JsonElement>? Policies { get; set; }
    public List<JsonElement>? Ingresses { get; set; }
    public List<JsonElement>? IngressClasses { get; set; }
    /// <summary>(namespace, name) → the cert-manager Certificate named in its annotation, from the metadata-only list.</summary>
    public Dictionary<(string Ns, string Name), string?>? Secrets { get; set; }
    public List<JsonElement>? Gateways { get; set; }
    public List<JsonElement>? Routes { get; set; }
    public List<JsonElement>? Certificates { get; set; }
    /// <summary>CNI-specific policies (Cilium, Calico) as (kind, namespace or null, name).</summary>
    public List<ObjectRef> NonCore { get; } = [];
    /// <summary>Null for the whole cluster; a namespace when the run is scoped to one (cluster-wide checks are then skipped).</summary>
    public string? Scope { get; init; }

    private readonly List<Finding> _findings = [];
    private ILookup<string, PodFacts>? _podsByNs;
    private ILookup<string, PodFacts> PodsByNs => _podsByNs ??= Pods.ToLookup(p => p.Namespace, StringComparer.Ordinal);

    public IReadOnlyList<Finding> Run()
    {
        if (PodsRead && Policies is not null) AnalysePolicies();
        AnalyseNonCore();
        if (Services is not null) AnalyseServices();
        if (Ingresses is not null) AnalyseIngresses();
        AnalyseGatewayApi();
        AnalyseCertificates();
        if (PodsRead && Scope is null or "kube-system") AnalyseDns();
        return _findings.OrderBy(f => f.Rank).ThenBy(f => f.Check.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Namespace, StringComparer.Ordinal).ThenBy(f => f.Subject.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Field, StringComparer.Ordinal).ToList();
    }

    private void Add(CheckInfo check, ObjectRef subject, string field, string? observed, Audit.Scope scope, bool running = true, int pods = 0) =>
        _findings.Add(new Finding(check, subject, field, observed is null ? null : Cap(observed), scope, running, pods));

    private static string Cap(string s) => s.Length <= 300 ? s : s[..299] + "…";

    private static ObjectRef Ref(string kind, JsonElement o) => new(kind, o.Str("metadata", "namespace"), o.Str("metadata", "name") ?? "");

    private IEnumerable<PodFacts> PodsIn(string ns) => PodsByNs[ns];

    private IReadOnlyDictionary<string, string> NamespaceLabels(string ns) =>
        Namespaces?.GetValueOrDefault(ns) ?? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns };

    /// <summary>Every namespace the audit knows of: listed ones, or those pods and objects live in.</summary>
    private IEnumerable<string> AllNamespaces() =>
        Namespaces?.Keys ?? Pods.Select(p => p.Namespace).Distinct(StringComparer.Ordinal);

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
