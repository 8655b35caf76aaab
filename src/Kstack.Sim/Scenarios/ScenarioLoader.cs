using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Sim.Logs;
using Kstack.Sim.Store;

namespace Kstack.Sim.Scenarios;

/// <summary>A user a scenario defines in users.yaml.</summary>
internal sealed record SimUser(string Name, string Token, IReadOnlyList<string> Groups);

/// <summary>Cluster-wide settings from cluster.yaml.</summary>
internal sealed record ClusterSettings
{
    public string GitVersion { get; init; } = "v1.31.2";
    public string Platform { get; init; } = "linux/amd64";

    /// <summary>The instant the scenario's absolute timestamps were written for; they are shifted so it becomes start-up time.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Whether every namespace gets the kube-root-ca.crt ConfigMap and the default ServiceAccount (namespaceDefaults).</summary>
    public bool NamespaceDefaults { get; init; } = true;
}

/// <summary>Everything the scenarios hold, merged, validated and normalised, before it enters the store.</summary>
internal sealed class ScenarioData
{
    public List<(ResourceType Type, JsonObject Obj, string Origin)> Objects { get; } = [];
    public List<SimUser> Users { get; } = [];
    public List<(string Ns, string Pod, string Container, bool Previous, List<LogLine> Lines)> Logs { get; } = [];
    public ClusterSettings Cluster { get; set; } = new();
}

/// <summary>Loads scenario directories: objects, users.yaml, cluster.yaml and logs/.</summary>
internal static class ScenarioLoader
{
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> TimeKeys = new(StringComparer.Ordinal)
    {
        "creationTimestamp", "deletionTimestamp", "firstTimestamp", "lastTimestamp", "eventTime", "lastObservedTime", "startTime", "startedAt",
        "finishedAt", "lastTransitionTime", "lastProbeTime", "lastHeartbeatTime", "lastUpdateTime", "completionTime", "lastScheduleTime",
        "lastSuccessfulTime", "time", "renewTime", "acquireTime", "notBefore", "notAfter", "renewalTime",
    };

    public static ScenarioData Load(IEnumerable<ScenarioSource> sources, ResourceRegistry registry, DateTimeOffset now)
    {
        var data = new ScenarioData();
        var raw = new List<(JsonObject Obj, string File, int Doc)>();
        var sourceList = sources.ToList();
        foreach (var src in sourceList)
            foreach (var (rel, read) in src.Files)
                if (rel.ToLowerInvariant() is "cluster.yaml" or "cluster.yml") LoadCluster(data, Display(src, rel), read());
        var shift = data.Cluster.Now is { } anchor ? now - anchor : TimeSpan.Zero;
        foreach (var src in sourceList)
        {
            foreach (var (rel, read) in src.Files)
            {
                var display = Display(src, rel);
                var lower = rel.ToLowerInvariant();
                if (lower.StartsWith("logs/", StringComparison.Ordinal))
                {
                    LoadLog(data, rel, display, read(), now, shift);
                    continue;
                }
                if (!(lower.EndsWith(".yaml") || lower.EndsWith(".yml") || lower.EndsWith(".json"))) continue;
                if (lower == "users.yaml" || lower == "users.yml") { LoadUsers(data, display, read()); continue; }
                if (lower is "metrics.yaml" or "metrics.yml") continue; // usage data, loaded by Metrics/MetricsScenario
                if (lower is "alerts.yaml" or "alerts.yml") continue; // Alertmanager data, loaded by Alerts/AlertsScenario
                // cluster.yaml may also hold Kubernetes objects; its settings documents were read above.
                var settingsFile = lower is "cluster.yaml" or "cluster.yml";
                foreach (var (obj, doc) in ParseObjects(display, read(), lower.EndsWith(".json"), settingsFile ? IsSettingsDocument : null))
                    raw.Add((obj, display, doc));
            }
        }

        // CRDs first, so custom resources anywhere in the scenarios can be resolved.
        foreach (var (obj, file, doc) in raw.Where(r => (string?)r.Obj["kind"] == "CustomResourceDefinition"))
            RegisterCrd(registry, obj, file, doc);

        var seen = new Dictionary<(ResourceType, string, string), int>();
        foreach (var (obj, file, doc) in raw)
        {
            var apiVersion = obj["apiVersion"]!.GetValue<string>();
            var kind = obj["kind"]!.GetValue<string>();
            var type = registry.ByKind(apiVersion, kind)
                       ?? throw new ScenarioException(file, doc, $"unknown kind \"{kind}\" in apiVersion \"{apiVersion}\" (not a built-in resource and no CustomResourceDefinition defines it)");
            if (type.Virtual || type.ViewOf != null)
                throw new ScenarioException(file, doc, $"{kind} in {apiVersion} cannot be stored (store core v1 Events; events.k8s.io/v1 is served from them)");
            var meta = obj["metadata"] as JsonObject ?? throw new ScenarioException(file, doc, "metadata must be a mapping");
            if (meta["name"] is not JsonValue nv || nv.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(nv.GetValue<string>()))
                throw new ScenarioException(file, doc, "metadata.name is required and must be a non-empty string");
            var objName = nv.GetValue<string>();
            if (objName.Contains('/') || objName.Contains('%') || objName is "." or "..")
                throw new ScenarioException(file, doc, $"metadata.name \"{objName}\" may not contain '/' or '%' and may not be '.' or '..'");
            if (type.Namespaced)
            {
                if (meta["namespace"] is JsonValue nsv && nsv.GetValueKind() == JsonValueKind.String
                    && (nsv.GetValue<string>() is var nsName && (nsName.Length == 0 || nsName.Contains('/') || nsName.Contains('%'))))
                    throw new ScenarioException(file, doc, $"metadata.namespace \"{nsv.GetValue<string>()}\" is not a valid namespace name");
                if (meta["namespace"] is null) meta["namespace"] = "default";
                else if (meta["namespace"] is not JsonValue ns || ns.GetValueKind() != JsonValueKind.String)
                    throw new ScenarioException(file, doc, "metadata.namespace must be a string");
            }
            else meta.Remove("namespace");
            ResolveRelativeTimes(obj, now, shift, file, doc);
            CoerceStrings(obj, type);
            var key = (type, (string?)meta["namespace"] ?? "", (string)meta["name"]!);
            if (seen.TryGetValue(key, out var idx))
                data.Objects[idx] = (type, obj, $"{file} document {doc}");
            else
            {
                seen[key] = data.Objects.Count;
                data.Objects.Add((type, obj, $"{file} document {doc}"));
            }
        }
        return data;
    }

    private static string Display(ScenarioSource src, string rel) =>
        src.Name.StartsWith("builtin:", StringComparison.Ordinal) ? $"{src.Name}/{rel}" : Path.Combine(src.Name, rel);

    /// <summary>A cluster.yaml document without apiVersion and kind holds settings, not an object.</summary>
    private static bool IsSettingsDocument(JsonNode? node) => node is JsonObject o && o["apiVersion"] is null && o["kind"] is null;

    private static readonly string[] SettingKeys = ["kubernetesVersion", "platform", "now", "namespaceDefaults"];

    private static IEnumerable<(JsonObject Obj, int Doc)> ParseObjects(string file, string text, bool isJson, Func<JsonNode?, bool>? skip = null)
    {
        var docs = new List<(JsonNode? Node, int Doc)>();
        if (isJson)
        {
            try { docs.Add((JsonNode.Parse(text), 0)); }
            catch (JsonException e) { throw new ScenarioException(file, 0, $"invalid JSON: {e.Message}"); }
            if (LoneSurrogateString(text) is { } at)
                throw new ScenarioException(file, 0, $"a string holds a lone UTF-16 surrogate escape at byte {at} (an API server never serves one: Go replaces it with U+FFFD)");
        }
        else
        {
            foreach (var d in YamlToJson.Parse(text))
            {
                if (d.Error != null) throw new ScenarioException(file, d.Index, d.Error);
                docs.Add((d.Node, d.Index));
            }
        }
        var result = new List<(JsonObject, int)>();
        foreach (var (node, doc) in docs)
        {
            if (node is null || skip?.Invoke(node) == true) continue; // empty document
            if (node is not JsonObject obj) throw new ScenarioException(file, doc, "a document must be a mapping holding one Kubernetes object or a List");
            CheckHeader(obj, file, doc, "");
            if ((string)obj["kind"]! == "List" || (((string)obj["kind"]!).EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray))
            {
                if (obj["items"] is not JsonArray items) throw new ScenarioException(file, doc, "List has no items array");
                var i = 0;
                foreach (var item in items)
                {
                    if (item is not JsonObject io) throw new ScenarioException(file, doc, $"items[{i}] is not a mapping");
                    CheckHeader(io, file, doc, $"items[{i}]: ");
                    result.Add(((JsonObject)io.DeepClone(), doc));
                    i++;
                }
            }
            else result.Add((obj, doc));
        }
        return result;
    }

    /// <summary>The byte offset of the first string (value or property name) that does not decode to valid UTF-16, or null.</summary>
    private static long? LoneSurrogateString(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
            try { reader.GetString(); }
            catch (InvalidOperationException) { return reader.TokenStartIndex; }
        }
        return null;
    }

    private static void CheckHeader(JsonObject obj, string file, int doc, string where)
    {
        foreach (var f in new[] { "apiVersion", "kind" })
            if (obj[f] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty(v.GetValue<string>()))
                throw new ScenarioException(file, doc, $"{where}{f} is required and must be a non-empty string");
        if ((string)obj["kind"]! != "List" && obj["metadata"] is not JsonObject && obj["items"] is null)
            throw new ScenarioException(file, doc, $"{where}metadata is required and must be a mapping");
    }

    private static void RegisterCrd(ResourceRegistry registry, JsonObject crd, string file, int doc)
    {
        try
        {
            var spec = crd["spec"]!.AsObject();
            var group = (string)spec["group"]!;
            var names = spec["names"]!.AsObject();
            var kind = (string)names["kind"]!;
            var plural = (string)names["plural"]!;
            var singular = (string?)names["singular"] ?? kind.ToLowerInvariant();
            var shortNames = names["shortNames"]?.AsArray().Select(n => (string)n!).ToArray() ?? [];
            var categories = names["categories"]?.AsArray().Select(n => (string)n!).ToArray() ?? [];
            var namespaced = ((string?)spec["scope"] ?? "Namespaced") == "Namespaced";
            foreach (var v in spec["versions"]!.AsArray())
            {
                var vo = v!.AsObject();
                if (vo["served"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.False) continue;
                var version = (string)vo["name"]!;
                var sub = new List<string>();
                if (vo["subresources"] is JsonObject so)
                {
                    if (so.ContainsKey("status")) sub.Add("status");
                    if (so.ContainsKey("scale")) sub.Add("scale");
                }
                var columns = vo["additionalPrinterColumns"] is JsonArray apc
                    ? apc.Select(c => c!.AsObject()).Select(c => new PrinterColumn((string)c["name"]!, (string?)c["type"] ?? "string", (string?)c["format"] ?? "",
                        (string?)c["description"] ?? "", int.TryParse(c["priority"]?.ToString(), out var priority) ? priority : 0, (string)c["jsonPath"]!)).ToList()
                    : null;
                if (registry.ByPlural(group, version, plural) == null)
                    registry.Add(group, version, kind, plural, namespaced, shortNames, sub: sub.ToArray(), cat: categories, singular: singular).PrinterColumns = columns;
            }
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ScenarioException(file, doc, "CustomResourceDefinition needs spec.group, spec.names.kind, spec.names.plural, spec.scope and spec.versions[].name");
        }
    }

    private static readonly HashSet<string> QuantityMaps = new(StringComparer.Ordinal) { "requests", "limits", "capacity", "allocatable", "hard", "used" };

    /// <summary>
    /// Writes as strings what the API server always serves as strings, though YAML may type them otherwise: label and
    /// annotation values, ConfigMap and Secret data, and resource quantities (<c>cpu: 1</c> becomes <c>"1"</c>).
    /// </summary>
    private static void CoerceStrings(JsonObject obj, ResourceType type)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            StringifyValues(meta["labels"] as JsonObject);
            StringifyValues(meta["annotations"] as JsonObject);
        }
        if (type.Group == "" && type.Kind is "ConfigMap" or "Secret")
        {
            StringifyValues(obj["data"] as JsonObject);
            StringifyValues(obj["stringData"] as JsonObject);
        }
        Quantities(obj);

        static void Quantities(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var kv in o.ToList())
                    {
                        if (QuantityMaps.Contains(kv.Key) && kv.Value is JsonObject q) StringifyValues(q);
                        else Quantities(kv.Value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a) Quantities(item);
                    break;
            }
        }
    }

    private static void StringifyValues(JsonObject? map)
    {
        if (map == null) return;
        foreach (var kv in map.ToList())
        {
            if (kv.Value is JsonValue v && v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                map[kv.Key] = v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : v.GetValueKind() == JsonValueKind.True ? "true" : "false";
        }
    }

    /// <summary>
    /// Resolves relative times ("now-5m") and, when cluster.yaml sets an anchor, shifts absolute timestamps (time fields,
    /// taint timeAdded, timestamp-valued annotations) so the scenario's "now" becomes start-up time.
    /// </summary>
    private static void ResolveRelativeTimes(JsonNode? node, DateTimeOffset now, TimeSpan shift, string file, int doc, bool annotations = false)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o.ToList())
                {
                    if ((annotations || TimeKeys.Contains(kv.Key) || kv.Key == "timeAdded") && kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                    {
                        var s = v.GetValue<string>();
                        var micro = kv.Key is "eventTime" or "lastObservedTime" or "renewTime" or "acquireTime" || s.Contains('.');
                        if (RelativeTime.TryParse(s, now, out var t))
                            o[kv.Key] = micro ? RelativeTime.FormatMicro(t) : RelativeTime.Format(t);
                        else if (shift != TimeSpan.Zero && LogStore.TryParseAbsolute(s, out t))
                            o[kv.Key] = micro ? RelativeTime.FormatMicro(t + shift) : RelativeTime.Format(t + shift);
                    }
                    else ResolveRelativeTimes(kv.Value, now, shift, file, doc, kv.Key == "annotations");
                }
                break;
            case JsonArray a:
                foreach (var item in a) ResolveRelativeTimes(item, now, shift, file, doc);
                break;
        }
    }

    private static void LoadUsers(ScenarioData data, string file, string text)
    {
        var docs = YamlToJson.Parse(text).ToList();
        var err = docs.FirstOrDefault(d => d.Error != null);
        if (err.Error != null) throw new ScenarioException(file, err.Index, err.Error);
        foreach (var d in docs.Where(d => d.Node != null))
        {
            if (d.Node!["users"] is not JsonArray users) throw new ScenarioException(file, d.Index, "users.yaml must hold a 'users' list");
            var i = 0;
            foreach (var u in users)
            {
                var name = (u as JsonObject)?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
                var token = (u as JsonObject)?["token"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(token))
                    throw new ScenarioException(file, d.Index, $"users[{i}] needs a string name and token");
                if (name == "admin") throw new ScenarioException(file, d.Index, $"users[{i}]: the name \"admin\" is reserved");
                var groups = (u!["groups"] as JsonArray)?.Select(g => g?.ToString() ?? "").ToList() ?? [];
                data.Users.RemoveAll(x => x.Name == name);
                data.Users.Add(new SimUser(name, token, groups));
                i++;
            }
        }
    }

    private static void LoadCluster(ScenarioData data, string file, string text)
    {
        foreach (var d in YamlToJson.Parse(text))
        {
            if (d.Error != null) throw new ScenarioException(file, d.Index, d.Error);
            if (d.Node is null) continue;
            if (d.Node is not JsonObject o) throw new ScenarioException(file, d.Index, "cluster.yaml must be a mapping");
            if (!IsSettingsDocument(o)) continue; // a Kubernetes object: loaded with the others
            if (o.Select(p => p.Key).FirstOrDefault(k => !SettingKeys.Contains(k)) is { } unknown)
                throw new ScenarioException(file, d.Index, $"unknown setting \"{unknown}\": a cluster.yaml document holds settings ({string.Join(", ", SettingKeys)}) or a Kubernetes object with apiVersion and kind");
            var s = data.Cluster;
            if (o["kubernetesVersion"] is JsonValue kv) s = s with { GitVersion = kv.ToString() };
            if (o["platform"] is JsonValue pv) s = s with { Platform = pv.ToString() };
            if (o["namespaceDefaults"] is { } nd)
                s = s with { NamespaceDefaults = nd.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new ScenarioException(file, d.Index, "namespaceDefaults must be true or false"),
                } };
            if (o["now"] is JsonValue nowValue)
                s = s with { Now = LogStore.TryParseAbsolute(nowValue.ToString(), out var anchor) ? anchor : throw new ScenarioException(file, d.Index, "now must be an RFC 3339 time such as 2026-01-01T10:05:00Z") };
            if (!s.GitVersion.StartsWith('v') || s.GitVersion.Split('.').Length < 3)
                throw new ScenarioException(file, d.Index, "kubernetesVersion must look like v1.31.2");
            data.Cluster = s;
        }
    }

    private static void LoadLog(ScenarioData data, string rel, string file, string text, DateTimeOffset now, TimeSpan shift)
    {
        var parts = rel.Split('/');
        if (parts.Length != 4 || !parts[3].EndsWith(".log", StringComparison.Ordinal))
            throw new ScenarioException(file, null, "log files must be at logs/<namespace>/<pod>/<container>.log or <container>.previous.log");
        var fn = parts[3][..^4];
        var previous = fn.EndsWith(".previous", StringComparison.Ordinal);
        if (previous) fn = fn[..^9];
        data.Logs.RemoveAll(l => l.Ns == parts[1] && l.Pod == parts[2] && l.Container == fn && l.Previous == previous);
        data.Logs.Add((parts[1], parts[2], fn, previous, LogStore.ParseFile(text, now, shift)));
    }

    /// <summary>
    /// Fills uids (deterministically) on every object, then completes Events: a missing involvedObject.uid is taken from the
    /// object the event is about, and a missing creationTimestamp from firstTimestamp/eventTime, as a real cluster would have them.
    /// </summary>
    public static void LinkEvents(List<(ResourceType Type, JsonObject Obj, string Origin)> objects)
    {
        var uids = new Dictionary<(string Kind, string Ns, string Name), string>();
        foreach (var (type, obj, _) in objects)
        {
            var meta = (JsonObject)obj["metadata"]!;
            var ns = (string?)meta["namespace"] ?? "";
            var name = (string)meta["name"]!;
            if (meta["uid"] is null) meta["uid"] = DeterministicUid(type.ApiVersion, type.Kind, ns, name);
            uids.TryAdd((type.Kind, ns, name), meta["uid"]!.ToString());
        }
        foreach (var (type, obj, _) in objects)
        {
            if (type.Kind != "Event" || type.Group != "") continue;
            var meta = (JsonObject)obj["metadata"]!;
            if (obj["involvedObject"] is JsonObject io && io["uid"] is null && io["kind"] is JsonValue k && io["name"] is JsonValue n)
            {
                var ns = (string?)io["namespace"] ?? "";
                if (uids.TryGetValue(((string)k!, ns, (string)n!), out var uid)) io["uid"] = uid;
            }
            if (meta["creationTimestamp"] is null && (obj["firstTimestamp"] ?? obj["eventTime"]) is JsonValue first && first.GetValueKind() == JsonValueKind.String)
                meta["creationTimestamp"] = RelativeTime.Format(DateTimeOffset.Parse((string)first!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Deterministic UID from the object's identity.</summary>
    public static string DeterministicUid(string apiVersion, string kind, string ns, string name)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{apiVersion}/{kind}/{ns}/{name}"));
        h[6] = (byte)((h[6] & 0x0F) | 0x40);
        h[8] = (byte)((h[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(h.AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    /// <summary>
    /// Serialises an object with apiVersion, kind and metadata first, filling uid, resourceVersion and creationTimestamp when missing.
    /// </summary>
    public static byte[] Normalise(ResourceType type, JsonObject obj, long rv, DateTimeOffset defaultCreation)
    {
        var meta = (JsonObject)obj["metadata"]!;
        var ns = (string?)meta["namespace"] ?? "";
        var name = (string)meta["name"]!;
        if (meta["uid"] is null) meta["uid"] = DeterministicUid(type.ApiVersion, type.Kind, ns, name);
        if (meta["resourceVersion"] is not JsonValue rvv || !long.TryParse(rvv.ToString(), out _)) meta["resourceVersion"] = rv.ToString();
        if (meta["creationTimestamp"] is null) meta["creationTimestamp"] = RelativeTime.Format(defaultCreation);
        var ordered = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind, ["metadata"] = meta.DeepClone() };
        foreach (var kv in obj)
            if (kv.Key is not ("apiVersion" or "kind" or "metadata")) ordered[kv.Key] = kv.Value?.DeepClone();
        return JsonSerializer.SerializeToUtf8Bytes(ordered, JsonOptions);
    }
}
