using Kstack.Sim.Store;

namespace Kstack.Sim.Api;

/// <summary>What a request path and method address, in Kubernetes terms.</summary>
internal sealed record RequestInfo
{
    public bool IsResourceRequest { get; init; }
    public string Verb { get; init; } = "";
    public string Group { get; init; } = "";
    public string Version { get; init; } = "";
    public string Plural { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public string Subresource { get; init; } = "";
    public ResourceType? Type { get; init; }

    public static RequestInfo Parse(string method, string path, Func<string, string?> query, ResourceRegistry registry)
    {
        var nonResource = new RequestInfo { Verb = method.ToLowerInvariant() switch { "get" or "head" => "get", "post" => "post", "put" => "put", "delete" => "delete", "patch" => "patch", var m => m } };
        var seg = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int i;
        string group, version;
        if (seg.Length >= 3 && seg[0] == "api") { group = ""; version = seg[1]; i = 2; }
        else if (seg.Length >= 4 && seg[0] == "apis") { group = seg[1]; version = seg[2]; i = 3; }
        else return nonResource;
        string ns = "";
        var rest = seg[i..];
        if (rest.Length >= 2 && rest[0] == "namespaces")
        {
            if (rest.Length == 2 || (rest.Length == 3 && rest[2] is "status" or "finalize"))
            {
                // /namespaces/{ns}[/status|/finalize] addresses the Namespace object itself.
                rest = rest.Length == 3 ? ["namespaces", rest[1], rest[2]] : ["namespaces", rest[1]];
            }
            else
            {
                ns = rest[1];
                rest = rest[2..];
            }
        }
        var plural = rest[0];
        var name = rest.Length > 1 ? rest[1] : "";
        var sub = rest.Length > 2 ? string.Join('/', rest[2..]) : "";
        var watch = query("watch") is "true" or "1";
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => watch ? "watch" : name.Length == 0 ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length == 0 ? "deletecollection" : "delete",
            var m => m.ToLowerInvariant(),
        };
        return new RequestInfo
        {
            IsResourceRequest = true, Verb = verb, Group = group, Version = version, Plural = plural, Namespace = ns, Name = name, Subresource = sub,
            Type = registry.ByPlural(group, version, plural),
        };
    }
}
