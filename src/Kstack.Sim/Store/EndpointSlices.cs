using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kstack.Sim.Store;

/// <summary>
/// What kube-controller-manager's EndpointSlice controller keeps for each Service with a selector: at load, every
/// Service (not ExternalName) whose namespace has no slice labelled with its name gets slices of the pods it selects.
/// As the real controller: pods without an IP, finished pods and pods on no node are left out; ready follows the pod's
/// Ready condition (or publishNotReadyAddresses); each Service port is resolved against the pod's container ports
/// (a named targetPort the pod lacks drops that port for that pod); endpoints with the same resolved ports share a slice.
/// </summary>
internal static class EndpointSlices
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedBy = "endpointslice-controller.k8s.io";

    /// <summary>The slices and the v1 Endpoints of every Service the scenario gives none of its own.</summary>
    public static IEnumerable<JsonObject> Derive(IReadOnlyList<JsonObject> services, IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> existingSlices,
        IReadOnlyList<JsonObject>? existingEndpoints = null)
    {
        var declaredEndpoints = (existingEndpoints ?? []).Select(e => ((string?)e["metadata"]?["namespace"] ?? "", (string?)e["metadata"]?["name"] ?? "")).ToHashSet();
        foreach (var o in DeriveSlices(services, pods, existingSlices))
        {
            yield return o;
            var meta = o["metadata"]!;
            var key = ((string?)meta["namespace"] ?? "", (string?)meta["labels"]?[ServiceNameLabel] ?? "");
            if (o["kind"]!.ToString() == "EndpointSlice" && (string?)o["metadata"]?["generateName"] is not null && declaredEndpoints.Add(key))
                yield return EndpointsFor(key.Item1, key.Item2, services, pods, existingSlices);
        }
    }

    /// <summary>The v1 Endpoints of one Service, built from all of its derived slices.</summary>
    private static JsonObject EndpointsFor(string ns, string service, IReadOnlyList<JsonObject> services, IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> existingSlices)
    {
        var subsets = new JsonArray();
        foreach (var slice in DeriveSlices(services.Where(s => (string?)s["metadata"]?["namespace"] == ns && (string?)s["metadata"]?["name"] == service).ToList(), pods, existingSlices))
        {
            JsonObject Address(JsonNode? ep) => new()
            {
                ["ip"] = ep!["addresses"]![0]!.DeepClone(), ["nodeName"] = ep["nodeName"]?.DeepClone(), ["targetRef"] = ep["targetRef"]!.DeepClone(),
            };
            var endpoints = slice["endpoints"]!.AsArray();
            if (endpoints.Count == 0) continue;
            var subset = new JsonObject();
            var ready = endpoints.Where(e => (bool?)e!["conditions"]!["ready"] == true).Select(Address).ToList();
            var notReady = endpoints.Where(e => (bool?)e!["conditions"]!["ready"] != true).Select(Address).ToList();
            if (ready.Count > 0) subset["addresses"] = new JsonArray([.. ready]);
            if (notReady.Count > 0) subset["notReadyAddresses"] = new JsonArray([.. notReady]);
            subset["ports"] = new JsonArray([.. slice["ports"]!.AsArray().Where(p => p!["port"] is not null).Select(p => p!.DeepClone())]);
            subsets.Add(subset);
        }
        var endpointsObject = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = service, ["namespace"] = ns },
        };
        if (subsets.Count > 0) endpointsObject["subsets"] = subsets;
        return endpointsObject;
    }

    private static IEnumerable<JsonObject> DeriveSlices(IReadOnlyList<JsonObject> services, IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> existingSlices)
    {
        var declared = existingSlices
            .Select(s => ((string?)s["metadata"]?["namespace"] ?? "", (string?)s["metadata"]?["labels"]?[ServiceNameLabel]))
            .Where(k => k.Item2 is not null).ToHashSet();
        var podsByNs = pods.GroupBy(p => (string?)p["metadata"]?["namespace"] ?? "").ToDictionary(g => g.Key, g => g.ToList());
        foreach (var svc in services)
        {
            var ns = (string?)svc["metadata"]?["namespace"] ?? "";
            var name = (string?)svc["metadata"]?["name"] ?? "";
            if (declared.Contains((ns, name)) || (string?)svc["spec"]?["type"] == "ExternalName") continue;
            if (svc["spec"]?["selector"] is not JsonObject selector || selector.Count == 0) continue;
            var publishNotReady = svc["spec"]?["publishNotReadyAddresses"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
            var groups = new Dictionary<string, (JsonArray Ports, JsonArray Endpoints)>(StringComparer.Ordinal);
            foreach (var pod in podsByNs.GetValueOrDefault(ns) ?? [])
            {
                if (!Selects(selector, pod["metadata"]?["labels"] as JsonObject)) continue;
                var ip = (string?)pod["status"]?["podIP"];
                var phase = (string?)pod["status"]?["phase"];
                if (string.IsNullOrEmpty(ip) || phase is "Succeeded" or "Failed" || string.IsNullOrEmpty((string?)pod["spec"]?["nodeName"])) continue;
                var ports = PortsFor(svc, pod);
                var key = ports.ToJsonString();
                if (!groups.TryGetValue(key, out var group)) groups[key] = group = (ports, []);
                var terminating = pod["metadata"]?["deletionTimestamp"] is not null;
                var ready = !terminating && (publishNotReady || IsReady(pod));
                group.Endpoints.Add(new JsonObject
                {
                    ["addresses"] = new JsonArray(ip),
                    ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = publishNotReady || IsReady(pod), ["terminating"] = terminating },
                    ["nodeName"] = (string?)pod["spec"]?["nodeName"],
                    ["targetRef"] = new JsonObject
                    {
                        ["kind"] = "Pod", ["namespace"] = ns, ["name"] = (string?)pod["metadata"]?["name"], ["uid"] = Uid(pod, "Pod"),
                    },
                });
            }
            // A Service selecting nothing still has one empty slice, as the controller keeps it.
            if (groups.Count == 0) groups[""] = (PortsFor(svc, null), []);
            var i = 0;
            foreach (var (ports, endpoints) in groups.Values)
                yield return Slice(ns, name, Uid(svc, "Service"), i++, ports, endpoints);
        }
    }

    /// <summary>The object's uid, or the one the loader will give it.</summary>
    private static string Uid(JsonObject obj, string kind) => (string?)obj["metadata"]?["uid"]
        ?? Scenarios.ScenarioLoader.DeterministicUid("v1", kind, (string?)obj["metadata"]?["namespace"] ?? "", (string?)obj["metadata"]?["name"] ?? "");

    private static JsonObject Slice(string ns, string service, string serviceUid, int index, JsonArray ports, JsonArray endpoints)
    {
        var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}/{service}/{index}")))[..5];
        var meta = new JsonObject
        {
            ["name"] = $"{(service.Length > 57 ? service[..57] : service)}-{suffix}",
            ["namespace"] = ns,
            ["generateName"] = service + "-",
            ["labels"] = new JsonObject { [ServiceNameLabel] = service, ["endpointslice.kubernetes.io/managed-by"] = ManagedBy },
        };
        meta["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Service", ["name"] = service, ["uid"] = serviceUid, ["controller"] = true, ["blockOwnerDeletion"] = true,
            });
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice", ["metadata"] = meta,
            ["addressType"] = "IPv4", ["endpoints"] = endpoints, ["ports"] = ports,
        };
    }

    /// <summary>The Service's ports as resolved for one pod (a named targetPort the pod does not declare is left out).</summary>
    private static JsonArray PortsFor(JsonObject svc, JsonObject? pod)
    {
        var result = new JsonArray();
        foreach (var p in svc["spec"]?["ports"] as JsonArray ?? [])
        {
            if (p is not JsonObject port) continue;
            var protocol = (string?)port["protocol"] ?? "TCP";
            int? number;
            var target = port["targetPort"] ?? port["port"];
            if (target is JsonValue t && t.GetValueKind() == JsonValueKind.String && !int.TryParse((string?)t, out _))
            {
                number = pod is null ? null : NamedPort(pod, (string)t!, protocol);
                if (number is null && pod is not null) continue;
            }
            else number = target is JsonValue tv ? int.TryParse(tv.ToString(), out var n) ? n : null : null;
            var entry = new JsonObject { ["name"] = (string?)port["name"] ?? "", ["protocol"] = protocol };
            if (number is not null) entry["port"] = number;
            result.Add(entry);
        }
        return result;
    }

    private static int? NamedPort(JsonObject pod, string name, string protocol)
    {
        foreach (var c in pod["spec"]?["containers"] as JsonArray ?? [])
        foreach (var p in c?["ports"] as JsonArray ?? [])
            if ((string?)p?["name"] == name && ((string?)p?["protocol"] ?? "TCP") == protocol && p?["containerPort"] is JsonValue cp && int.TryParse(cp.ToString(), out var n))
                return n;
        return null;
    }

    private static bool IsReady(JsonObject pod)
    {
        if (pod["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c?["type"] == "Ready"))
            return conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");
        var statuses = pod["status"]?["containerStatuses"] as JsonArray;
        return (string?)pod["status"]?["phase"] == "Running" && statuses is { Count: > 0 }
            && statuses.All(s => s?["ready"] is JsonValue r && r.GetValueKind() == JsonValueKind.True);
    }

    private static bool Selects(JsonObject selector, JsonObject? labels) =>
        labels is not null && selector.All(kv => labels[kv.Key] is JsonValue v && v.ToString() == kv.Value?.ToString());
}
