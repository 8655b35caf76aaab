using System.Buffers;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kstack.Sim.Logs;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Store;

namespace Kstack.Sim.Generation;

/// <summary>
/// Builds a synthetic cluster (--generate pods=N,seed=S): N pods over max(1,N/50) namespaces and max(1,N/30) nodes,
/// Deployments and ReplicaSets owning them, about 3% unhealthy pods, about 2% nodes under pressure, and events, plus the
/// RBAC objects, ServiceAccounts, Secrets and security contexts of ClusterGenerator.Security.cs.
/// Objects are written straight to UTF-8 JSON; the same seed gives the same cluster (timestamps are relative to start).
/// </summary>
internal sealed partial class ClusterGenerator
{
    private static readonly string[] Teams = ["payments", "checkout", "search", "catalog", "identity", "billing", "ledger", "notify", "media", "ads", "fraud", "growth"];
    private static readonly string[] Apps = ["api", "web", "worker", "gateway", "cache", "indexer", "scheduler", "consumer", "frontend", "auth", "reporter", "sync"];
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly ResourceRegistry _registry;
    private readonly int _pods;
    private readonly int _seed;
    private readonly DateTimeOffset _now;
    private readonly int _nodeCount;
    private readonly Dictionary<(string Ns, string Pod), PodKind> _kinds = new();

    private enum PodKind { Healthy, CrashLoop, ImagePull, Pending }

    public ClusterGenerator(ResourceRegistry registry, int pods, int seed, DateTimeOffset now)
    {
        _registry = registry;
        _pods = pods;
        _seed = seed;
        _now = now;
        _nodeCount = Math.Max(1, pods / 30);
        Namespaces = Enumerable.Range(0, Math.Max(1, pods / 50)).Select(i => $"{Teams[i % Teams.Length]}-{i:D4}").ToList();
    }

    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>Names of the generated nodes.</summary>
    public IEnumerable<string> NodeNames => Enumerable.Range(0, _nodeCount).Select(NodeName);

    private string NodeName(int i) => $"ip-10-{(i / 250) % 256}-{i % 250}-{(i * 7) % 250 + 1}.ec2.internal";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IEnumerable<(ResourceType Type, StoredObject Obj)> Generate(Func<long> nextRv)
    {
        var rnd = new Random(_seed);
        var buf = new ArrayBufferWriter<byte>(16 * 1024);
        var w = new Utf8JsonWriter(buf, WriterOptions);
        var podT = _registry.ByPlural("", "v1", "pods")!;
        var nodeT = _registry.ByPlural("", "v1", "nodes")!;
        var evT = _registry.ByPlural("", "v1", "events")!;
        var depT = _registry.ByPlural("apps", "v1", "deployments")!;
        var rsT = _registry.ByPlural("apps", "v1", "replicasets")!;
        var saT = _registry.ByPlural("", "v1", "serviceaccounts")!;
        var secretT = _registry.ByPlural("", "v1", "secrets")!;
        var roleT = _registry.ByPlural("rbac.authorization.k8s.io", "v1", "roles")!;
        var rbT = _registry.ByPlural("rbac.authorization.k8s.io", "v1", "rolebindings")!;
        var crT = _registry.ByPlural("rbac.authorization.k8s.io", "v1", "clusterroles")!;
        var crbT = _registry.ByPlural("rbac.authorization.k8s.io", "v1", "clusterrolebindings")!;
        var sec = new Random(unchecked(_seed * 7919 + 17));
        var results = new List<(ResourceType, StoredObject)>(_pods * 2);

        byte[] Take()
        {
            w.Flush();
            var bytes = buf.WrittenSpan.ToArray();
            buf.ResetWrittenCount();
            w.Reset(buf);
            return bytes;
        }
        string Uid() => NewUid(rnd);
        string NewUid(Random r)
        {
            Span<byte> b = stackalloc byte[16];
            r.NextBytes(b);
            b[6] = (byte)((b[6] & 0x0F) | 0x40);
            b[8] = (byte)((b[8] & 0x3F) | 0x80);
            var hex = Convert.ToHexStringLower(b);
            return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        }
        string Suffix(int n)
        {
            const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
            Span<char> c = stackalloc char[n];
            for (var i = 0; i < n; i++) c[i] = alphabet[rnd.Next(alphabet.Length)];
            return new string(c);
        }
        StoredObject Stored(byte[] json, string ns, string name, string uid, long rv, DateTimeOffset created, KeyValuePair<string, string>[] labels, KeyValuePair<string, string>[] fields)
        {
            var (ms, ml) = StoredObject.FindMetadata(json);
            return new StoredObject
            {
                Namespace = ns, Name = name, Uid = uid, ResourceVersion = rv, CreationTimestamp = created, Json = json, MetaStart = ms, MetaLength = ml,
                Labels = labels, Fields = fields,
            };
        }

        void Add(ResourceType t, string ns, string name, DateTimeOffset created, KeyValuePair<string, string>[] labels,
            KeyValuePair<string, string>[] fields, ObjectBody body)
        {
            var uid = NewUid(sec);
            var rv = nextRv();
            WriteObject(w, t.ApiVersion, t.Kind, ns, name, uid, rv, created, labels, body);
            results.Add((t, Stored(Take(), ns, name, uid, rv, created, labels, fields)));
        }
        KeyValuePair<string, string>[] SecretType(string type) => [new("type", type)];

        // ---------------- nodes
        var nodeNames = new string[_nodeCount];
        var nodeUids = new string[_nodeCount];
        for (var i = 0; i < _nodeCount; i++)
        {
            var name = nodeNames[i] = NodeName(i);
            var uid = nodeUids[i] = Uid();
            var rv = nextRv();
            var created = _now.AddDays(-rnd.Next(2, 60)).AddMinutes(-rnd.Next(0, 1440));
            var pressure = rnd.NextDouble() < 0.02 ? (rnd.Next(2) == 0 ? "MemoryPressure" : "DiskPressure") : null;
            var zone = $"us-east-1{(char)('a' + i % 3)}";
            var role = i < Math.Max(1, _nodeCount / 50) ? "control-plane" : null;
            var labels = new List<KeyValuePair<string, string>>
            {
                new("beta.kubernetes.io/arch", "amd64"), new("beta.kubernetes.io/os", "linux"), new("kubernetes.io/arch", "amd64"),
                new("kubernetes.io/hostname", name), new("kubernetes.io/os", "linux"), new("node.kubernetes.io/instance-type", i % 4 == 0 ? "m6i.2xlarge" : "m6i.xlarge"),
                new("topology.kubernetes.io/region", "us-east-1"), new("topology.kubernetes.io/zone", zone),
            };
            if (role != null) labels.Add(new("node-role.kubernetes.io/control-plane", ""));
            w.WriteStartObject();
            w.WriteString("apiVersion", "v1");
            w.WriteString("kind", "Node");
            w.WriteStartObject("metadata");
            w.WriteString("name", name);
            w.WriteString("uid", uid);
            w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
            w.WriteString("creationTimestamp", RelativeTime.Format(created));
            w.WriteStartObject("labels");
            foreach (var l in labels) w.WriteString(l.Key, l.Value);
            w.WriteEndObject();
            w.WriteStartObject("annotations");
            w.WriteString("node.alpha.kubernetes.io/ttl", "0");
            w.WriteString("volumes.kubernetes.io/controller-managed-attach-detach", "true");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("spec");
            w.WriteString("providerID", $"aws:///{zone}/i-0{rnd.NextInt64(0x1000000000000, 0xFFFFFFFFFFFFF):x}");
            w.WriteString("podCIDR", $"10.{100 + i / 256 % 100}.{i % 256}.0/24");
            if (pressure != null)
            {
                w.WriteStartArray("taints");
                w.WriteStartObject();
                w.WriteString("key", pressure == "MemoryPressure" ? "node.kubernetes.io/memory-pressure" : "node.kubernetes.io/disk-pressure");
                w.WriteString("effect", "NoSchedule");
                w.WriteString("timeAdded", RelativeTime.Format(_now.AddMinutes(-rnd.Next(5, 90))));
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartObject("status");
            w.WriteStartObject("capacity");
            w.WriteString("cpu", i % 4 == 0 ? "8" : "4");
            w.WriteString("memory", i % 4 == 0 ? "32386524Ki" : "16181788Ki");
            w.WriteString("pods", "110");
            w.WriteString("ephemeral-storage", "104845292Ki");
            w.WriteEndObject();
            w.WriteStartObject("allocatable");
            w.WriteString("cpu", i % 4 == 0 ? "7910m" : "3920m");
            w.WriteString("memory", i % 4 == 0 ? "31369180Ki" : "15164444Ki");
            w.WriteString("pods", "110");
            w.WriteString("ephemeral-storage", "95551679124");
            w.WriteEndObject();
            w.WriteStartArray("conditions");
            var hb = RelativeTime.Format(_now.AddSeconds(-rnd.Next(5, 60)));
            foreach (var (ctype, reasonOk, msgOk, reasonBad, msgBad) in new[]
                     {
                         ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
                         ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "KubeletHasDiskPressure", "kubelet has disk pressure"),
                         ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available", "", ""),
                     })
            {
                var bad = ctype == pressure;
                w.WriteStartObject();
                w.WriteString("type", ctype);
                w.WriteString("status", bad ? "True" : "False");
                w.WriteString("lastHeartbeatTime", hb);
                w.WriteString("lastTransitionTime", RelativeTime.Format(bad ? _now.AddMinutes(-rnd.Next(5, 90)) : created));
                w.WriteString("reason", bad ? reasonBad : reasonOk);
                w.WriteString("message", bad ? msgBad : msgOk);
                w.WriteEndObject();
            }
            w.WriteStartObject();
            w.WriteString("type", "Ready");
            w.WriteString("status", "True");
            w.WriteString("lastHeartbeatTime", hb);
            w.WriteString("lastTransitionTime", RelativeTime.Format(created.AddMinutes(1)));
            w.WriteString("reason", "KubeletReady");
            w.WriteString("message", "kubelet is posting ready status");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("addresses");
            w.WriteStartObject(); w.WriteString("type", "InternalIP"); w.WriteString("address", $"10.0.{i / 250 % 256}.{i % 250 + 1}"); w.WriteEndObject();
            w.WriteStartObject(); w.WriteString("type", "Hostname"); w.WriteString("address", name); w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("nodeInfo");
            w.WriteString("kubeletVersion", "v1.31.2-eks-94953ac");
            w.WriteString("kubeProxyVersion", "v1.31.2-eks-94953ac");
            w.WriteString("containerRuntimeVersion", "containerd://1.7.22");
            w.WriteString("osImage", "Amazon Linux 2023.6.20241031");
            w.WriteString("kernelVersion", "6.1.112-122.189.amzn2023.x86_64");
            w.WriteString("operatingSystem", "linux");
            w.WriteString("architecture", "amd64");
            w.WriteString("machineID", Uid().Replace("-", ""));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            results.Add((nodeT, Stored(Take(), "", name, uid, rv, created, labels.ToArray(), [new("spec.unschedulable", "false")])));
            if (pressure != null)
                results.Add((evT, Event(w, Take, Stored, nextRv, Uid, "default", name + "." + Suffix(16), "Node", "v1", name, nodeUids[i], "", "Warning",
                    pressure == "MemoryPressure" ? "NodeHasInsufficientMemory" : "NodeHasDiskPressure",
                    $"Node {name} status is now: {(pressure == "MemoryPressure" ? "NodeHasInsufficientMemory" : "NodeHasDiskPressure")}", "kubelet", name,
                    rnd.Next(1, 40), _now.AddMinutes(-rnd.Next(30, 120)), _now.AddSeconds(-rnd.Next(10, 600)))));
        }

        // ---------------- namespaces of deployments, replicasets, pods
        var remaining = _pods;
        var nsCount = Namespaces.Count;
        for (var n = 0; n < nsCount; n++)
        {
            var ns = Namespaces[n];
            AddNamespaceSecurity(n, ns);
            var podsHere = n == nsCount - 1 ? remaining : _pods / nsCount;
            remaining -= podsHere;
            var d = 0;
            while (podsHere > 0)
            {
                var replicas = Math.Min(podsHere, rnd.Next(1, 7));
                podsHere -= replicas;
                var app = $"{Apps[(n + d) % Apps.Length]}-{d}";
                d++;
                var team = Teams[n % Teams.Length];
                var sidecar = rnd.Next(4) == 0;
                var image = $"123456789012.dkr.ecr.us-east-1.amazonaws.com/{team}/{app[..app.LastIndexOf('-')]}:v{rnd.Next(1, 4)}.{rnd.Next(0, 30)}.{rnd.Next(0, 10)}";
                var depCreated = _now.AddDays(-rnd.Next(1, 40)).AddMinutes(-rnd.Next(0, 1440));
                var depUid = Uid();
                var hash = Suffix(10);
                var rsName = $"{app}-{hash}";
                var rsUid = Uid();
                var kinds = new PodKind[replicas];
                for (var p = 0; p < replicas; p++)
                {
                    var roll = rnd.NextDouble();
                    kinds[p] = roll < 0.012 ? PodKind.CrashLoop : roll < 0.021 ? PodKind.ImagePull : roll < 0.03 ? PodKind.Pending : PodKind.Healthy;
                }
                var ready = kinds.Count(k => k == PodKind.Healthy);
                var posture = DrawPosture(sec);
                var sa = ServiceAccountFor(posture, app);
                if (sa != "default")
                    Add(saT, ns, sa, depCreated, [], [], posture == Posture.Hardened ? o => o.WriteBoolean("automountServiceAccountToken", false) : _ => { });
                Add(secretT, ns, app + "-config", depCreated, [], SecretType("Opaque"), SecretBody("Opaque", sec, "DATABASE_URL", "API_KEY"));
                var appLabels = new KeyValuePair<string, string>[] { new("app.kubernetes.io/name", app), new("app.kubernetes.io/part-of", team), new("team", team) };
                // Deployment
                var dRv = nextRv();
                WriteWorkload(w, "Deployment", "apps/v1", ns, app, depUid, dRv, depCreated, appLabels, null, replicas, ready, image, sidecar, hash, posture, sa);
                results.Add((depT, Stored(Take(), ns, app, depUid, dRv, depCreated, appLabels, [])));
                // ReplicaSet
                var rsLabels = appLabels.Append(new("pod-template-hash", hash)).ToArray();
                var rsRv = nextRv();
                WriteWorkload(w, "ReplicaSet", "apps/v1", ns, rsName, rsUid, rsRv, depCreated, rsLabels, ("Deployment", app, depUid), replicas, ready, image, sidecar, hash, posture, sa);
                results.Add((rsT, Stored(Take(), ns, rsName, rsUid, rsRv, depCreated, rsLabels, [new("status.replicas", replicas.ToString(CultureInfo.InvariantCulture))])));
                for (var p = 0; p < replicas; p++)
                {
                    var podName = $"{rsName}-{Suffix(5)}";
                    var podUid = Uid();
                    var podRv = nextRv();
                    var node = rnd.Next(_nodeCount);
                    var kind = kinds[p];
                    if (kind != PodKind.Healthy) _kinds[(ns, podName)] = kind;
                    var created = depCreated.AddMinutes(rnd.Next(0, 60 * 24));
                    if (created > _now) created = _now.AddMinutes(-rnd.Next(5, 600));
                    var nodeName = kind == PodKind.Pending ? "" : nodeNames[node];
                    var ip = kind == PodKind.Pending ? "" : $"10.{100 + node / 256 % 100}.{node % 256}.{rnd.Next(2, 254)}";
                    var restarts = kind == PodKind.CrashLoop ? rnd.Next(3, 250) : rnd.Next(20) == 0 ? rnd.Next(1, 3) : 0;
                    WritePod(w, rnd, ns, podName, podUid, podRv, created, rsLabels, rsName, rsUid, image, sidecar, nodeName, ip, kind, restarts, posture, sa);
                    var phase = kind == PodKind.Pending || kind == PodKind.ImagePull ? "Pending" : "Running";
                    results.Add((podT, Stored(Take(), ns, podName, podUid, podRv, created, rsLabels,
                    [
                        new("spec.nodeName", nodeName), new("status.phase", phase), new("spec.restartPolicy", "Always"), new("spec.schedulerName", "default-scheduler"),
                        new("spec.serviceAccountName", sa), new("status.podIP", ip),
                    ])));
                    // events
                    switch (kind)
                    {
                        case PodKind.CrashLoop:
                            results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "spec.containers{app}", "Warning", "BackOff",
                                "Back-off restarting failed container app in pod " + podName + "_" + ns + "(" + podUid + ")", "kubelet", nodeName, restarts * 4 + 1,
                                created.AddMinutes(2), _now.AddSeconds(-rnd.Next(5, 300)))));
                            break;
                        case PodKind.ImagePull:
                            results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "spec.containers{app}", "Warning", "Failed",
                                $"Failed to pull image \"{image}-rc1\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}-rc1\": not found", "kubelet", nodeName,
                                rnd.Next(5, 60), created.AddMinutes(1), _now.AddSeconds(-rnd.Next(5, 300)))));
                            results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "spec.containers{app}", "Normal", "BackOff",
                                $"Back-off pulling image \"{image}-rc1\"", "kubelet", nodeName, rnd.Next(20, 200), created.AddMinutes(1), _now.AddSeconds(-rnd.Next(5, 300)))));
                            break;
                        case PodKind.Pending:
                            results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "", "Warning", "FailedScheduling",
                                $"0/{_nodeCount} nodes are available: {_nodeCount} Insufficient memory. preemption: 0/{_nodeCount} nodes are available: {_nodeCount} No preemption victims found for incoming pod.",
                                "default-scheduler", "", rnd.Next(1, 30), created, _now.AddSeconds(-rnd.Next(5, 600)))));
                            break;
                        default:
                            if (rnd.Next(10) == 0)
                            {
                                results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "", "Normal", "Scheduled",
                                    $"Successfully assigned {ns}/{podName} to {nodeName}", "default-scheduler", "", 1, created, created)));
                                results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "spec.containers{app}", "Normal", "Pulled",
                                    $"Container image \"{image}\" already present on machine", "kubelet", nodeName, 1, created.AddSeconds(2), created.AddSeconds(2))));
                                results.Add((evT, Event(w, Take, Stored, nextRv, Uid, ns, podName + "." + Suffix(16), "Pod", "v1", podName, podUid, "spec.containers{app}", "Normal", "Started",
                                    "Started container app", "kubelet", nodeName, 1, created.AddSeconds(3), created.AddSeconds(3))));
                            }
                            break;
                    }
                }
            }
        }
        AddClusterSecurity();
        return results;

        // Per namespace: the team's deployer Role and bindings, a TLS and a registry Secret; now and then a risky grant.
        void AddNamespaceSecurity(int n, string ns)
        {
            var team = Teams[n % Teams.Length];
            var created = _now.AddDays(-sec.Next(40, 90));
            Add(roleT, ns, team + "-deployer", created, [], [],
                Rules((AppsGroup, ["deployments", "replicasets"], WriteVerbs), (Core, ["pods", "services", "configmaps"], WriteVerbs), (Core, ["pods/log"], ReadVerbs)));
            Add(rbT, ns, team + "-deployer", created, [], [], Binding("Role", team + "-deployer", ("Group", "team:" + team, "")));
            Add(rbT, ns, team + "-view", created, [], [], Binding("ClusterRole", "view", ("Group", "team:" + team + "-readers", "")));
            Add(secretT, ns, team + "-tls", created, [], SecretType("kubernetes.io/tls"), SecretBody("kubernetes.io/tls", sec, "tls.crt", "tls.key"));
            Add(secretT, ns, "registry-credentials", created, [], SecretType("kubernetes.io/dockerconfigjson"),
                SecretBody("kubernetes.io/dockerconfigjson", sec, ".dockerconfigjson"));
            if (n % 20 == 7)
            {
                Add(roleT, ns, "secrets-reader", created, [], [], Rules((Core, ["secrets"], ReadVerbs)));
                Add(rbT, ns, "default-reads-secrets", created, [], [], Binding("Role", "secrets-reader", ("ServiceAccount", "default", ns)));
            }
            if (n % 50 == 13)
                Add(rbT, ns, "default-is-admin", created, [], [], Binding("ClusterRole", "admin", ("ServiceAccount", "default", ns)));
            if (n % 100 == 42)
            {
                Add(roleT, ns, team + "-everything", created, [], [], Rules((Any, Any, Any)));
                Add(rbT, ns, team + "-everything", created, [], [], Binding("Role", team + "-everything", ("Group", "team:" + team, "")));
            }
        }

        // Cluster-wide: a platform admin role, a metrics scraper, a CI deployer reading Secrets everywhere, and one
        // workload ServiceAccount per 500 namespaces bound to cluster-admin.
        void AddClusterSecurity()
        {
            var created = _now.AddDays(-120);
            var first = Namespaces[0];
            var last = Namespaces[^1];
            Add(crT, "", "platform-admin", created, [], [], Rules((Any, Any, Any)));
            Add(crbT, "", "platform-admins", created, [], [], Binding("ClusterRole", "platform-admin", ("Group", "platform-admins", "")));
            Add(saT, first, "prometheus", created, [], [], _ => { });
            Add(crT, "", "metrics-scraper", created, [], [], Rules((Core, ["nodes", "nodes/metrics", "pods", "services", "endpoints"], ReadVerbs)));
            Add(crbT, "", "metrics-scraper", created, [], [], Binding("ClusterRole", "metrics-scraper", ("ServiceAccount", "prometheus", first)));
            Add(saT, last, "ci-runner", created, [], [], _ => { });
            Add(crT, "", "ci-deployer", created, [], [], Rules((AppsGroup, ["deployments"], WriteVerbs), (Core, ["secrets"], ReadVerbs)));
            Add(crbT, "", "ci-deployer", created, [], [], Binding("ClusterRole", "ci-deployer", ("ServiceAccount", "ci-runner", last)));
            for (var n = 0; n < Namespaces.Count; n += 500)
                Add(crbT, "", Namespaces[n] + "-default-cluster-admin", created, [], [],
                    Binding("ClusterRole", "cluster-admin", ("ServiceAccount", "default", Namespaces[n])));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StoredObject Event(Utf8JsonWriter w, Func<byte[]> take,
        Func<byte[], string, string, string, long, DateTimeOffset, KeyValuePair<string, string>[], KeyValuePair<string, string>[], StoredObject> stored,
        Func<long> nextRv, Func<string> uid, string ns, string name, string kind, string apiVersion, string objName, string objUid, string fieldPath,
        string type, string reason, string message, string component, string host, int count, DateTimeOffset first, DateTimeOffset last)
    {
        var rv = nextRv();
        var id = uid();
        w.WriteStartObject();
        w.WriteString("apiVersion", "v1");
        w.WriteString("kind", "Event");
        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        w.WriteString("namespace", ns);
        w.WriteString("uid", id);
        w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", RelativeTime.Format(first));
        w.WriteEndObject();
        w.WriteStartObject("involvedObject");
        w.WriteString("kind", kind);
        if (kind != "Node") w.WriteString("namespace", ns);
        w.WriteString("name", objName);
        w.WriteString("uid", objUid);
        w.WriteString("apiVersion", apiVersion);
        if (fieldPath.Length > 0) w.WriteString("fieldPath", fieldPath);
        w.WriteEndObject();
        w.WriteString("reason", reason);
        w.WriteString("message", message);
        w.WriteStartObject("source");
        w.WriteString("component", component);
        if (host.Length > 0) w.WriteString("host", host);
        w.WriteEndObject();
        w.WriteString("firstTimestamp", RelativeTime.Format(first));
        w.WriteString("lastTimestamp", RelativeTime.Format(last));
        w.WriteNumber("count", count);
        w.WriteString("type", type);
        w.WriteNull("eventTime");
        w.WriteString("reportingComponent", component);
        w.WriteString("reportingInstance", host);
        w.WriteEndObject();
        return stored(take(), ns, name, id, rv, first, [],
        [
            new("involvedObject.kind", kind), new("involvedObject.namespace", kind != "Node" ? ns : ""), new("involvedObject.name", objName),
            new("involvedObject.uid", objUid), new("involvedObject.apiVersion", apiVersion), new("involvedObject.fieldPath", fieldPath),
            new("reason", reason), new("reportingComponent", component), new("source", component), new("type", type),
        ]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteWorkload(Utf8JsonWriter w, string kind, string apiVersion, string ns, string name, string uid, long rv, DateTimeOffset created,
        KeyValuePair<string, string>[] labels, (string Kind, string Name, string Uid)? owner, int replicas, int ready, string image, bool sidecar, string hash,
        Posture posture, string serviceAccount)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", apiVersion);
        w.WriteString("kind", kind);
        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        w.WriteString("namespace", ns);
        w.WriteString("uid", uid);
        w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("generation", 3);
        w.WriteString("creationTimestamp", RelativeTime.Format(created));
        w.WriteStartObject("labels");
        foreach (var l in labels) w.WriteString(l.Key, l.Value);
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString(kind == "Deployment" ? "deployment.kubernetes.io/revision" : "deployment.kubernetes.io/revision", "3");
        if (kind == "ReplicaSet")
        {
            w.WriteString("deployment.kubernetes.io/desired-replicas", replicas.ToString(CultureInfo.InvariantCulture));
            w.WriteString("deployment.kubernetes.io/max-replicas", (replicas + 1).ToString(CultureInfo.InvariantCulture));
        }
        w.WriteEndObject();
        if (owner is { } o) WriteOwner(w, o.Kind, o.Name, o.Uid);
        WriteManagedFields(w, created, kind == "Deployment" ? "kubectl-client-side-apply" : "kube-controller-manager", kind == "Deployment" ? "kube-controller-manager" : "kube-controller-manager");
        w.WriteEndObject();
        w.WriteStartObject("spec");
        w.WriteNumber("replicas", replicas);
        w.WriteStartObject("selector");
        w.WriteStartObject("matchLabels");
        w.WriteString("app.kubernetes.io/name", labels[0].Value);
        if (kind == "ReplicaSet") w.WriteString("pod-template-hash", hash);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("template");
        w.WriteStartObject("metadata");
        w.WriteStartObject("labels");
        foreach (var l in labels) w.WriteString(l.Key, l.Value);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("spec");
        WriteContainers(w, image, sidecar, labels[0].Value, posture);
        if (posture == Posture.HostAccess)
        {
            w.WriteStartArray("volumes");
            WriteHostPathVolume(w);
            w.WriteEndArray();
        }
        w.WriteString("restartPolicy", "Always");
        w.WriteNumber("terminationGracePeriodSeconds", 30);
        w.WriteString("dnsPolicy", "ClusterFirst");
        w.WriteString("serviceAccountName", serviceAccount);
        WritePodSecurityContext(w, posture);
        w.WriteString("schedulerName", "default-scheduler");
        w.WriteEndObject();
        w.WriteEndObject();
        if (kind == "Deployment")
        {
            w.WriteStartObject("strategy");
            w.WriteString("type", "RollingUpdate");
            w.WriteStartObject("rollingUpdate");
            w.WriteString("maxUnavailable", "25%");
            w.WriteString("maxSurge", "25%");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteNumber("revisionHistoryLimit", 10);
            w.WriteNumber("progressDeadlineSeconds", 600);
        }
        w.WriteEndObject();
        w.WriteStartObject("status");
        w.WriteNumber("observedGeneration", 3);
        w.WriteNumber("replicas", replicas);
        w.WriteNumber("fullyLabeledReplicas", replicas);
        if (kind == "Deployment") w.WriteNumber("updatedReplicas", replicas);
        w.WriteNumber("readyReplicas", ready);
        w.WriteNumber("availableReplicas", ready);
        if (kind == "Deployment")
        {
            if (ready < replicas) w.WriteNumber("unavailableReplicas", replicas - ready);
            w.WriteStartArray("conditions");
            w.WriteStartObject();
            w.WriteString("type", "Available");
            w.WriteString("status", ready == replicas ? "True" : "False");
            w.WriteString("lastUpdateTime", RelativeTime.Format(created));
            w.WriteString("lastTransitionTime", RelativeTime.Format(created));
            w.WriteString("reason", ready == replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable");
            w.WriteString("message", ready == replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability.");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Progressing");
            w.WriteString("status", "True");
            w.WriteString("lastUpdateTime", RelativeTime.Format(created));
            w.WriteString("lastTransitionTime", RelativeTime.Format(created));
            w.WriteString("reason", "NewReplicaSetAvailable");
            w.WriteString("message", $"ReplicaSet \"{name}-{hash}\" has successfully progressed.");
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteOwner(Utf8JsonWriter w, string kind, string name, string uid)
    {
        w.WriteStartArray("ownerReferences");
        w.WriteStartObject();
        w.WriteString("apiVersion", "apps/v1");
        w.WriteString("kind", kind);
        w.WriteString("name", name);
        w.WriteString("uid", uid);
        w.WriteBoolean("controller", true);
        w.WriteBoolean("blockOwnerDeletion", true);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static readonly string[] SpecFields =
        ["f:containers", "f:dnsPolicy", "f:enableServiceLinks", "f:restartPolicy", "f:schedulerName", "f:securityContext", "f:terminationGracePeriodSeconds"];
    private static readonly string[] StatusFields = ["f:conditions", "f:containerStatuses", "f:hostIP", "f:phase", "f:podIP", "f:podIPs", "f:startTime"];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteManagedFields(Utf8JsonWriter w, DateTimeOffset created, string specManager, string statusManager)
    {
        w.WriteStartArray("managedFields");
        w.WriteStartObject();
        w.WriteString("manager", specManager);
        w.WriteString("operation", "Update");
        w.WriteString("apiVersion", "v1");
        w.WriteString("time", RelativeTime.Format(created));
        w.WriteString("fieldsType", "FieldsV1");
        w.WriteStartObject("fieldsV1");
        w.WriteStartObject("f:metadata");
        w.WriteStartObject("f:labels");
        w.WriteStartObject(".");
        w.WriteEndObject();
        w.WriteStartObject("f:app.kubernetes.io/name");
        w.WriteEndObject();
        w.WriteStartObject("f:pod-template-hash");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("f:ownerReferences");
        w.WriteStartObject(".");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("f:spec");
        foreach (var f in SpecFields)
        {
            w.WriteStartObject(f);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("manager", statusManager);
        w.WriteString("operation", "Update");
        w.WriteString("apiVersion", "v1");
        w.WriteString("time", RelativeTime.Format(created.AddSeconds(5)));
        w.WriteString("fieldsType", "FieldsV1");
        w.WriteStartObject("fieldsV1");
        w.WriteStartObject("f:status");
        foreach (var f in StatusFields)
        {
            w.WriteStartObject(f);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("subresource", "status");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteContainers(Utf8JsonWriter w, string image, bool sidecar, string app, Posture posture)
    {
        w.WriteStartArray("containers");
        w.WriteStartObject();
        w.WriteString("name", "app");
        w.WriteString("image", image);
        w.WriteStartArray("ports");
        w.WriteStartObject(); w.WriteString("name", "http"); w.WriteNumber("containerPort", 8080); w.WriteString("protocol", "TCP"); w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("env");
        w.WriteStartObject(); w.WriteString("name", "APP_NAME"); w.WriteString("value", app); w.WriteEndObject();
        w.WriteStartObject(); w.WriteString("name", "LOG_LEVEL"); w.WriteString("value", "info"); w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("name", "DATABASE_URL");
        w.WriteStartObject("valueFrom");
        w.WriteStartObject("secretKeyRef"); w.WriteString("name", app + "-config"); w.WriteString("key", "DATABASE_URL"); w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        if (posture == Posture.HostAccess) WriteHostPathMount(w);
        WriteContainerSecurityContext(w, posture);
        w.WriteStartObject("resources");
        w.WriteStartObject("requests"); w.WriteString("cpu", "100m"); w.WriteString("memory", "256Mi"); w.WriteEndObject();
        w.WriteStartObject("limits"); w.WriteString("memory", "512Mi"); w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("readinessProbe");
        w.WriteStartObject("httpGet"); w.WriteString("path", "/healthz"); w.WriteString("port", "http"); w.WriteString("scheme", "HTTP"); w.WriteEndObject();
        w.WriteNumber("periodSeconds", 10);
        w.WriteEndObject();
        w.WriteString("terminationMessagePath", "/dev/termination-log");
        w.WriteString("terminationMessagePolicy", "File");
        w.WriteString("imagePullPolicy", "IfNotPresent");
        w.WriteEndObject();
        if (sidecar)
        {
            w.WriteStartObject();
            w.WriteString("name", "log-shipper");
            w.WriteString("image", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2");
            w.WriteStartObject("resources");
            w.WriteStartObject("requests"); w.WriteString("cpu", "20m"); w.WriteString("memory", "64Mi"); w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("imagePullPolicy", "IfNotPresent");
            WriteContainerSecurityContext(w, posture);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WritePod(Utf8JsonWriter w, Random rnd, string ns, string name, string uid, long rv, DateTimeOffset created, KeyValuePair<string, string>[] labels,
        string rsName, string rsUid, string image, bool sidecar, string nodeName, string ip, PodKind kind, int restarts, Posture posture, string serviceAccount)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", "v1");
        w.WriteString("kind", "Pod");
        w.WriteStartObject("metadata");
        w.WriteString("name", name);
        w.WriteString("generateName", rsName + "-");
        w.WriteString("namespace", ns);
        w.WriteString("uid", uid);
        w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
        w.WriteString("creationTimestamp", RelativeTime.Format(created));
        w.WriteStartObject("labels");
        foreach (var l in labels) w.WriteString(l.Key, l.Value);
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteString("kubectl.kubernetes.io/default-container", "app");
        w.WriteString("prometheus.io/scrape", "true");
        w.WriteString("prometheus.io/port", "8080");
        w.WriteEndObject();
        WriteOwner(w, "ReplicaSet", rsName, rsUid);
        WriteManagedFields(w, created, "kube-controller-manager", "kubelet");
        w.WriteEndObject();
        w.WriteStartObject("spec");
        WriteContainers(w, kind == PodKind.ImagePull ? image + "-rc1" : image, sidecar, labels[0].Value, posture);
        w.WriteStartArray("volumes");
        if (posture == Posture.HostAccess) WriteHostPathVolume(w);
        // A token volume unless the pod opts out of the automounted ServiceAccount token, as admission does.
        if (posture != Posture.Hardened)
        {
            w.WriteStartObject();
            w.WriteString("name", "kube-api-access-" + name[^5..]);
            w.WriteStartObject("projected");
            w.WriteNumber("defaultMode", 420);
            w.WriteStartArray("sources");
            w.WriteStartObject(); w.WriteStartObject("serviceAccountToken"); w.WriteNumber("expirationSeconds", 3607); w.WriteString("path", "token"); w.WriteEndObject(); w.WriteEndObject();
            w.WriteStartObject(); w.WriteStartObject("configMap"); w.WriteString("name", "kube-root-ca.crt"); w.WriteEndObject(); w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("restartPolicy", "Always");
        w.WriteNumber("terminationGracePeriodSeconds", 30);
        w.WriteString("dnsPolicy", "ClusterFirst");
        w.WriteString("serviceAccountName", serviceAccount);
        w.WriteString("serviceAccount", serviceAccount);
        WritePodSecurityContext(w, posture);
        if (nodeName.Length > 0) w.WriteString("nodeName", nodeName);
        w.WriteString("schedulerName", "default-scheduler");
        w.WriteStartArray("tolerations");
        foreach (var t in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            w.WriteStartObject(); w.WriteString("key", t); w.WriteString("operator", "Exists"); w.WriteString("effect", "NoExecute"); w.WriteNumber("tolerationSeconds", 300); w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("priority", 0);
        w.WriteBoolean("enableServiceLinks", true);
        w.WriteString("preemptionPolicy", "PreemptLowerPriority");
        w.WriteEndObject();

        w.WriteStartObject("status");
        var phase = kind is PodKind.Pending or PodKind.ImagePull ? "Pending" : "Running";
        w.WriteString("phase", phase);
        w.WriteStartArray("conditions");
        void Cond(string type, bool ok, DateTimeOffset at, string? reason = null, string? message = null)
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteString("status", ok ? "True" : "False");
            w.WriteNull("lastProbeTime");
            w.WriteString("lastTransitionTime", RelativeTime.Format(at));
            if (reason != null) w.WriteString("reason", reason);
            if (message != null) w.WriteString("message", message);
            w.WriteEndObject();
        }
        if (kind == PodKind.Pending)
        {
            Cond("PodScheduled", false, created, "Unschedulable",
                $"0/{_nodeCount} nodes are available: {_nodeCount} Insufficient memory. preemption: 0/{_nodeCount} nodes are available: {_nodeCount} No preemption victims found for incoming pod.");
            w.WriteEndArray();
            w.WriteString("qosClass", "Burstable");
            w.WriteEndObject();
            w.WriteEndObject();
            return;
        }
        var healthy = kind == PodKind.Healthy;
        Cond("PodReadyToStartContainers", true, created.AddSeconds(3));
        Cond("Initialized", true, created.AddSeconds(1));
        Cond("Ready", healthy, created.AddSeconds(healthy ? 12 : 40), healthy ? null : "ContainersNotReady", healthy ? null : "containers with unready status: [app]");
        Cond("ContainersReady", healthy, created.AddSeconds(healthy ? 12 : 40), healthy ? null : "ContainersNotReady", healthy ? null : "containers with unready status: [app]");
        Cond("PodScheduled", true, created);
        w.WriteEndArray();
        w.WriteString("hostIP", $"10.0.{rnd.Next(0, 4)}.{rnd.Next(1, 250)}");
        w.WriteString("podIP", ip);
        w.WriteStartArray("podIPs");
        w.WriteStartObject(); w.WriteString("ip", ip); w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("startTime", RelativeTime.Format(created));
        w.WriteStartArray("containerStatuses");
        w.WriteStartObject();
        w.WriteString("name", "app");
        w.WriteStartObject("state");
        switch (kind)
        {
            case PodKind.CrashLoop:
                w.WriteStartObject("waiting");
                w.WriteString("reason", "CrashLoopBackOff");
                w.WriteString("message", $"back-off 5m0s restarting failed container=app pod={name}_{ns}({uid})");
                w.WriteEndObject();
                break;
            case PodKind.ImagePull:
                w.WriteStartObject("waiting");
                w.WriteString("reason", "ImagePullBackOff");
                w.WriteString("message", $"Back-off pulling image \"{image}-rc1\"");
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("running");
                w.WriteString("startedAt", RelativeTime.Format(created.AddSeconds(4)));
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
        w.WriteStartObject("lastState");
        if (kind == PodKind.CrashLoop || restarts > 0)
        {
            var finished = kind == PodKind.CrashLoop ? _now.AddSeconds(-rnd.Next(20, 290)) : created.AddMinutes(rnd.Next(1, 30));
            w.WriteStartObject("terminated");
            w.WriteNumber("exitCode", kind == PodKind.CrashLoop ? 1 : 137);
            w.WriteString("reason", kind == PodKind.CrashLoop ? "Error" : "OOMKilled");
            w.WriteString("startedAt", RelativeTime.Format(finished.AddSeconds(-rnd.Next(1, 20))));
            w.WriteString("finishedAt", RelativeTime.Format(finished));
            w.WriteString("containerID", "containerd://" + Hex64(rnd));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteBoolean("ready", healthy);
        w.WriteNumber("restartCount", restarts);
        w.WriteString("image", kind == PodKind.ImagePull ? image + "-rc1" : image);
        w.WriteString("imageID", kind == PodKind.ImagePull ? "" : image[..image.LastIndexOf(':')] + "@sha256:" + Hex64(rnd));
        if (kind != PodKind.ImagePull) w.WriteString("containerID", "containerd://" + Hex64(rnd));
        w.WriteBoolean("started", kind == PodKind.Healthy);
        w.WriteEndObject();
        if (sidecar)
        {
            w.WriteStartObject();
            w.WriteString("name", "log-shipper");
            w.WriteStartObject("state");
            w.WriteStartObject("running");
            w.WriteString("startedAt", RelativeTime.Format(created.AddSeconds(4)));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("lastState");
            w.WriteEndObject();
            w.WriteBoolean("ready", true);
            w.WriteNumber("restartCount", 0);
            w.WriteString("image", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2");
            w.WriteBoolean("started", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("qosClass", "Burstable");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Hex64(Random rnd)
    {
        Span<byte> b = stackalloc byte[32];
        rnd.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    /// <summary>Deterministic container logs for generated pods (crash-looping pods have a previous instance that panicked).</summary>
    public IReadOnlyList<LogLine>? LogsFor(string ns, string pod, string container, bool previous)
    {
        if (!Namespaces.Contains(ns)) return null;
        _kinds.TryGetValue((ns, pod), out var kind);
        if (kind is PodKind.Pending or PodKind.ImagePull) return null;
        if (previous && kind != PodKind.CrashLoop) return null;
        var h = StableHash(ns + "/" + pod + "/" + container);
        var lines = new List<LogLine>();
        var start = _now.AddMinutes(-30);
        if (container == "log-shipper")
        {
            for (var i = 0; i < 10; i++)
                lines.Add(new LogLine(start.AddMinutes(i * 3), $"[{RelativeTime.Format(start.AddMinutes(i * 3))}] [ info] [output:cloudwatch_logs:cloudwatch_logs.0] flushed {(h + i * 37) % 500 + 20} records"));
            return lines;
        }
        if (kind == PodKind.CrashLoop)
        {
            var t = previous ? _now.AddMinutes(-3) : _now.AddSeconds(-20);
            lines.Add(new LogLine(t, "{\"level\":\"info\",\"msg\":\"starting server\",\"port\":8080}"));
            lines.Add(new LogLine(t.AddSeconds(1), "{\"level\":\"info\",\"msg\":\"connecting to database\",\"host\":\"postgres." + ns + ".svc.cluster.local:5432\"}"));
            lines.Add(new LogLine(t.AddSeconds(6), "{\"level\":\"error\",\"msg\":\"database connection failed\",\"error\":\"dial tcp 10.96.14.7:5432: connect: connection refused\"}"));
            lines.Add(new LogLine(t.AddSeconds(6), "panic: database unavailable after 5 attempts"));
            lines.Add(new LogLine(t.AddSeconds(6), "goroutine 1 [running]:"));
            lines.Add(new LogLine(t.AddSeconds(6), "main.main()"));
            return lines;
        }
        for (var i = 0; i < 20; i++)
        {
            var t = start.AddSeconds(i * 90);
            var status = (h + i) % 53 == 0 ? 500 : 200;
            lines.Add(new LogLine(t, $"{{\"level\":\"{(status == 500 ? "error" : "info")}\",\"msg\":\"request\",\"method\":\"GET\",\"path\":\"/api/v1/items/{(h + i * 31) % 9000}\",\"status\":{status},\"durationMs\":{(h + i * 17) % 250 + 3}}}"));
        }
        return lines;
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            var h = 17;
            foreach (var c in s) h = h * 31 + c;
            return h & 0x7FFFFFFF;
        }
    }
}
