namespace Kstack.Sim.Store;

/// <summary>One served resource (group/version/plural) and how discovery describes it.</summary>
public sealed class ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required bool Namespaced { get; init; }
    public string[] ShortNames { get; init; } = [];
    public string[] Verbs { get; init; } = ReadWrite;
    public string[] Subresources { get; init; } = [];
    public string[] Categories { get; init; } = [];

    /// <summary>When set, this resource is a view over another stored resource (events.k8s.io/v1 Event over v1 Event).</summary>
    public ResourceType? ViewOf { get; init; }

    /// <summary>Virtual resources (reviews) accept only create and are never stored.</summary>
    public bool Virtual { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    public string ListKind => Kind + "List";

    public static readonly string[] ReadWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    public static readonly string[] ReadOnly = ["get", "list", "watch"];
}
