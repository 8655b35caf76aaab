using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

internal sealed partial class ApiHandler
{
    private sealed class InvalidPatchException(StatusError status) : Exception(status.Message)
    {
        public StatusError Status { get; } = status;
    }

    /// <summary>
    /// PATCH pods/NAME/ephemeralcontainers, as `kubectl debug` sends it: a strategic-merge patch of spec.ephemeralContainers
    /// (kubectl 1.23+), or a whole Pod / JSON merge patch body carrying the list. Containers are merged by name; existing
    /// ones cannot change. New ones start running at once, as a kubelet with the image cached would report.
    /// </summary>
    private async Task PatchEphemeralContainers(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        var contentType = ctx.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.OrdinalIgnoreCase)
            && !contentType.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase)
            && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatus(res, new StatusError(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json"));
            return;
        }
        var body = await ReadBody(ctx, res);
        if (body == null) return;
        if (body["spec"]?["ephemeralContainers"] is not JsonArray patchList)
        {
            await WriteStatus(res, StatusError.BadRequest("the patch must set spec.ephemeralContainers"));
            return;
        }
        if (DryRun(ctx.Request))
        {
            await WriteStatus(res, StatusError.BadRequest("dryRun is not supported for pods/ephemeralcontainers by kstack-sim"));
            return;
        }
        var now = RelativeTime.Format(clock());
        try
        {
            var updated = store.Update(type, info.Namespace, info.Name, (current, rv) =>
            {
                var pod = JsonNode.Parse(current.Json)!.AsObject();
                MergeEphemeral(pod, patchList, info.Name, now);
                pod["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                return StoredObject.FromJson(JsonSerializer.SerializeToUtf8Bytes(pod, ScenarioLoader.JsonOptions), type.Kind);
            });
            if (updated == null) { await WriteStatus(res, StatusError.NotFound(type.Plural, type.Group, info.Name)); return; }
            res.Start(200, "application/json");
            res.Write(updated.Json);
        }
        catch (InvalidPatchException e)
        {
            await WriteStatus(res, e.Status);
        }
    }

    private static void MergeEphemeral(JsonObject pod, JsonArray patchList, string podName, string startedAt)
    {
        var spec = pod["spec"] as JsonObject ?? throw Invalid(podName, "spec: Required value");
        if ((string?)pod["status"]?["phase"] is "Succeeded" or "Failed")
            throw Invalid(podName, "spec.ephemeralContainers: Forbidden: cannot add ephemeral containers to a completed pod");
        var existing = spec["ephemeralContainers"] as JsonArray ?? [];
        spec["ephemeralContainers"] = existing;
        var taken = (spec["containers"] as JsonArray ?? []).Concat(spec["initContainers"] as JsonArray ?? [])
            .Select(c => (string?)c?["name"]).ToHashSet();
        var status = pod["status"] as JsonObject ?? [];
        pod["status"] = status;
        var statuses = status["ephemeralContainerStatuses"] as JsonArray ?? [];
        status["ephemeralContainerStatuses"] = statuses;
        for (var i = 0; i < patchList.Count; i++)
        {
            if (patchList[i] is not JsonObject c) throw Invalid(podName, $"spec.ephemeralContainers[{i}]: Invalid value: must be an object");
            var name = (string?)c["name"];
            if (string.IsNullOrEmpty(name)) throw Invalid(podName, $"spec.ephemeralContainers[{i}].name: Required value");
            if (string.IsNullOrEmpty((string?)c["image"])) throw Invalid(podName, $"spec.ephemeralContainers[{i}].image: Required value");
            if (taken.Contains(name)) throw Invalid(podName, $"spec.ephemeralContainers[{i}].name: Duplicate value: \"{name}\"");
            var old = existing.OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == name);
            if (old != null)
            {
                // Strategic merge keeps equal entries; a different one would be a change, which the API forbids.
                if (!JsonNode.DeepEquals(old, c) && !Subset(c, old))
                    throw Invalid(podName, $"spec.ephemeralContainers: Forbidden: existing ephemeral containers \"{name}\" may not be changed");
                continue;
            }
            if ((string?)c["targetContainerName"] is { } target && !(spec["containers"] as JsonArray ?? []).Any(x => (string?)x?["name"] == target))
                throw Invalid(podName, $"spec.ephemeralContainers[{i}].targetContainerName: Not found: \"{target}\"");
            existing.Add(c.DeepClone());
            statuses.Add((JsonNode)new JsonObject
            {
                ["name"] = name, ["image"] = (string?)c["image"], ["imageID"] = "", ["ready"] = false, ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = startedAt } },
            });
        }
    }

    /// <summary>True when every field of <paramref name="part"/> equals the same field of <paramref name="whole"/>.</summary>
    private static bool Subset(JsonObject part, JsonObject whole) => part.All(kv => JsonNode.DeepEquals(kv.Value, whole[kv.Key]));

    private static InvalidPatchException Invalid(string podName, string detail) =>
        new(new StatusError(422, "Invalid", $"Pod \"{podName}\" is invalid: {detail}", podName, null, "Pod"));
}
