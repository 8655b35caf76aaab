namespace Kstack.Sim.Store;

/// <summary>One served resource (group/version/plural) and how discovery describes it.</summary>
internal sealed class ResourceType
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

    /// <summary>A CRD version's additionalPrinterColumns (server-side Table columns after Name); null for built-in kinds.</summary>
    public IReadOnlyList<PrinterColumn>? PrinterColumns { get; set; }

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    public string ListKind => Kind + "List";

    public static readonly string[] ReadWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    public static readonly string[] ReadOnly = ["get", "list", "watch"];
}

/// <summary>One additionalPrinterColumns entry of a CustomResourceDefinition version.</summary>
internal sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);
