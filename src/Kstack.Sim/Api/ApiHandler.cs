using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Logs;
using Kstack.Sim.Rbac;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

/// <summary>The authenticated caller.</summary>
internal sealed record Identity(string User, IReadOnlyList<string> Groups);

/// <summary>Serves the Kubernetes API over the store: discovery, list/get/watch, create/delete, logs, reviews.</summary>
internal sealed partial class ApiHandler(ObjectStore store, Authorizer authorizer, LogStore logs, ClusterSettings cluster, Func<DateTimeOffset> clock)
{
    private ResourceRegistry Registry => store.Registry;

    /// <summary>Cancelled when the server stops, so watches and log follows end promptly.</summary>
    public CancellationToken Stopping { get; init; }

    public async Task HandleAsync(HttpContext ctx, RequestInfo info, Identity id, Responder res)
    {
        var req = ctx.Request;
        var path = req.Path.Value ?? "/";
        try
        {
            if (!info.IsResourceRequest)
            {
                if (!authorizer.Authorize(new RequestAttributes { User = id.User, Groups = id.Groups, Verb = info.Verb, IsResourceRequest = false, Path = path }))
                {
                    await WriteStatus(res, new StatusError(403, "Forbidden", Authorizer.ForbiddenMessage(new RequestAttributes
                        { User = id.User, Groups = id.Groups, Verb = info.Verb, IsResourceRequest = false, Path = path })));
                    return;
                }
                await NonResource(ctx, path, res);
                return;
            }
            var type = info.Type;
            if (type == null)
            {
                await WriteStatus(res, StatusError.NotFoundPath());
                return;
            }
            if (IsServiceProxy(info))
            {
                await ServiceProxy(ctx, info, id, res);
                return;
            }
            var attrs = new RequestAttributes
            {
                User = id.User, Groups = id.Groups, Verb = info.Verb, ApiGroup = info.Group, Resource = info.Plural, Subresource = info.Subresource,
                Name = info.Name, Namespace = info.Namespace,
            };
            if (!authorizer.Authorize(attrs))
            {
                await WriteStatus(res, new StatusError(403, "Forbidden", Authorizer.ForbiddenMessage(attrs), info.Name.Length > 0 ? info.Name : null,
                    info.Group.Length > 0 ? info.Group : null, info.Plural));
                return;
            }
            if (info.Namespace.Length > 0 && !type.Namespaced)
            {
                await WriteStatus(res, StatusError.NotFoundPath());
                return;
            }
            if (type.Virtual)
            {
                if (info.Verb != "create") { await WriteStatus(res, StatusError.MethodNotAllowed($"the server does not allow this method on the requested resource")); return; }
                await Review(ctx, type, id, info, res);
                return;
            }
            if (Metrics.MetricsObjects.IsMetricsType(type) && (info.Subresource.Length > 0 || !type.Verbs.Contains(info.Verb)))
            {
                await WriteStatus(res, StatusError.MethodNotAllowed("the server does not allow this method on the requested resource"));
                return;
            }
            switch (info.Verb)
            {
                case "list": await List(ctx, type, info, res); break;
                case "watch": await Watch(ctx, type, info, res); break;
                case "get" when info.Subresource == "log" && type.Kind == "Pod" && type.Group == "": await PodLog(ctx, info, res); break;
                case "get" or "create" when info.Subresource is "exec" or "attach" && type.Kind == "Pod" && type.Group == "":
                    await new Exec.ExecEndpoint(store, authorizer).HandleAsync(ctx, info, id, res, Stopping);
                    break;
                case "get" when info.Subresource is "" or "status": await Get(ctx, type, info, res); break;
                case "create" when info.Subresource == "" && type.ViewOf == null: await Create(ctx, type, info, res); break;
                case "create" when info.Subresource == "token" && type.Kind == "ServiceAccount" && type.Group == "": await TokenRequest(ctx, info, res); break;
                case "delete" when info.Subresource == "" && type.ViewOf == null: await Delete(ctx, type, info, res); break;
                case "patch" when info.Subresource == "ephemeralcontainers" && type.Kind == "Pod" && type.Group == "":
                    await PatchEphemeralContainers(ctx, type, info, res);
                    break;
                default:
                    await WriteStatus(res, StatusError.MethodNotAllowed("the server does not allow this method on the requested resource"));
                    break;
            }
        }
        catch (BadRequestException e)
        {
            await WriteStatus(res, StatusError.BadRequest(e.Message));
        }
    }

    public static async Task WriteStatus(Responder res, StatusError s)
    {
        res.Start(s.Code, "application/json");
        await using (var w = res.Json()) s.Write(w);
    }

    private static async Task WriteJson(Responder res, int code, Action<Utf8JsonWriter> write)
    {
        res.Start(code, "application/json");
        await using var w = res.Json();
        write(w);
    }

    // ---------------------------------------------------------------- non-resource

    private async Task NonResource(HttpContext ctx, string path, Responder res)
    {
        path = path.TrimEnd('/');
        if (path.Length == 0) path = "/";
        switch (path)
        {
            case "/version":
                var parts = cluster.GitVersion.TrimStart('v').Split('.', '-', '+');
                await WriteJson(res, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("major", parts[0]);
                    w.WriteString("minor", parts[1]);
                    w.WriteString("gitVersion", cluster.GitVersion);
                    w.WriteString("gitCommit", "0000000000000000000000000000000000000000");
                    w.WriteString("gitTreeState", "clean");
                    w.WriteString("buildDate", "2024-10-22T20:28:14Z");
                    w.WriteString("goVersion", "go1.22.8");
                    w.WriteString("compiler", "gc");
                    w.WriteString("platform", cluster.Platform);
                    w.WriteEndObject();
                });
                return;
            case "/healthz" or "/readyz" or "/livez":
                res.Start(200, "text/plain; charset=utf-8");
                res.Write("ok"u8);
                return;
            case "/api" or "/apis" when WantsAggregated(ctx.Request.Headers.Accept):
                await WriteAggregatedDiscovery(res, core: path == "/api");
                return;
            case "/api":
                await WriteJson(res, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "APIVersions");
                    w.WriteStartArray("versions");
                    w.WriteStringValue("v1");
                    w.WriteEndArray();
                    w.WriteStartArray("serverAddressByClientCIDRs");
                    w.WriteStartObject();
                    w.WriteString("clientCIDR", "0.0.0.0/0");
                    w.WriteString("serverAddress", $"{ctx.Request.Host}");
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return;
            case "/apis":
                await WriteJson(res, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "APIGroupList");
                    w.WriteString("apiVersion", "v1");
                    w.WriteStartArray("groups");
                    foreach (var g in Registry.GroupVersions.Where(gv => gv.Group.Length > 0).GroupBy(gv => gv.Group)) WriteGroup(w, g.Key, g.Select(x => x.Version).ToList());
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return;
            case "/api/v1":
                await WriteResourceList(res, "", "v1");
                return;
        }
        var seg = path.Trim('/').Split('/');
        if (seg.Length == 2 && seg[0] == "apis")
        {
            var versions = Registry.GroupVersions.Where(gv => gv.Group == seg[1]).Select(gv => gv.Version).ToList();
            if (versions.Count > 0)
            {
                await WriteJson(res, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("kind", "APIGroup");
                    w.WriteString("apiVersion", "v1");
                    WriteGroupBody(w, seg[1], versions);
                    w.WriteEndObject();
                });
                return;
            }
        }
        if (seg.Length == 3 && seg[0] == "apis" && Registry.GroupVersions.Contains((seg[1], seg[2])))
        {
            await WriteResourceList(res, seg[1], seg[2]);
            return;
        }
        await WriteStatus(res, StatusError.NotFoundPath());
    }

    private const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>True when the client accepts aggregated discovery (apidiscovery.k8s.io/v2) before plain JSON.</summary>
    private static bool WantsAggregated(string? accept)
    {
        if (string.IsNullOrEmpty(accept)) return false;
        foreach (var raw in accept.Split(','))
        {
            var p = raw.Replace(" ", "");
            if (p.Contains("as=APIGroupDiscoveryList") && p.Contains("g=apidiscovery.k8s.io") && p.Contains("v=v2") && !p.Contains("v=v2beta1")) return true;
            if (p.StartsWith("application/json", StringComparison.Ordinal) && !p.Contains("as=")) return false;
            if (p.StartsWith("*/*", StringComparison.Ordinal)) return false;
        }
        return false;
    }

    /// <summary>Aggregated discovery: every group, version and resource in one document, as kubectl asks for first.</summary>
    private async Task WriteAggregatedDiscovery(Responder res, bool core)
    {
        res.Start(200, AggregatedContentType);
        await using var w = res.Json();
        w.WriteStartObject();
        w.WriteString("kind", "APIGroupDiscoveryList");
        w.WriteString("apiVersion", "apidiscovery.k8s.io/v2");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var g in Registry.GroupVersions.Where(gv => (gv.Group.Length == 0) == core).GroupBy(gv => gv.Group))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            w.WriteString("name", g.Key);
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var (group, version) in g)
            {
                w.WriteStartObject();
                w.WriteString("version", version);
                w.WriteStartArray("resources");
                foreach (var t in Registry.InGroupVersion(group, version))
                {
                    w.WriteStartObject();
                    w.WriteString("resource", t.Plural);
                    WriteResponseKind(w, t.Group, t.Version, t.Kind);
                    w.WriteString("scope", t.Namespaced ? "Namespaced" : "Cluster");
                    w.WriteString("singularResource", t.Singular);
                    WriteStrings(w, "verbs", t.Verbs);
                    if (t.ShortNames.Length > 0) WriteStrings(w, "shortNames", t.ShortNames);
                    if (t.Categories.Length > 0) WriteStrings(w, "categories", t.Categories);
                    if (t.Subresources.Length > 0)
                    {
                        w.WriteStartArray("subresources");
                        foreach (var sub in t.Subresources)
                        {
                            var (kind, verbs) = SubresourceShape(t, sub);
                            w.WriteStartObject();
                            w.WriteString("subresource", sub);
                            if (sub == "scale") WriteResponseKind(w, "autoscaling", "v1", kind);
                            else WriteResponseKind(w, sub == "eviction" ? "policy" : sub == "token" ? "authentication.k8s.io" : t.Group, t.Version, kind);
                            WriteStrings(w, "verbs", verbs);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("freshness", "Current");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteResponseKind(Utf8JsonWriter w, string group, string version, string kind)
    {
        w.WriteStartObject("responseKind");
        w.WriteString("group", group);
        w.WriteString("version", version);
        w.WriteString("kind", kind);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static (string Kind, string[] Verbs) SubresourceShape(ResourceType t, string sub) => sub switch
    {
        "log" => ("Pod", ["get"]),
        "exec" => ("PodExecOptions", ["create", "get"]),
        "attach" => ("PodAttachOptions", ["create", "get"]),
        "proxy" => (t.Kind + "ProxyOptions", ["create", "delete", "get", "patch", "update"]),
        "scale" => ("Scale", ["get", "patch", "update"]),
        "eviction" => ("Eviction", ["create"]),
        "token" => ("TokenRequest", ["create"]),
        _ => (t.Kind, ["get", "patch", "update"]),
    };

    private static void WriteGroup(Utf8JsonWriter w, string group, List<string> versions)
    {
        w.WriteStartObject();
        WriteGroupBody(w, group, versions);
        w.WriteEndObject();
    }

    private static void WriteGroupBody(Utf8JsonWriter w, string group, List<string> versions)
    {
        w.WriteString("name", group);
        w.WriteStartArray("versions");
        foreach (var v in versions)
        {
            w.WriteStartObject();
            w.WriteString("groupVersion", group + "/" + v);
            w.WriteString("version", v);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("preferredVersion");
        w.WriteString("groupVersion", group + "/" + versions[0]);
        w.WriteString("version", versions[0]);
        w.WriteEndObject();
    }

    private Task WriteResourceList(Responder res, string group, string version) => WriteJson(res, 200, w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", "APIResourceList");
        w.WriteString("apiVersion", "v1");
        w.WriteString("groupVersion", group.Length == 0 ? version : group + "/" + version);
        w.WriteStartArray("resources");
        foreach (var t in Registry.InGroupVersion(group, version))
        {
            w.WriteStartObject();
            w.WriteString("name", t.Plural);
            w.WriteString("singularName", t.Singular);
            w.WriteBoolean("namespaced", t.Namespaced);
            w.WriteString("kind", t.Kind);
            w.WriteStartArray("verbs");
            foreach (var v in t.Verbs) w.WriteStringValue(v);
            w.WriteEndArray();
            if (t.ShortNames.Length > 0)
            {
                w.WriteStartArray("shortNames");
                foreach (var s in t.ShortNames) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            if (t.Categories.Length > 0)
            {
                w.WriteStartArray("categories");
                foreach (var s in t.Categories) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            foreach (var sub in t.Subresources)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Plural + "/" + sub);
                w.WriteString("singularName", "");
                w.WriteBoolean("namespaced", t.Namespaced);
                var (subKind, subVerbs) = SubresourceShape(t, sub);
                w.WriteString("kind", subKind);
                if (sub == "scale") { w.WriteString("group", "autoscaling"); w.WriteString("version", "v1"); }
                WriteStrings(w, "verbs", subVerbs);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    // ---------------------------------------------------------------- reads

    private sealed record ContinueToken(long Rv, string Ns, string Name);

    private static string EncodeContinue(long rv, StoredObject last) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = last.Namespace + "\0" + last.Name + "\0",
        }));

    private static ContinueToken DecodeContinue(string token)
    {
        try
        {
            var bytes = Convert.FromBase64String(token);
            using var doc = JsonDocument.Parse(bytes);
            var r = doc.RootElement;
            if (r.GetProperty("v").GetString() != "meta.k8s.io/v1") throw new FormatException();
            var rv = r.GetProperty("rv").GetInt64();
            var parts = r.GetProperty("start").GetString()!.Split('\0');
            if (parts.Length != 3 || rv <= 0) throw new FormatException();
            return new ContinueToken(rv, parts[0], parts[1]);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BadRequestException("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }

    private (LabelSelector Labels, FieldSelector Fields) Selectors(HttpRequest req, ResourceType type) =>
        (LabelSelector.Parse(req.Query["labelSelector"]),
            FieldSelector.Parse(req.Query["fieldSelector"], (type.ViewOf ?? type).Kind, type.ViewOf != null ? EventConversion.MapField : null));

    private async Task List(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        var req = ctx.Request;
        var rep = Accept.Negotiate(req.Headers.Accept, isList: true);
        if (rep == Representation.NotAcceptable) { await NotAcceptable(res); return; }
        var (labels, fields) = Selectors(req, type);
        var limit = 0;
        if (req.Query["limit"] is { Count: > 0 } ls && !int.TryParse(ls, out limit)) throw new BadRequestException($"invalid limit: {ls}");
        var collection = store.Get(type);
        Snapshot snap;
        int start, end;
        string ns = info.Namespace.Length > 0 ? info.Namespace : fields.Exact("metadata.namespace") ?? "";
        string? cont = req.Query["continue"];
        if (!string.IsNullOrEmpty(cont))
        {
            var token = DecodeContinue(cont);
            snap = collection.SnapshotAt(token.Rv) ?? throw new ExpiredException();
            (start, end) = snap.NamespaceRange(ns.Length > 0 ? ns : null);
            start = Math.Max(start, snap.LowerBound(token.Ns, token.Name + "\0"));
        }
        else
        {
            snap = collection.Current;
            (start, end) = snap.NamespaceRange(ns.Length > 0 ? ns : null);
        }
        var now = clock();
        var items = snap.Items;
        var noFilter = labels.IsEmpty && fields.IsEmpty;
        res.Start(200, "application/json");
        var w = res.Json();
        await using var _ = w;
        w.WriteStartObject();
        var includeObject = req.Query["includeObject"].ToString();
        Tables.Column[]? columns = null;
        switch (rep)
        {
            case Representation.Table:
                w.WriteString("kind", "Table");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
                break;
            case Representation.PartialMetadataList:
                w.WriteString("kind", "PartialObjectMetadataList");
                w.WriteString("apiVersion", "meta.k8s.io/v1");
                break;
            default:
                w.WriteString("kind", type.ListKind);
                w.WriteString("apiVersion", type.ApiVersion);
                break;
        }
        // Metadata is written after the items are known; collect the page first (O(page) references).
        var page = new List<StoredObject>(limit > 0 ? Math.Min(limit, 1024) : 256);
        StoredObject? last = null;
        var i = start;
        var more = false;
        for (; i < end; i++)
        {
            var o = items[i];
            if (!noFilter && !(labels.Matches(o) && fields.Matches(o))) continue;
            if (limit > 0 && page.Count == limit) { more = true; break; }
            page.Add(o);
            last = o;
            if (limit == 0 && page.Count >= 4096)
            {
                // Unlimited lists stream in bounded batches instead of holding the whole result.
                i++;
                break;
            }
        }
        var unlimitedStreaming = limit == 0 && i < end;
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", snap.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        if (more && last != null)
        {
            w.WriteString("continue", EncodeContinue(snap.ResourceVersion, last));
            if (noFilter) w.WriteNumber("remainingItemCount", end - i);
        }
        w.WriteEndObject();
        if (rep == Representation.Table)
        {
            columns = Tables.Columns(type);
            WriteColumns(w, columns);
            w.WriteStartArray("rows");
        }
        else w.WriteStartArray("items");
        async Task Emit(List<StoredObject> batch)
        {
            var n = 0;
            foreach (var o in batch)
            {
                WriteItem(w, type, o, rep, includeObject, now);
                if (++n % 32 == 0) await res.FlushAsync(w, ct: ctx.RequestAborted);
            }
        }
        await Emit(page);
        if (unlimitedStreaming)
        {
            page.Clear();
            for (; i < end; i++)
            {
                var o = items[i];
                if (!noFilter && !(labels.Matches(o) && fields.Matches(o))) continue;
                page.Add(o);
                if (page.Count == 4096) { await Emit(page); page.Clear(); }
            }
            await Emit(page);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }

    private static void WriteColumns(Utf8JsonWriter w, Tables.Column[] columns)
    {
        w.WriteStartArray("columnDefinitions");
        foreach (var c in columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("type", c.Type);
            w.WriteString("format", c.Format);
            w.WriteString("description", c.Description);
            w.WriteNumber("priority", c.Priority);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WritePartial(Utf8JsonWriter w, StoredObject o)
    {
        w.WriteStartObject();
        w.WriteString("kind", "PartialObjectMetadata");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WritePropertyName("metadata");
        w.WriteRawValue(o.Metadata, true);
        w.WriteEndObject();
    }

    private static void WriteFull(Utf8JsonWriter w, ResourceType type, StoredObject o)
    {
        if (type.ViewOf != null) EventConversion.Write(w, o);
        else w.WriteRawValue(o.Json, true);
    }

    private static void WriteItem(Utf8JsonWriter w, ResourceType type, StoredObject o, Representation rep, string includeObject, DateTimeOffset now)
    {
        switch (rep)
        {
            case Representation.Table:
                w.WriteStartObject();
                w.WriteStartArray("cells");
                Tables.WriteCells(w, type, o, now);
                w.WriteEndArray();
                if (includeObject != "None")
                {
                    w.WritePropertyName("object");
                    if (includeObject == "Object") WriteFull(w, type, o); else WritePartial(w, o);
                }
                w.WriteEndObject();
                break;
            case Representation.PartialMetadataList:
            case Representation.PartialMetadata:
                WritePartial(w, o);
                break;
            default:
                WriteFull(w, type, o);
                break;
        }
    }

    private sealed class ExpiredException() : Exception(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");

    public async Task HandleExpiredAsync(Responder res, Exception e) =>
        await WriteStatus(res, new StatusError(410, "Expired", e.Message));

    public static bool IsExpired(Exception e) => e is ExpiredException;

    private static Task NotAcceptable(Responder res) =>
        WriteStatus(res, new StatusError(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"));

    private async Task Get(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        var rep = Accept.Negotiate(ctx.Request.Headers.Accept, isList: false);
        if (rep == Representation.NotAcceptable) { await NotAcceptable(res); return; }
        var o = store.Get(type).Current.Find(info.Namespace, info.Name);
        if (o == null) { await WriteStatus(res, StatusError.NotFound(type.Plural, type.Group, info.Name)); return; }
        res.Start(200, "application/json");
        await using var w = res.Json();
        if (rep == Representation.Table) WriteSingleRowTable(w, type, o, withColumns: true, ctx.Request.Query["includeObject"].ToString());
        else WriteItem(w, type, o, rep, "", clock());
    }

    /// <summary>A meta.k8s.io/v1 Table holding one object's row (column definitions only when asked for).</summary>
    private void WriteSingleRowTable(Utf8JsonWriter w, ResourceType type, StoredObject o, bool withColumns, string includeObject)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", o.ResourceVersion.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        if (withColumns) WriteColumns(w, Tables.Columns(type));
        w.WriteStartArray("rows");
        WriteItem(w, type, o, Representation.Table, includeObject, clock());
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- watch

    private async Task Watch(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        var req = ctx.Request;
        var rep = Accept.Negotiate(req.Headers.Accept, isList: true);
        if (rep == Representation.NotAcceptable) { await NotAcceptable(res); return; }
        var (labels, fields) = Selectors(req, type);
        string ns = info.Namespace.Length > 0 ? info.Namespace : fields.Exact("metadata.namespace") ?? "";
        long? since = null;
        var rvParam = req.Query["resourceVersion"].ToString();
        if (rvParam.Length > 0 && rvParam != "0")
        {
            if (!long.TryParse(rvParam, out var rv)) throw new BadRequestException($"invalid resource version: {rvParam}");
            since = rv;
        }
        var timeout = TimeSpan.FromMinutes(30);
        if (int.TryParse(req.Query["timeoutSeconds"], out var ts) && ts > 0) timeout = TimeSpan.FromSeconds(ts);
        var (snap, backlog, reader, sub) = store.Get(type).Watch(since);
        using var _ = sub;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
        cts.CancelAfter(timeout);
        res.Start(200, "application/json");
        var w = res.Json();
        await using var __ = w;
        var includeObject = req.Query["includeObject"].ToString();
        var first = true;
        bool Match(StoredObject o) => (ns.Length == 0 || o.Namespace == ns) && labels.Matches(o) && fields.Matches(o);
        async Task Send(string evType, StoredObject o)
        {
            w.Reset();
            w.WriteStartObject();
            w.WriteString("type", evType);
            w.WritePropertyName("object");
            if (rep == Representation.Table)
            {
                WriteSingleRowTable(w, type, o, withColumns: first, includeObject);
                first = false;
            }
            else WriteItem(w, type, o, rep == Representation.PartialMetadataList ? Representation.PartialMetadata : rep, includeObject, clock());
            w.WriteEndObject();
            w.Flush();
            res.Write("\n"u8);
            await res.FlushAsync(force: true, ct: cts.Token);
        }
        try
        {
            if (since == null)
            {
                var (s, e) = snap.NamespaceRange(ns.Length > 0 ? ns : null);
                for (var i = s; i < e; i++) if (Match(snap.Items[i])) await Send("ADDED", snap.Items[i]);
                await res.FlushAsync(force: true, ct: cts.Token);
            }
            else if (backlog == null)
            {
                w.Reset();
                w.WriteStartObject();
                w.WriteString("type", "ERROR");
                w.WritePropertyName("object");
                new StatusError(410, "Expired", $"too old resource version: {since} ({snap.ResourceVersion})").Write(w);
                w.WriteEndObject();
                w.Flush();
                res.Write("\n"u8);
                return;
            }
            else
            {
                foreach (var ev in backlog) if (Match(ev.Object)) await Send(ev.Type, ev.Object);
                await res.FlushAsync(force: true, ct: cts.Token);
            }
            var sent = backlog?.LastOrDefault().ResourceVersion ?? snap.ResourceVersion;
            await foreach (var ev in reader.ReadAllAsync(cts.Token))
            {
                if (ev.ResourceVersion <= sent) continue;
                if (Match(ev.Object)) await Send(ev.Type, ev.Object);
            }
        }
        catch (OperationCanceledException)
        {
            // client went away or timeoutSeconds elapsed: end the stream normally
        }
    }

    // ---------------------------------------------------------------- writes

    private async Task<JsonObject?> ReadBody(HttpContext ctx, Responder res)
    {
        var ct = ctx.Request.ContentType ?? "";
        if (ct.StartsWith(ProtobufReviews.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            JsonObject? review = null;
            try { review = ProtobufReviews.Decode(buffer.ToArray()); }
            catch (FormatException) { }
            if (review is not null) return review;
            // Real servers decode protobuf for every built-in kind; the simulator only for access reviews, and says so.
            await WriteStatus(res, new StatusError(415, "UnsupportedMediaType", $"kstack-sim decodes {ProtobufReviews.MediaType} bodies only for access reviews; send application/json"));
            return null;
        }
        using var sr = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await sr.ReadToEndAsync(ctx.RequestAborted);
        try
        {
            JsonNode? node = ct.Contains("yaml", StringComparison.OrdinalIgnoreCase) ? YamlToJson.Parse(text).FirstOrDefault().Node : JsonNode.Parse(text);
            if (node is JsonObject o) return o;
        }
        catch (JsonException)
        {
        }
        await WriteStatus(res, StatusError.BadRequest("the object provided is unrecognized (must be of type Object): couldn't decode the request body"));
        return null;
    }

    private static bool DryRun(HttpRequest req) => req.Query["dryRun"].Any(v => v == "All");

    private async Task Create(HttpContext ctx, ResourceType type, RequestInfo info, Responder res)
    {
        var obj = await ReadBody(ctx, res);
        if (obj == null) return;
        if (obj["kind"] is JsonValue k && (string?)k != type.Kind || obj["apiVersion"] is JsonValue av && (string?)av != type.ApiVersion)
        {
            await WriteStatus(res, StatusError.BadRequest($"the API version in the data ({(string?)obj["apiVersion"]}) does not match the expected API version ({type.ApiVersion})"));
            return;
        }
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        if (type.Namespaced)
        {
            var bodyNs = (string?)meta["namespace"];
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != info.Namespace)
            {
                await WriteStatus(res, StatusError.BadRequest("the namespace of the provided object does not match the namespace sent on the request"));
                return;
            }
            meta["namespace"] = info.Namespace;
            var nsType = Registry.ByPlural("", "v1", "namespaces")!;
            var nsObj = store.Get(nsType).Current.Find("", info.Namespace);
            if (nsObj == null)
            {
                await WriteStatus(res, StatusError.NotFound("namespaces", "", info.Namespace));
                return;
            }
            if (type.Kind == "Pod" && type.Group == "" && Exec.PodSecurity.Check(JsonNode.Parse(nsObj.Json)?["metadata"]?["labels"] as JsonObject, obj) is { } denied)
            {
                await WriteStatus(res, new StatusError(403, "Forbidden", denied, (string?)meta["name"], null, "pods"));
                return;
            }
        }
        var name = (string?)meta["name"];
        var generate = (string?)meta["generateName"];
        if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(generate))
        {
            await WriteStatus(res, new StatusError(422, "Invalid", $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required", "", type.Group.Length > 0 ? type.Group : null, type.Kind));
            return;
        }
        var now = clock();
        var dry = DryRun(ctx.Request);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var finalName = string.IsNullOrEmpty(name) ? generate + RandomSuffix() : name!;
            meta["name"] = finalName;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = RelativeTime.Format(now);
            meta.Remove("resourceVersion");
            meta.Remove("deletionTimestamp");
            if (type.Kind == "Pod" && type.Group == "" && obj["status"] is null) obj["status"] = Exec.PodSecurity.InitialStatus(obj, now);
            if (dry)
            {
                if (store.Get(type).Current.Find(info.Namespace, finalName) != null)
                {
                    if (!string.IsNullOrEmpty(name)) { await WriteStatus(res, StatusError.AlreadyExists(type.Plural, type.Group, finalName)); return; }
                    continue;
                }
                var bytes = ScenarioLoader.Normalise(type, obj, 0, now);
                var node = JsonNode.Parse(bytes)!;
                node["metadata"]!.AsObject().Remove("resourceVersion");
                await WriteJson(res, 201, w => node.WriteTo(w));
                return;
            }
            StoredObject? stored = null;
            var ok = store.TryAdd(type, rv =>
            {
                var copy = (JsonObject)obj.DeepClone();
                copy["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                return StoredObject.FromJson(ScenarioLoader.Normalise(type, copy, rv, now), type.Kind);
            }, out stored);
            if (ok)
            {
                res.Start(201, "application/json");
                res.Write(stored!.Json);
                return;
            }
            if (!string.IsNullOrEmpty(name)) { await WriteStatus(res, StatusError.AlreadyExists(type.Plural, type.Group, finalName)); return; }
        }
        await WriteStatus(res, new StatusError(500, "InternalError", "failed to generate a unique name"));
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> c = stackalloc char[5];
        for (var i = 0; i < 5; i++) c[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(c);
    }
}
