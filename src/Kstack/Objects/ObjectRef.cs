namespace Kstack.Objects;

/// <summary>
/// One Kubernetes object (optionally one container of a pod): the subject of a check hit, a resolved target, a row.
/// Kind is the API kind ("Pod", "Deployment"); Namespace is null for cluster-scoped objects.
/// </summary>
internal sealed record ObjectRef(string Kind, string? Namespace, string Name, string? Container = null)
{
    /// <summary>kind/name or kind/namespace/name, lower-case kind: the form errors and renderers print.</summary>
    public override string ToString() =>
        (Namespace is null ? $"{Kind.ToLowerInvariant()}/{Name}" : $"{Kind.ToLowerInvariant()}/{Namespace}/{Name}")
        + (Container is null ? "" : $" (container {Container})");
}
