using Kstack.Checks;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Objects;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditSecurity;

// Inside the namespace, so it wins over the Kstack.Checks namespace.
using Checks = Kstack.Skills.AuditSecurity.SecurityChecks;

/// <summary>The Pod Security Admission labels of one namespace.</summary>
internal sealed record NamespacePsa(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    public const string Prefix = "pod-security.kubernetes.io/";
    public static readonly string[] Modes = ["enforce", "audit", "warn"];

    public string? Level(string mode) => Labels.TryGetValue(Prefix + mode, out var v) ? v : null;

    /// <summary>The policy minor a mode evaluates at: its -version label (vX.Y), else the cluster's ("latest").</summary>
    public int Version(string mode, int clusterMinor) =>
        Labels.TryGetValue($"{Prefix}{mode}-version", out var v) && ParseMinor(v) is { } m ? Math.Min(m, clusterMinor) : clusterMinor;

    public static int? ParseMinor(string? version)
    {
        if (version is null) return null;
        var parts = version.TrimStart('v').Split('.');
        return parts.Length >= 2 && parts[0] == "1" && int.TryParse(parts[1].TrimEnd('+'), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var minor) ? minor : null;
    }

    public static PssLevel? ParseLevel(string? level) => level switch
    {
        "privileged" => PssLevel.Privileged, "baseline" => PssLevel.Baseline, "restricted" => PssLevel.Restricted, _ => null,
    };

    public static NamespacePsa From(JsonElement ns) => new(ns.Str("metadata", "name") ?? "", Strings(ns, "labels"), Strings(ns, "annotations"));

    private static Dictionary<string, string> Strings(JsonElement e, string field) =>
        e.Props("metadata", field).Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}

/// <summary>What the checks need of a ServiceAccount: its automount setting and the Secrets it names.</summary>
internal sealed record ServiceAccountFacts(string Namespace, string Name, bool? Automount, IReadOnlyList<string> Secrets)
{
    public static ServiceAccountFacts From(JsonElement sa) => new(sa.Str("metadata", "namespace") ?? "", sa.Str("metadata", "name") ?? "",
        PodSpecView.OptBool(sa, "automountServiceAccountToken"),
        [.. sa.Array("secrets").Concat(sa.Array("imagePullSecrets")).Select(s => s.Str("name")).OfType<string>()]);
}

/// <summary>An in-cluster annotation asking a scanner to skip the object. Reported, never honoured.</summary>
internal sealed record ExemptionRequest(ObjectRef Subject, string Annotation);

/// <summary>
/// Streams the cluster through the checks: RBAC, namespaces and service accounts first (small), then every pod one at a
/// time (hits are attributed to the pod's top owner, so a Deployment with 50 replicas is one finding), then Secrets'
/// metadata. Memory grows with the number of distinct findings, not with the pods read.
/// </summary>
internal sealed class SecurityAnalysis
{
    public static readonly HashSet<string> SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

    private readonly int _minor;
    private readonly OwnerIndex _owners;
    private readonly IReadOnlyDictionary<string, NamespacePsa>? _namespaces;
    private readonly Dictionary<(string Ns, string Name), bool?>? _serviceAccounts; // automountServiceAccountToken
    private readonly HashSet<string> _namespacesWithAccounts = new(StringComparer.Ordinal);
    private readonly Func<string, string, bool>? _hasRights;
    private readonly Dictionary<(string Check, ObjectRef Subject, string Field), Finding> _findings = new();
    private readonly StringPool _strings = new();
    private readonly HashSet<(string Ns, string Name)> _referencedSecrets = [];
    private readonly HashSet<(string Ns, string Name)> _runningAccounts = [];
    private readonly HashSet<string> _namespacesWithPods = new(StringComparer.Ordinal);
    private readonly List<ExemptionRequest> _requests = [];
    private readonly HashSet<string> _requestKeys = new(StringComparer.Ordinal);
    private readonly RbacGraph? _rbac;
    public int PodsRead { get; private set; }
    public int SecretsRead { get; private set; }

    public SecurityAnalysis(int clusterMinor, OwnerIndex owners, IReadOnlyList<NamespacePsa>? namespaces,
        IReadOnlyList<ServiceAccountFacts>? serviceAccounts, RbacGraph? rbac)
    {
        _minor = clusterMinor;
        _owners = owners;
        _namespaces = namespaces?.ToDictionary(n => n.Name, StringComparer.Ordinal);
        _rbac = rbac;
        if (serviceAccounts is not null)
        {
            _serviceAccounts = new Dictionary<(string, string), bool?>();
            foreach (var sa in serviceAccounts)
            {
                _serviceAccounts[(sa.Namespace, sa.Name)] = sa.Automount;
                _namespacesWithAccounts.Add(sa.Namespace);
                foreach (var n in sa.Secrets) _referencedSecrets.Add((sa.Namespace, n));
            }
        }
        _hasRights = rbac?.HasRights();
        if (rbac is not null)
            foreach (var h in RbacChecks.Evaluate(rbac, AccountExists))
                Add(h.Check, h.Subject, h.Field, h.Observed, h.Scope, running: true);
    }

    private bool? AccountExists(string ns, string name) =>
        _serviceAccounts is null ? null : _serviceAccounts.ContainsKey((ns, name)) ? true : _namespacesWithAccounts.Contains(ns) ? false : null;

    public void AddPod(JsonElement pod)
    {
        PodsRead++;
        var ns = pod.Str("metadata", "namespace") ?? "";
        var name = pod.Str("metadata", "name") ?? "";
        var phase = pod.Str("status", "phase") ?? "";
        var running = phase is "Running" or "Pending" or "";
        if (phase is "Succeeded" or "Failed") running = false;
        var chain = _owners.Chain(ns, "Pod", name, OwnerIndex.ControllerOf(pod), pod.Str("metadata", "labels", "pod-template-hash"));
        var subject = chain.Count > 0 ? new ObjectRef(chain[^1].Kind, ns, chain[^1].Name) : new ObjectRef("Pod", ns, name);
        var scope = chain.Count > 0 ? Audit.Scope.Workload : Audit.Scope.Pod;
        if (running) _namespacesWithPods.Add(ns);

        void Hit(Hit h) => Add(h.Check, subject with { Container = h.Container }, h.Field, h.Observed, scope, running, countPod: true);

        foreach (var h in PodSecurityStandards.Evaluate(pod, _minor)) Hit(h);
        foreach (var h in PodChecks.Evaluate(pod)) Hit(h);
        if (chain.Count == 0) Hit(new Hit(Checks.NoOwner, "metadata.ownerReferences", "none"));
        if (ns == "default") Hit(new Hit(Checks.DefaultNamespace, "metadata.namespace", "default"));
        foreach (var h in NamespaceHits(pod, ns, running)) Hit(h);
        foreach (var h in AccountHits(pod, ns, running)) Hit(h);
        foreach (var s in SecretReferences(pod)) _referencedSecrets.Add((ns, s));

        foreach (var a in pod.Props("metadata", "annotations"))
            if (IsExemptionAnnotation(a.Name) && _requestKeys.Add($"{subject}|{a.Name}")) _requests.Add(new ExemptionRequest(subject, a.Name));
    }

    private IEnumerable<Hit> NamespaceHits(JsonElement pod, string ns, bool running)
    {
        if (!running || _namespaces is null || !_namespaces.TryGetValue(ns, out var psa)) yield break;
        var enforce = NamespacePsa.ParseLevel(psa.Level("enforce")) ?? PssLevel.Privileged;
        foreach (var mode in NamespacePsa.Modes)
        {
            if (NamespacePsa.ParseLevel(psa.Level(mode)) is not { } level || level == PssLevel.Privileged) continue;
            if (mode != "enforce" && level <= enforce) continue;
            var version = psa.Version(mode, _minor);
            var failed = PodSecurityStandards.Evaluate(pod, version, level).Select(h => h.Check.Id).Distinct().ToList();
            if (failed.Count > 0)
                yield return new Hit(Checks.NamespaceViolation, $"namespace/{ns} metadata.labels[{NamespacePsa.Prefix}{mode}]",
                    $"{psa.Level(mode)}@v1.{version}: {string.Join(", ", failed)}");
        }
    }

    private IEnumerable<Hit> AccountHits(JsonElement pod, string ns, bool running)
    {
        var account = pod.Str("spec", "serviceAccountName") is { Length: > 0 } sa ? sa : pod.Str("spec", "serviceAccount") is { Length: > 0 } old ? old : "default";
        if (running) _runningAccounts.Add((ns, account));
        if (account == "default") yield return new Hit(Checks.DefaultSaUsed, "spec.serviceAccountName", "default");
        if (_serviceAccounts is null) yield break;
        if (!_serviceAccounts.TryGetValue((ns, account), out var saAutomount))
        {
            if (_namespacesWithAccounts.Contains(ns)) yield return new Hit(Checks.MissingSa, "spec.serviceAccountName", account);
            yield break;
        }
        var podAutomount = PodSpecView.OptBool(pod, "spec", "automountServiceAccountToken");
        var mounts = podAutomount ?? saAutomount ?? true;
        if (mounts && _hasRights?.Invoke(ns, account) == true)
            yield return new Hit(Checks.Automount, "spec.automountServiceAccountToken", $"{(podAutomount is null ? "unset" : "true")} (serviceaccount {account} has RBAC rights)");
    }

    private static IEnumerable<string> SecretReferences(JsonElement pod)
    {
        foreach (var v in pod.Array("spec", "volumes"))
        {
            if (v.Str("secret", "secretName") is { } s) yield return s;
            foreach (var src in v.Array("projected", "sources"))
                if (src.Str("secret", "name") is { } p) yield return p;
        }
        foreach (var p in pod.Array("spec", "imagePullSecrets"))
            if (p.Str("name") is { } n) yield return n;
        foreach (var c in PodSpecView.AllContainers(pod))
        {
            foreach (var e in c.Element.Array("env"))
                if (e.Str("valueFrom", "secretKeyRef", "name") is { } n) yield return n;
            foreach (var e in c.Element.Array("envFrom"))
                if (e.Str("secretRef", "name") is { } n) yield return n;
        }
    }

    /// <summary>Checks on one Secret's metadata (never its data): legacy tokens and Secrets nothing references. After every pod.</summary>
    public void AddSecret(JsonElement s)
    {
        SecretsRead++;
        var ns = s.Str("metadata", "namespace") ?? "";
        var name = s.Str("metadata", "name") ?? "";
        var subject = new ObjectRef("Secret", ns, name);
        if (s.Str("metadata", "annotations", "kubernetes.io/service-account.name") is { } account)
        {
            Add(Checks.LegacyToken, subject, "metadata.annotations[kubernetes.io/service-account.name]", account, Audit.Scope.Namespace, running: true);
            return;
        }
        if (s.Str("metadata", "labels", "owner") == "helm" || name.StartsWith("sh.helm.release.", StringComparison.Ordinal)) return;
        if (SystemNamespaces.Contains(ns)) return;
        if (!_referencedSecrets.Contains((ns, name)))
            Add(Checks.UnusedSecret, subject, "metadata.name", name, Audit.Scope.Namespace, running: false);
        foreach (var a in s.Props("metadata", "annotations"))
            if (IsExemptionAnnotation(a.Name) && _requestKeys.Add($"{subject}|{a.Name}")) _requests.Add(new ExemptionRequest(subject, a.Name));
    }

    /// <summary>Namespace-level checks, once every pod has been seen; then the workload-takeover check.</summary>
    public (IReadOnlyList<Finding> Findings, IReadOnlyList<ExemptionRequest> Requests) Finish()
    {
        if (_namespaces is not null)
            foreach (var ns in _namespaces.Values.Where(n => !SystemNamespaces.Contains(n.Name)))
            {
                var subject = new ObjectRef("Namespace", null, ns.Name);
                var enforce = ns.Level("enforce");
                if (enforce is null && _namespacesWithPods.Contains(ns.Name))
                    Add(Checks.NamespaceUnlabelled, subject, $"metadata.labels[{NamespacePsa.Prefix}enforce]", "unset", Audit.Scope.Namespace, running: true);
                else if (enforce == "privileged")
                    Add(Checks.NamespacePrivileged, subject, $"metadata.labels[{NamespacePsa.Prefix}enforce]", "privileged", Audit.Scope.Namespace, _namespacesWithPods.Contains(ns.Name));
            }
        if (_rbac is not null)
            foreach (var (account, via) in RbacChecks.TakeoverAccounts(_rbac))
                if (_runningAccounts.Contains((account.Namespace ?? "", account.Name)))
                    Add(Checks.Takeover, account.Ref, "rbac: " + via, "create pods + read secrets", Audit.Scope.Namespace, running: true);
        return (_findings.Values.ToList(), _requests);
    }

    private void Add(CheckInfo check, ObjectRef subject, string field, string? observed, Audit.Scope scope, bool running, bool countPod = false)
    {
        var key = (check.Id, subject, field);
        if (_findings.TryGetValue(key, out var existing))
            _findings[key] = existing with { Running = existing.Running || running, Pods = existing.Pods + (countPod ? 1 : 0) };
        else _findings[key] = new Finding(check, _strings.Get(subject), _strings.Get(field)!, _strings.Get(observed), scope, running, countPod ? 1 : 0);
    }

    /// <summary>Polaris, kube-linter and kstack-style "skip me" annotations.</summary>
    public static bool IsExemptionAnnotation(string key) =>
        key.StartsWith("polaris.fairwinds.com/", StringComparison.Ordinal) && key.EndsWith("exempt", StringComparison.Ordinal)
        || key.StartsWith("ignore-check.kube-linter.io/", StringComparison.Ordinal)
        || key.StartsWith("kstack.sh/", StringComparison.Ordinal) && key.Contains("exempt", StringComparison.Ordinal)
        || key.StartsWith("checkov.io/skip", StringComparison.Ordinal)
        || key == "kubescape.io/ignore";
}
