using Kstack.Checks;
using Kstack.Objects;

namespace Kstack.Audit;

/// <summary>How far a finding reaches: a cluster-wide grant outranks a namespace, a workload, a single pod.</summary>
internal enum Scope { Cluster = 0, Namespace = 1, Workload = 2, Pod = 3 }

/// <summary>
/// One check hit on one subject. Field is where it was seen (a field path, or the binding chain for RBAC);
/// Observed is the offending value as found (cluster data: renderers frame it, credentials never get here).
/// Pods counts the pods of a workload the hit was seen in; Running says whether any of them runs.
/// </summary>
internal sealed record Finding(CheckInfo Check, ObjectRef Subject, string Field, string? Observed, Scope Scope, bool Running, int Pods = 0)
{
    /// <summary>Blast-radius rank, lower first: severity, then scope, then running before not running.</summary>
    public int Rank => (4 - (int)Check.Severity) * 10 + (int)Scope * 2 + (Running ? 0 : 1);

    /// <summary>Identity across runs (baseline, exemptions, SARIF): check, subject and field, never the observed value.</summary>
    public string Key => $"{Check.Id}|{Subject.Kind}|{Subject.Namespace}|{Subject.Name}|{Subject.Container}|{Field}";

    public string Fingerprint => Cache.InstallRoot.ShortSha(Key);
}
