using System.Globalization;
using System.Text.Json;
using Kstack.Sim.Store;

namespace Kstack.Sim.Api;

/// <summary>Server-side printing: meta.k8s.io/v1 Table columns and cells per kind, as the real API server prints them.</summary>
internal static class Tables
{
    public sealed record Column(string Name, string Type, string Format, string Description, int Priority = 0);

    private static readonly Column NameCol = new("Name", "string", "name", "Name must be unique within a namespace.");
    private static readonly Column AgeCol = new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    public static Column[] Columns(ResourceType t) => (t.Group, t.Kind) switch
    {
        ("", "Pod") => [NameCol, new("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", "", "The aggregate status of the containers in this pod."),
            new("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AgeCol, new("IP", "string", "", "IP address allocated to the pod.", 1), new("Node", "string", "", "Name of the node the pod is assigned to.", 1),
            new("Nominated Node", "string", "", "Nominated node name.", 1), new("Readiness Gates", "string", "", "Pod readiness gates.", 1)],
        ("", "Node") => [NameCol, new("Status", "string", "", "The status of the node"), new("Roles", "string", "", "The roles of the node"), AgeCol,
            new("Version", "string", "", "Kubelet Version reported by the node."), new("Internal-IP", "string", "", "Internal IP.", 1),
            new("External-IP", "string", "", "External IP.", 1), new("OS-Image", "string", "", "OS Image.", 1),
            new("Kernel-Version", "string", "", "Kernel Version.", 1), new("Container-Runtime", "string", "", "Container Runtime.", 1)],
        (_, "Event") => [new("Last Seen", "string", "", "Time when last event occurred."), new("Type", "string", "", "Type of this event."),
            new("Reason", "string", "", "Reason why this event was generated."), new("Object", "string", "", "The object this event is about."),
            new("Subobject", "string", "", "The subobject this event is about.", 1), new("Source", "string", "", "The component reporting this event.", 1),
            new("Message", "string", "", "A human-readable description of the status of this operation."),
            new("First Seen", "string", "", "Time when first event occurred.", 1), new("Count", "string", "", "Number of occurrences.", 1),
            new("Name", "string", "name", "Name of the event.", 1)],
        ("apps", "Deployment") => [NameCol, new("Ready", "string", "", "Number of the pod with ready state"),
            new("Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            new("Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), AgeCol],
        ("apps", "ReplicaSet") => [NameCol, new("Desired", "integer", "", "Number of desired pods."), new("Current", "integer", "", "Number of actual replicas."),
            new("Ready", "integer", "", "Number of ready replicas."), AgeCol],
        ("", "Namespace") => [NameCol, new("Status", "string", "", "The status of the namespace"), AgeCol],
        ("", "Service") => [NameCol, new("Type", "string", "", "The type of the service."), new("Cluster-IP", "string", "", "The cluster IP."),
            new("External-IP", "string", "", "The external IP."), new("Port(s)", "string", "", "The ports of the service."), AgeCol],
        ("", "Secret") => [NameCol, new("Type", "string", "", "The type of secret"), new("Data", "string", "", "The number of entries in data"), AgeCol],
        ("", "ConfigMap") => [NameCol, new("Data", "string", "", "The number of entries in data"), AgeCol],
        ("apps", "StatefulSet") => [NameCol, new("Ready", "string", "", "Number of the pod with ready state"), AgeCol, ContainersCol, ImagesCol],
        ("apps", "DaemonSet") => [NameCol, new("Desired", "integer", "", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            new("Current", "integer", "", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            new("Ready", "integer", "", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            new("Up-to-date", "integer", "", "The total number of nodes that are running updated daemon pod"),
            new("Available", "integer", "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            new("Node Selector", "string", "", "NodeSelector is a selector which must be true for the pod to fit on a node."), AgeCol, ContainersCol, ImagesCol, SelectorCol],
        ("batch", "Job") => [NameCol, new("Status", "string", "", "Status of the job."), new("Completions", "string", "", "The number of pods which reached phase Succeeded."),
            new("Duration", "string", "", "Time required to complete the job."), AgeCol, ContainersCol, ImagesCol, SelectorCol],
        ("batch", "CronJob") => [NameCol, new("Schedule", "string", "", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            new("Timezone", "string", "", "The time zone name for the given schedule."), new("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions."),
            new("Active", "integer", "", "A list of pointers to currently running jobs."), new("Last Schedule", "string", "", "Information when was the last time the job was successfully scheduled."),
            AgeCol, ContainersCol, ImagesCol, SelectorCol],
        ("", "PersistentVolumeClaim") => [NameCol, new("Status", "string", "", "phase represents the current phase of PersistentVolumeClaim."),
            new("Volume", "string", "", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            new("Capacity", "string", "", "capacity represents the actual resources of the underlying volume."),
            new("Access Modes", "string", "", "accessModes contains the actual access modes the volume backing the PVC has."),
            new("StorageClass", "string", "", "StorageClass of the pvc"), new("VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc"), AgeCol,
            new("VolumeMode", "string", "", "volumeMode defines what type of volume is required by the claim.", 1)],
        ("networking.k8s.io", "Ingress") => [NameCol, new("Class", "string", "", "The name of the IngressClass resource that should be used for additional configuration"),
            new("Hosts", "string", "", "Hosts that incoming requests are matched against before the ingress rule"),
            new("Address", "string", "", "Address is a list containing ingress points for the load-balancer"),
            new("Ports", "string", "", "Ports of TLS configurations that open"), AgeCol],
        ("policy", "PodDisruptionBudget") => [NameCol, new("Min Available", "string", "", "The minimum number of pods that must be available."),
            new("Max Unavailable", "string", "", "The maximum number of pods that may be unavailable."),
            new("Allowed Disruptions", "integer", "", "Calculated number of pods that may be disrupted at this time."), AgeCol],
        _ when t.PrinterColumns is { Count: > 0 } custom => [NameCol, .. custom.Select(c => new Column(c.Name, c.Type, c.Format, c.Description, c.Priority))],
        _ => [NameCol, AgeCol],
    };

    private static readonly Column ContainersCol = new("Containers", "string", "", "Names of each container in the template.", 1);
    private static readonly Column ImagesCol = new("Images", "string", "", "Images referenced by each container in the template.", 1);
    private static readonly Column SelectorCol = new("Selector", "string", "", "A label query over pods that should match the pod count.", 1);

    public static void WriteCells(Utf8JsonWriter w, ResourceType t, StoredObject o, DateTimeOffset now)
    {
        using var doc = JsonDocument.Parse(o.Json);
        var r = doc.RootElement;
        var age = HumanDuration(now - o.CreationTimestamp);
        switch ((t.Group, t.Kind))
        {
            case ("", "Pod"): PodCells(w, r, o, age, now); break;
            case ("", "Node"): NodeCells(w, r, o, age); break;
            case ("", "Event"): EventCells(w, r, now); break;
            case ("events.k8s.io", "Event"): EventCells(w, r, now); break;
            case ("apps", "Deployment"):
                w.WriteStringValue(o.Name);
                var spec = Int(r, "spec", "replicas") ?? 1;
                w.WriteStringValue($"{Int(r, "status", "readyReplicas") ?? 0}/{spec}");
                w.WriteNumberValue(Int(r, "status", "updatedReplicas") ?? 0);
                w.WriteNumberValue(Int(r, "status", "availableReplicas") ?? 0);
                w.WriteStringValue(age);
                break;
            case ("apps", "ReplicaSet"):
                w.WriteStringValue(o.Name);
                w.WriteNumberValue(Int(r, "spec", "replicas") ?? 1);
                w.WriteNumberValue(Int(r, "status", "replicas") ?? 0);
                w.WriteNumberValue(Int(r, "status", "readyReplicas") ?? 0);
                w.WriteStringValue(age);
                break;
            case ("", "Namespace"):
                w.WriteStringValue(o.Name);
                w.WriteStringValue(Str(r, "status", "phase") ?? "Active");
                w.WriteStringValue(age);
                return;
            case ("", "Service"): ServiceCells(w, r, o, age); break;
            case ("", "Secret"):
                w.WriteStringValue(o.Name);
                w.WriteStringValue(Str(r, "type") ?? "Opaque");
                w.WriteNumberValue(Count(r, "data") + Count(r, "stringData"));
                w.WriteStringValue(age);
                return;
            case ("", "ConfigMap"):
                w.WriteStringValue(o.Name);
                w.WriteNumberValue(Count(r, "data") + Count(r, "binaryData"));
                w.WriteStringValue(age);
                return;
            case ("apps", "StatefulSet"):
                w.WriteStringValue(o.Name);
                w.WriteStringValue($"{Int(r, "status", "readyReplicas") ?? 0}/{Int(r, "spec", "replicas") ?? 1}");
                w.WriteStringValue(age);
                TemplateCells(w, r, selector: false);
                break;
            case ("apps", "DaemonSet"):
                w.WriteStringValue(o.Name);
                foreach (var f in (string[])["desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable"])
                    w.WriteNumberValue(Int(r, "status", f) ?? 0);
                w.WriteStringValue(LabelMap(Get(r, "spec", "template", "spec", "nodeSelector")));
                w.WriteStringValue(age);
                TemplateCells(w, r, selector: true);
                break;
            case ("batch", "Job"): JobCells(w, r, o, age, now); break;
            case ("batch", "CronJob"):
                w.WriteStringValue(o.Name);
                w.WriteStringValue(Str(r, "spec", "schedule") ?? "");
                w.WriteStringValue(Str(r, "spec", "timeZone") ?? "<none>");
                // The API server defaults spec.suspend to false and prints it as the string True/False (printBoolPtr).
                w.WriteStringValue(Get(r, "spec", "suspend").ValueKind == JsonValueKind.True ? "True" : "False");
                w.WriteNumberValue(Get(r, "status", "active") is { ValueKind: JsonValueKind.Array } active ? active.GetArrayLength() : 0);
                w.WriteStringValue(Str(r, "status", "lastScheduleTime") is { } last ? Ago(last, now) : "<none>");
                w.WriteStringValue(age);
                var jobSpec = Get(r, "spec", "jobTemplate");
                TemplateCells(w, jobSpec, selector: true);
                break;
            case ("", "PersistentVolumeClaim"): PvcCells(w, r, o, age); break;
            case ("networking.k8s.io", "Ingress"): IngressCells(w, r, o, age); break;
            case ("policy", "PodDisruptionBudget"):
                w.WriteStringValue(o.Name);
                w.WriteStringValue(IntOrString(Get(r, "spec", "minAvailable")) ?? "N/A");
                w.WriteStringValue(IntOrString(Get(r, "spec", "maxUnavailable")) ?? "N/A");
                w.WriteNumberValue(Int(r, "status", "disruptionsAllowed") ?? 0);
                w.WriteStringValue(age);
                break;
            default:
                w.WriteStringValue(o.Name);
                if (t.PrinterColumns is { Count: > 0 } custom)
                    foreach (var c in custom) WriteCustomCell(w, c, SimpleJsonPath.Evaluate(r, c.JsonPath), now);
                else w.WriteStringValue(age);
                break;
        }
    }

    /// <summary>A CRD column's cell as the API server's table convertor gives it: typed, null when the path finds nothing.</summary>
    private static void WriteCustomCell(Utf8JsonWriter w, PrinterColumn c, IReadOnlyList<JsonElement> values, DateTimeOffset now)
    {
        if (values.Count == 0) { w.WriteNullValue(); return; }
        var v = values[0];
        switch (c.Type)
        {
            case "date" when v.ValueKind == JsonValueKind.String:
                w.WriteStringValue(Ago(v.GetString(), now));
                return;
            case "integer" when v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l):
                w.WriteNumberValue(l);
                return;
            case "number" when v.ValueKind == JsonValueKind.Number:
                w.WriteNumberValue(v.GetDouble());
                return;
            case "boolean" when v.ValueKind is JsonValueKind.True or JsonValueKind.False:
                w.WriteBooleanValue(v.ValueKind == JsonValueKind.True);
                return;
        }
        // Strings (and values of another type than declared) print as kubectl's JSONPath prints them, several joined by spaces.
        w.WriteStringValue(string.Join(" ", values.Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())));
    }

    private static void TemplateCells(Utf8JsonWriter w, JsonElement r, bool selector)
    {
        var containers = Get(r, "spec", "template", "spec", "containers") is { ValueKind: JsonValueKind.Array } cs ? cs.EnumerateArray().ToList() : [];
        w.WriteStringValue(string.Join(",", containers.Select(c => Str(c, "name") ?? "")));
        w.WriteStringValue(string.Join(",", containers.Select(c => Str(c, "image") ?? "")));
        if (!selector) return;
        var sel = Get(r, "spec", "selector");
        var parts = new List<string>();
        if (Get(sel, "matchLabels") is { ValueKind: JsonValueKind.Object } ml)
            parts.AddRange(ml.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"));
        if (Get(sel, "matchExpressions") is { ValueKind: JsonValueKind.Array } me)
            foreach (var e in me.EnumerateArray())
            {
                var vals = Get(e, "values") is { ValueKind: JsonValueKind.Array } va ? string.Join(",", va.EnumerateArray().Select(x => x.GetString())) : "";
                parts.Add((Str(e, "operator") ?? "") switch
                {
                    "In" => $"{Str(e, "key")} in ({vals})",
                    "NotIn" => $"{Str(e, "key")} notin ({vals})",
                    "Exists" => Str(e, "key") ?? "",
                    "DoesNotExist" => "!" + Str(e, "key"),
                    var op => $"{Str(e, "key")} {op} ({vals})",
                });
            }
        w.WriteStringValue(parts.Count == 0 ? "<none>" : string.Join(",", parts));
    }

    private static void JobCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age, DateTimeOffset now)
    {
        bool Has(string type) => Get(r, "status", "conditions") is { ValueKind: JsonValueKind.Array } cs
                                 && cs.EnumerateArray().Any(c => Str(c, "type") == type && Str(c, "status") == "True");
        var status = Has("Complete") ? "Complete"
            : Has("Failed") ? "Failed"
            : Get(r, "metadata", "deletionTimestamp").ValueKind == JsonValueKind.String ? "Terminating"
            : Has("Suspended") ? "Suspended"
            : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : "Running";
        var succeeded = Int(r, "status", "succeeded") ?? 0;
        var completions = Int(r, "spec", "completions") is { } c ? $"{succeeded}/{c}"
            : (Int(r, "spec", "parallelism") ?? 1) is var p && p > 1 ? $"{succeeded}/1 of {p}" : $"{succeeded}/1";
        var duration = "";
        if (Time(Str(r, "status", "startTime")) is { } start)
            duration = HumanDuration((Time(Str(r, "status", "completionTime")) ?? now) - start);
        w.WriteStringValue(o.Name);
        w.WriteStringValue(status);
        w.WriteStringValue(completions);
        w.WriteStringValue(duration);
        w.WriteStringValue(age);
        TemplateCells(w, r, selector: true);
    }

    private static void PvcCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age)
    {
        var phase = Get(r, "metadata", "deletionTimestamp").ValueKind == JsonValueKind.String ? "Terminating" : Str(r, "status", "phase") ?? "Pending";
        var volume = Str(r, "spec", "volumeName") ?? "";
        string capacity = "", modes = "";
        if (volume.Length > 0)
        {
            capacity = Str(r, "status", "capacity", "storage") ?? "";
            var have = Get(r, "status", "accessModes") is { ValueKind: JsonValueKind.Array } am ? am.EnumerateArray().Select(m => m.GetString()).ToHashSet() : [];
            modes = string.Join(",", new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") }
                .Where(m => have.Contains(m.Item1)).Select(m => m.Item2));
        }
        w.WriteStringValue(o.Name);
        w.WriteStringValue(phase);
        w.WriteStringValue(volume);
        w.WriteStringValue(capacity);
        w.WriteStringValue(modes);
        w.WriteStringValue(Str(r, "spec", "storageClassName") ?? Str(r, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class") ?? "");
        w.WriteStringValue(Str(r, "spec", "volumeAttributesClassName") ?? "<unset>");
        w.WriteStringValue(age);
        w.WriteStringValue(Str(r, "spec", "volumeMode") ?? "<unset>");
    }

    private static void IngressCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age)
    {
        var hosts = Get(r, "spec", "rules") is { ValueKind: JsonValueKind.Array } rules
            ? rules.EnumerateArray().Select(x => Str(x, "host") is { Length: > 0 } h ? h : "*").ToList()
            : [];
        var hostText = hosts.Count == 0 ? "*" : hosts.Count <= 3 ? string.Join(",", hosts) : string.Join(",", hosts.Take(3)) + $" + {hosts.Count - 3} more...";
        var addresses = Get(r, "status", "loadBalancer", "ingress") is { ValueKind: JsonValueKind.Array } ing
            ? string.Join(",", ing.EnumerateArray().Select(i => Str(i, "ip") ?? Str(i, "hostname")).Where(a => a is { Length: > 0 }))
            : "";
        // kubectl's load-balancer stringer cuts the non-wide address list at 16 characters.
        if (addresses.Length > 16) addresses = addresses[..13] + "...";
        var tls = Get(r, "spec", "tls") is { ValueKind: JsonValueKind.Array } t && t.GetArrayLength() > 0;
        w.WriteStringValue(o.Name);
        w.WriteStringValue(Str(r, "spec", "ingressClassName") ?? "<none>");
        w.WriteStringValue(hostText);
        w.WriteStringValue(addresses);
        w.WriteStringValue(tls ? "80, 443" : "80");
        w.WriteStringValue(age);
    }

    private static string LabelMap(JsonElement map) =>
        map.ValueKind == JsonValueKind.Object && map.EnumerateObject().Any()
            ? string.Join(",", map.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"))
            : "<none>";

    private static string? IntOrString(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.String => v.GetString(),
        _ => null,
    };

    private static DateTimeOffset? Time(string? ts) =>
        ts != null && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static void PodCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age, DateTimeOffset now)
    {
        var total = Get(r, "spec", "containers") is { ValueKind: JsonValueKind.Array } cs ? cs.GetArrayLength() : 0;
        int ready = 0, restarts = 0;
        DateTimeOffset? lastRestart = null;
        var reason = Str(r, "status", "reason") ?? Str(r, "status", "phase") ?? "Pending";
        var initializing = false;
        if (Get(r, "status", "initContainerStatuses") is { ValueKind: JsonValueKind.Array } ics)
        {
            var i = 0;
            foreach (var c in ics.EnumerateArray())
            {
                restarts += Int(c, "restartCount") ?? 0;
                if (Get(c, "state", "terminated") is { ValueKind: JsonValueKind.Object } term && (Int(term, "exitCode") ?? 0) == 0) { i++; continue; }
                if (Get(c, "state", "terminated") is { ValueKind: JsonValueKind.Object } t2)
                    reason = "Init:" + (Str(t2, "reason") ?? $"ExitCode:{Int(t2, "exitCode")}");
                else if (Str(c, "state", "waiting", "reason") is { Length: > 0 } wr && wr != "PodInitializing") reason = "Init:" + wr;
                else reason = $"Init:{i}/{ics.GetArrayLength()}";
                initializing = true;
                break;
            }
        }
        if (Get(r, "status", "containerStatuses") is { ValueKind: JsonValueKind.Array } statuses)
        {
            var hasRunning = false;
            foreach (var c in statuses.EnumerateArray().Reverse())
            {
                restarts += Int(c, "restartCount") ?? 0;
                if (Str(c, "lastState", "terminated", "finishedAt") is { } fin && DateTimeOffset.TryParse(fin, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ft)
                    && (lastRestart == null || ft > lastRestart)) lastRestart = ft;
                if (initializing) continue;
                if (Str(c, "state", "waiting", "reason") is { Length: > 0 } wr) reason = wr;
                else if (Get(c, "state", "terminated") is { ValueKind: JsonValueKind.Object } t)
                    reason = Str(t, "reason") ?? (Get(t, "signal") is { ValueKind: JsonValueKind.Number } sig ? $"Signal:{sig}" : $"ExitCode:{Int(t, "exitCode")}");
                else if (Get(c, "ready") is { ValueKind: JsonValueKind.True } && Get(c, "state", "running").ValueKind == JsonValueKind.Object)
                {
                    hasRunning = true;
                    ready++;
                }
                else if (Get(c, "state", "running").ValueKind == JsonValueKind.Object) hasRunning = true;
            }
            if (!initializing && reason == "Completed" && hasRunning) reason = "Running";
        }
        if (Get(r, "metadata", "deletionTimestamp").ValueKind == JsonValueKind.String) reason = "Terminating";
        w.WriteStringValue(o.Name);
        w.WriteStringValue($"{ready}/{total}");
        w.WriteStringValue(reason);
        w.WriteStringValue(lastRestart is { } lr ? $"{restarts} ({HumanDuration(now - lr)} ago)" : restarts.ToString(CultureInfo.InvariantCulture));
        w.WriteStringValue(age);
        w.WriteStringValue(Str(r, "status", "podIP") ?? "<none>");
        w.WriteStringValue(Str(r, "spec", "nodeName") is { Length: > 0 } n ? n : "<none>");
        w.WriteStringValue(Str(r, "status", "nominatedNodeName") ?? "<none>");
        w.WriteStringValue("<none>");
    }

    private static void NodeCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age)
    {
        var status = "Unknown";
        if (Get(r, "status", "conditions") is { ValueKind: JsonValueKind.Array } conds)
            foreach (var c in conds.EnumerateArray())
                if (Str(c, "type") == "Ready") status = Str(c, "status") == "True" ? "Ready" : "NotReady";
        if (Get(r, "spec", "unschedulable") is { ValueKind: JsonValueKind.True }) status += ",SchedulingDisabled";
        var roles = o.Labels.Where(l => l.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(l => l.Key[24..])
            .Concat(o.Labels.Where(l => l.Key == "kubernetes.io/role").Select(l => l.Value)).Where(x => x.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        string? internalIp = null, externalIp = null;
        if (Get(r, "status", "addresses") is { ValueKind: JsonValueKind.Array } addrs)
            foreach (var a in addrs.EnumerateArray())
            {
                if (Str(a, "type") == "InternalIP") internalIp ??= Str(a, "address");
                if (Str(a, "type") == "ExternalIP") externalIp ??= Str(a, "address");
            }
        w.WriteStringValue(o.Name);
        w.WriteStringValue(status);
        w.WriteStringValue(roles.Count == 0 ? "<none>" : string.Join(",", roles));
        w.WriteStringValue(age);
        w.WriteStringValue(Str(r, "status", "nodeInfo", "kubeletVersion") ?? "");
        w.WriteStringValue(internalIp ?? "<none>");
        w.WriteStringValue(externalIp ?? "<none>");
        w.WriteStringValue(Str(r, "status", "nodeInfo", "osImage") ?? "<unknown>");
        w.WriteStringValue(Str(r, "status", "nodeInfo", "kernelVersion") ?? "<unknown>");
        w.WriteStringValue(Str(r, "status", "nodeInfo", "containerRuntimeVersion") ?? "<unknown>");
    }

    private static void EventCells(Utf8JsonWriter w, JsonElement r, DateTimeOffset now)
    {
        var isNew = Get(r, "regarding").ValueKind == JsonValueKind.Object;
        var obj = isNew ? Get(r, "regarding") : Get(r, "involvedObject");
        var last = Str(r, isNew ? "deprecatedLastTimestamp" : "lastTimestamp") ?? Str(r, "eventTime") ?? Str(r, "series", "lastObservedTime");
        var first = Str(r, isNew ? "deprecatedFirstTimestamp" : "firstTimestamp") ?? Str(r, "eventTime");
        w.WriteStringValue(Ago(last, now));
        w.WriteStringValue(Str(r, "type") ?? "");
        w.WriteStringValue(Str(r, "reason") ?? "");
        w.WriteStringValue($"{(Str(obj, "kind") ?? "").ToLowerInvariant()}/{Str(obj, "name")}");
        w.WriteStringValue(Str(obj, "fieldPath") ?? "");
        w.WriteStringValue(isNew ? Str(r, "reportingController") ?? "" : Str(r, "source", "component") ?? Str(r, "reportingComponent") ?? "");
        w.WriteStringValue((Str(r, isNew ? "note" : "message") ?? "").Trim());
        w.WriteStringValue(Ago(first, now));
        w.WriteStringValue((Int(r, isNew ? "deprecatedCount" : "count") ?? 1).ToString(CultureInfo.InvariantCulture));
        w.WriteStringValue(Str(r, "metadata", "name") ?? "");
    }

    private static void ServiceCells(Utf8JsonWriter w, JsonElement r, StoredObject o, string age)
    {
        var type = Str(r, "spec", "type") ?? "ClusterIP";
        var ports = Get(r, "spec", "ports") is { ValueKind: JsonValueKind.Array } ps
            ? string.Join(",", ps.EnumerateArray().Select(p => $"{Int(p, "port")}{(Int(p, "nodePort") is { } np ? ":" + np : "")}/{Str(p, "protocol") ?? "TCP"}"))
            : "<none>";
        var ext = Get(r, "status", "loadBalancer", "ingress") is { ValueKind: JsonValueKind.Array } ing && ing.GetArrayLength() > 0
            ? string.Join(",", ing.EnumerateArray().Select(i => Str(i, "ip") ?? Str(i, "hostname")))
            : type == "LoadBalancer" ? "<pending>" : "<none>";
        w.WriteStringValue(o.Name);
        w.WriteStringValue(type);
        w.WriteStringValue(Str(r, "spec", "clusterIP") ?? "<none>");
        w.WriteStringValue(ext);
        w.WriteStringValue(ports.Length == 0 ? "<none>" : ports);
        w.WriteStringValue(age);
    }

    private static string Ago(string? ts, DateTimeOffset now) =>
        ts != null && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? HumanDuration(now - t) : "<unknown>";

    private static int Count(JsonElement r, string prop) =>
        r.TryGetProperty(prop, out var d) && d.ValueKind == JsonValueKind.Object ? d.EnumerateObject().Count() : 0;

    private static JsonElement Get(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return default;
        }
        return e;
    }

    private static string? Str(JsonElement e, params string[] path) => Get(e, path) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    private static int? Int(JsonElement e, params string[] path) => Get(e, path) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : null;

    /// <summary>Go's duration.HumanDuration, which kubectl and the API server use for ages.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1)) return "<invalid>";
        if (d < TimeSpan.Zero) return "0s";
        var seconds = (long)d.TotalSeconds;
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }
}
