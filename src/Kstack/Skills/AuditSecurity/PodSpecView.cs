using Kstack.Checks;
using System.Text.Json;
using Kstack.Audit;
using Kstack.Skills.Shared;

namespace Kstack.Skills.AuditSecurity;

/// <summary>One check hit inside one object, before it is attributed to a subject. Container is null for pod-level fields.</summary>
internal readonly record struct Hit(CheckInfo Check, string Field, string? Observed, string? Container = null);

/// <summary>A container of a pod spec with the path it sits at (spec.initContainers[0]).</summary>
internal readonly record struct ContainerView(string Kind, int Index, JsonElement Element)
{
    public string Name => Element.Str("name") ?? "";
    public string Path => $"spec.{Kind}[{Index}]";
    public bool IsInit => Kind == "initContainers";
    public bool IsEphemeral => Kind == "ephemeralContainers";
    public JsonElement? SecurityContext => Element.Get("securityContext");
}

/// <summary>Read helpers over a pod (or pod template) object.</summary>
internal static class PodSpecView
{
    public static readonly string[] ContainerKinds = ["initContainers", "containers", "ephemeralContainers"];

    public static IEnumerable<ContainerView> AllContainers(JsonElement pod)
    {
        foreach (var kind in ContainerKinds)
        {
            var i = 0;
            foreach (var c in pod.Array("spec", kind)) yield return new ContainerView(kind, i++, c);
        }
    }

    public static bool IsWindows(JsonElement pod) => pod.Str("spec", "os", "name") == "windows";

    /// <summary>spec.hostUsers: false means the pod runs in its own user namespace.</summary>
    public static bool UserNamespaced(JsonElement pod) => pod.Get("spec", "hostUsers") is { ValueKind: JsonValueKind.False };

    public static bool? OptBool(JsonElement? e, params string[] path) => e?.Get(path) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    public static IEnumerable<string> Strings(JsonElement? e, params string[] path) =>
        e is { } v ? v.Array(path).Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!) : [];

    public static string Annotation(JsonElement pod, string key) => pod.Str("metadata", "annotations", key) ?? "";
}
