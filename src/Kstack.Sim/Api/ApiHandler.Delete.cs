using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

/// <summary>
/// DELETE as the API server does it: DeleteOptions preconditions (uid, resourceVersion) answered with 409 Conflict,
/// finalizers keeping the object (deletionTimestamp set) until they are gone, and the deleted object (pods) or a
/// Success Status (other kinds) in the answer.
/// </summary>
internal sealed partial class ApiHandler
{
    /// <summary>HttpContext.Items keys the audit log reads: the UID a DELETE addressed and the UID its precondition named.</summary>
    public const string AuditUidKey = "kstack-sim.uid";
    public const string AuditPreconditionUidKey = "kstack-sim.precondition-uid";

    private async Task Delete(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        string? wantUid = null, wantRv = null;
        using (var sr = new StreamReader(ctx.Request.Body, Encoding.UTF8))
        {
            var text = await sr.ReadToEndAsync(ctx.RequestAborted);
            if (text.Trim().Length > 0)
            {
                JsonObject? options;
                try { options = JsonNode.Parse(text) as JsonObject; }
                catch (JsonException) { options = null; }
                if (options is null)
                {
                    await WriteStatus(res, StatusError.BadRequest("the object provided is unrecognized (must be of type DeleteOptions): couldn't decode the request body"));
                    return;
                }
                if (options["preconditions"] is JsonObject pre)
                {
                    wantUid = pre["uid"] is JsonValue u && u.TryGetValue<string>(out var us) ? us : null;
                    wantRv = pre["resourceVersion"] is JsonValue r && r.TryGetValue<string>(out var rs) ? rs : null;
                }
            }
        }
        if (wantUid is not null) ctx.Items[AuditPreconditionUidKey] = wantUid;
        var existing = store.Get(type).Current.Find(info.Namespace, info.Name);
        if (existing == null) { await WriteStatus(res, StatusError.NotFound(type.Plural, type.Group, info.Name)); return; }
        ctx.Items[AuditUidKey] = existing.Uid;
        if (PreconditionFailure(type, existing, wantUid, wantRv) is { } conflict) { await WriteStatus(res, conflict); return; }
        // Checked again under the store's write lock: the object may have been replaced or changed since.
        void Check(StoredObject o)
        {
            if (PreconditionFailure(type, o, wantUid, wantRv) is { } failed) throw new ConflictException(failed);
        }

        var node = JsonNode.Parse(existing.Json)!.AsObject();
        var meta = node["metadata"]!.AsObject();
        var pending = meta["finalizers"] is JsonArray { Count: > 0 };
        if (DryRun(ctx.Request))
        {
            if (pending || type.Kind == "Pod") { res.Start(200, "application/json"); res.Write(existing.Json); }
            else await WriteDeleted(res, type, existing);
            return;
        }
        if (pending)
        {
            // Finalizers keep the object: it is only marked, once; a repeated delete returns it unchanged.
            if (meta["deletionTimestamp"] is not null) { res.Start(200, "application/json"); res.Write(existing.Json); return; }
            var now = RelativeTime.Format(clock());
            try
            {
                var marked = store.Update(type, info.Namespace, info.Name, (o, rv) =>
                {
                    Check(o);
                    var copy = JsonNode.Parse(o.Json)!.AsObject();
                    var m = copy["metadata"]!.AsObject();
                    m["deletionTimestamp"] = now;
                    m["deletionGracePeriodSeconds"] = 0;
                    m["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                    return StoredObject.FromJson(JsonSerializer.SerializeToUtf8Bytes(copy, ScenarioLoader.JsonOptions), type.Kind);
                });
                if (marked == null) { await WriteStatus(res, StatusError.NotFound(type.Plural, type.Group, info.Name)); return; }
                res.Start(200, "application/json");
                res.Write(marked.Json);
            }
            catch (ConflictException e)
            {
                await WriteStatus(res, e.Status);
            }
            return;
        }
        var stamp = RelativeTime.Format(clock());
        StoredObject? removed;
        try
        {
            removed = store.Remove(type, info.Namespace, info.Name, (o, rv) =>
            {
                var copy = JsonNode.Parse(o.Json)!.AsObject();
                var m = copy["metadata"]!.AsObject();
                m["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                if (type.Kind == "Pod" && m["deletionTimestamp"] is null)
                {
                    m["deletionTimestamp"] = stamp;
                    m["deletionGracePeriodSeconds"] = 0;
                }
                return StoredObject.FromJson(JsonSerializer.SerializeToUtf8Bytes(copy, ScenarioLoader.JsonOptions), type.Kind);
            }, Check);
        }
        catch (ConflictException e)
        {
            await WriteStatus(res, e.Status);
            return;
        }
        if (removed == null) { await WriteStatus(res, StatusError.NotFound(type.Plural, type.Group, info.Name)); return; }
        if (type.Kind == "Pod") { res.Start(200, "application/json"); res.Write(removed.Json); }
        else await WriteDeleted(res, type, removed);
    }

    /// <summary>The 409 a real API server answers when a precondition does not hold (rest.BeforeDelete's wording).</summary>
    private static StatusError? PreconditionFailure(ResourceType type, StoredObject o, string? uid, string? rv)
    {
        var what = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        string? why = null;
        if (uid is not null && uid != o.Uid)
            why = $"the UID in the precondition ({uid}) does not match the UID in record ({o.Uid}). The object might have been deleted and then recreated";
        else if (rv is not null && rv != o.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            why = $"the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({o.ResourceVersion}). The object might have been modified";
        return why is null ? null
            : new StatusError(409, "Conflict", $"Operation cannot be fulfilled on {what} \"{o.Name}\": {why}", o.Name, type.Group.Length > 0 ? type.Group : null, type.Kind);
    }

    /// <summary>The Success Status a delete of a kind that does not return the deleted object answers with.</summary>
    private static async Task WriteDeleted(Responder res, ResourceType type, StoredObject o)
    {
        await WriteJson(res, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "Status");
            w.WriteString("apiVersion", "v1");
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteString("status", "Success");
            w.WriteStartObject("details");
            w.WriteString("name", o.Name);
            if (type.Group.Length > 0) w.WriteString("group", type.Group);
            w.WriteString("kind", type.Plural);
            w.WriteString("uid", o.Uid);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private sealed class ConflictException(StatusError status) : Exception(status.Message)
    {
        public StatusError Status { get; } = status;
    }
}
