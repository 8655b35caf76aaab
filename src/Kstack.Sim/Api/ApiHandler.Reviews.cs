using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Rbac;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

internal sealed partial class ApiHandler
{
    private async Task Review(HttpContext ctx, ResourceType type, Identity id, RequestInfo info, Responder res)
    {
        var body = await ReadBody(ctx, res);
        if (body == null) return;
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var status = new JsonObject();
        switch (type.Kind)
        {
            case "SelfSubjectAccessReview":
            case "SubjectAccessReview":
            case "LocalSubjectAccessReview":
            {
                var user = id.User;
                IReadOnlyList<string> groups = id.Groups;
                if (type.Kind != "SelfSubjectAccessReview")
                {
                    user = (string?)spec["user"] ?? "";
                    groups = (spec["groups"] as JsonArray)?.Select(g => (string?)g ?? "").Append("system:authenticated").ToList() ?? ["system:authenticated"];
                }
                RequestAttributes attrs;
                if (spec["resourceAttributes"] is JsonObject ra)
                {
                    attrs = new RequestAttributes
                    {
                        User = user, Groups = groups, Verb = (string?)ra["verb"] ?? "", ApiGroup = (string?)ra["group"] ?? "",
                        Resource = (string?)ra["resource"] ?? "", Subresource = (string?)ra["subresource"] ?? "", Name = (string?)ra["name"] ?? "",
                        Namespace = type.Kind == "LocalSubjectAccessReview" ? info.Namespace : (string?)ra["namespace"] ?? "",
                    };
                }
                else if (spec["nonResourceAttributes"] is JsonObject nra)
                {
                    attrs = new RequestAttributes { User = user, Groups = groups, Verb = (string?)nra["verb"] ?? "", IsResourceRequest = false, Path = (string?)nra["path"] ?? "" };
                }
                else
                {
                    await WriteStatus(res, new StatusError(422, "Invalid", $"{type.Kind}.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"));
                    return;
                }
                var allowed = attrs.Verb == "*" ? authorizer.RulesFor(attrs.User, attrs.Groups, attrs.Namespace, false).Any(r => r.Verbs.Contains("*") && r.Matches(attrs with { Verb = "*" }))
                                                 || attrs.Groups.Contains(Authorizer.Masters)
                                                 : authorizer.Authorize(attrs);
                status["allowed"] = allowed;
                if (allowed) status["reason"] = attrs.Groups.Contains(Authorizer.Masters) ? "" : "RBAC: allowed by a binding of the scenario";
                break;
            }
            case "SelfSubjectRulesReview":
            {
                var ns = (string?)spec["namespace"] ?? "";
                var rules = authorizer.RulesFor(id.User, id.Groups, ns, false).ToList();
                var resourceRules = new JsonArray();
                var nonResourceRules = new JsonArray();
                foreach (var r in rules)
                {
                    if (r.NonResourceUrls.Length > 0)
                        nonResourceRules.Add(new JsonObject { ["verbs"] = Arr(r.Verbs), ["nonResourceURLs"] = Arr(r.NonResourceUrls) });
                    if (r.Resources.Length > 0)
                    {
                        var o = new JsonObject { ["verbs"] = Arr(r.Verbs), ["apiGroups"] = Arr(r.ApiGroups), ["resources"] = Arr(r.Resources) };
                        if (r.ResourceNames.Length > 0) o["resourceNames"] = Arr(r.ResourceNames);
                        resourceRules.Add(o);
                    }
                }
                status["resourceRules"] = resourceRules;
                status["nonResourceRules"] = nonResourceRules;
                status["incomplete"] = false;
                break;
            }
            case "SelfSubjectReview":
                status["userInfo"] = new JsonObject { ["username"] = id.User, ["groups"] = Arr(id.Groups) };
                break;
        }
        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
        if (body["metadata"] is not JsonObject meta) body["metadata"] = meta = new JsonObject();
        meta["creationTimestamp"] = null;
        body["status"] = status;
        await WriteJson(res, 201, w => body.WriteTo(w));
    }

    private static JsonArray Arr(IEnumerable<string> xs) => new(xs.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
}
