using Kstack.Objects;

namespace Kstack.Checks;

/// <summary>
/// One structured result of a check: the object it concerns, the field path inside it (<c>status.conditions[Ready]</c>,
/// <c>spec.containers[app].securityContext.privileged</c>) and the value observed there, as data (never prose).
/// Checks that need more for their renderer derive a record with the extra fields; the English is made only by renderers.
/// </summary>
internal record CheckHit(CheckInfo Check, ObjectRef Subject, string Path, string? Observed)
{
    public string CheckId => Check.Id;
}
