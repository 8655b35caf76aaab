using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kstack.Sim.Alerts;
using Kstack.Sim.Api;
using Kstack.Sim.Audit;
using Kstack.Sim.Faults;
using Kstack.Sim.Generation;
using Kstack.Sim.Logs;
using Kstack.Sim.Metrics;
using Kstack.Sim.Rbac;
using Kstack.Sim.Scenarios;
using Kstack.Sim.Security;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kstack.Sim;

/// <summary>A Kubernetes-compatible API server on loopback, serving scenarios over HTTPS with token auth and RBAC.</summary>
internal sealed class SimServer : IAsyncDisposable
{
    private static readonly HashSet<string> PublicPaths = ["/version", "/version/", "/healthz", "/readyz", "/livez"];
    private readonly WebApplication _app;
    private readonly Certificates _certs;
    private readonly AuditLog _audit;
    private readonly FaultInjector _faults;
    private readonly ApiHandler _handler;
    private readonly Dictionary<string, SimUser> _byToken;
    private readonly CancellationTokenSource _stopping;
    private readonly string? _tempDir;

    private SimServer(WebApplication app, Certificates certs, AuditLog audit, FaultInjector faults, ObjectStore store, LogStore logs,
        IReadOnlyList<SimUser> users, ApiHandler handler, CancellationTokenSource stopping, string? tempDir)
    {
        _app = app;
        _certs = certs;
        _audit = audit;
        _faults = faults;
        Store = store;
        Logs = logs;
        Users = users;
        _handler = handler;
        _stopping = stopping;
        _byToken = users.ToDictionary(u => u.Token);
        _tempDir = tempDir;
    }

    /// <summary>The HTTPS base URL, e.g. https://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";
    /// <summary>The kubeconfig written at start (contexts sim-admin, sim-&lt;user&gt;).</summary>
    public string KubeconfigPath { get; private set; } = "";
    /// <summary>The CA certificate (PEM) that signed the server certificate.</summary>
    public string CaPem => _certs.CaPem;
    /// <summary>All users, admin first.</summary>
    public IReadOnlyList<SimUser> Users { get; }
    /// <summary>The admin user's bearer token.</summary>
    public string AdminToken => Users[0].Token;
    public ObjectStore Store { get; }
    public LogStore Logs { get; }
    /// <summary>Time taken to load scenarios and generated objects.</summary>
    public TimeSpan LoadTime { get; private set; }

    /// <summary>Appends a line to a container's current log (followers receive it at once).</summary>
    public void AppendLog(string @namespace, string pod, string container, string line) =>
        Logs.GetOrAdd(@namespace, pod, container, false).Append(new LogLine(DateTimeOffset.UtcNow, line));

    public static async Task<SimServer> StartAsync(SimOptions options, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var registry = new ResourceRegistry();
        var sources = options.Scenarios.Select(ScenarioSource.Resolve).ToList();
        var data = ScenarioLoader.Load(sources, registry, now);
        var metrics = MetricsScenario.Load(sources);
        var alerts = AlertsScenario.Load(sources, now, data.Cluster.Now is { } anchor ? now - anchor : TimeSpan.Zero);
        var faults = options.FaultsPath != null ? FaultInjector.Load(options.FaultsPath) : FaultInjector.Empty;
        var store = new ObjectStore(registry);
        var logs = new LogStore();
        var certs = Certificates.Generate();
        BuildStore(store, logs, data, options, now, metrics, certs.CaPem);
        var loadTime = sw.Elapsed;

        var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var users = new List<SimUser> { new("admin", adminToken, [Authorizer.Masters]) };
        users.AddRange(data.Users);

        var (ip, port) = ParseListen(options.Listen);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.Listen(ip, port, lo =>
            {
                lo.Protocols = HttpProtocols.Http1AndHttp2;
                lo.UseHttps(certs.Server);
            });
        });
        var app = builder.Build();
        var audit = new AuditLog(options.AuditLogPath);
        string? tempDir = null;
        var kubeconfig = options.KubeconfigPath;
        if (kubeconfig == null)
        {
            tempDir = Path.Combine(Path.GetTempPath(), "kstack-sim-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(tempDir);
            kubeconfig = Path.Combine(tempDir, "kubeconfig");
        }
        var stopping = new CancellationTokenSource();
        var prometheus = PrometheusFor(metrics, store, now, alerts?.Prometheus);
        var handler = new ApiHandler(store, new Authorizer(store), logs, data.Cluster, () => DateTimeOffset.UtcNow) 
        {
            Stopping = stopping.Token, Prometheus = prometheus, AlertsPrometheus = AlertsPrometheusFor(alerts, prometheus, store, now),
            Alertmanager = alerts?.Alertmanager is { } am ? new AlertmanagerApi(am, () => DateTimeOffset.UtcNow) : null,
        };
        var server = new SimServer(app, certs, audit, faults, store, logs, users, handler, stopping, tempDir) { LoadTime = loadTime };
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Urls.First();
        var boundPort = new Uri(address).Port;
        server.Url = $"https://{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString())}:{boundPort}";
        server.KubeconfigPath = Path.GetFullPath(kubeconfig);
        Kubeconfig.Write(server.KubeconfigPath, Kubeconfig.Render(server.Url, certs.CaPem, users));
        return server;
    }

    private static (IPAddress, int) ParseListen(string listen)
    {
        var i = listen.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(listen[(i + 1)..], out var port)) throw new ArgumentException($"--listen must be host:port, got \"{listen}\"");
        var host = listen[..i].Trim('[', ']');
        var ip = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        return (ip, port);
    }

    /// <summary>The Prometheus behind the service proxy when metrics.yaml declares one; series labels take node from the pod.</summary>
    private static PrometheusApi? PrometheusFor(MetricsScenario? metrics, ObjectStore store, DateTimeOffset now, PrometheusAlertsScenario? ruleAlerts)
    {
        if (metrics?.PrometheusWithNodes is not { } prom) return null;
        return NewPrometheus(prom, store, now, Serves(ruleAlerts, prom) ? ruleAlerts!.Alerts : []);
    }

    /// <summary>alerts.yaml's prometheus: on a Service metrics.yaml's Prometheus does not use gets a Prometheus without series.</summary>
    private static PrometheusApi? AlertsPrometheusFor(AlertsScenario? alerts, PrometheusApi? metricsPrometheus, ObjectStore store, DateTimeOffset now)
    {
        if (alerts?.Prometheus is not { } rules || (metricsPrometheus is not null && Serves(rules, metricsPrometheus.Scenario))) return null;
        var empty = new PrometheusScenario(rules.Service.Namespace, rules.Service.Name, rules.Service.Port, TimeSpan.FromMinutes(1), 1, []);
        return NewPrometheus(empty, store, now, rules.Alerts);
    }

    private static bool Serves(PrometheusAlertsScenario? rules, PrometheusScenario prom) =>
        rules is not null && rules.Service == new ProxiedService(prom.Namespace, prom.Service, prom.Port);

    private static PrometheusApi NewPrometheus(PrometheusScenario prom, ObjectStore store, DateTimeOffset now, IReadOnlyList<PromRuleAlert> ruleAlerts)
    {
        var podType = store.Registry.ByPlural("", "v1", "pods")!;
        string? NodeOf(string ns, string pod) =>
            store.Get(podType).Current.Find(ns, pod) is { } o ? System.Text.Json.Nodes.JsonNode.Parse(o.Json)?["spec"]?["nodeName"]?.ToString() : null;
        return new PrometheusApi(prom, new PromEvaluator(prom, NodeOf, now, () => DateTimeOffset.UtcNow), () => DateTimeOffset.UtcNow) { RuleAlerts = ruleAlerts };
    }

    private const string RootCaDescription =
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
        + "No other usage is guaranteed across distributions of Kubernetes clusters.";

    private static void BuildStore(ObjectStore store, LogStore logs, ScenarioData data, SimOptions options, DateTimeOffset now, MetricsScenario? metrics, string caPem)
    {
        var registry = store.Registry;
        var present = new HashSet<(ResourceType, string, string)>(data.Objects.Select(o =>
            (o.Type, (string?)o.Obj["metadata"]!["namespace"] ?? "", (string)o.Obj["metadata"]!["name"]!)));
        var extra = new List<(ResourceType, JsonObject)>();
        foreach (var obj in DefaultPolicy.Objects())
        {
            var t = registry.ByKind((string)obj["apiVersion"]!, (string)obj["kind"]!)!;
            if (!present.Contains((t, "", (string)obj["metadata"]!["name"]!))) extra.Add((t, obj));
        }
        var generated = options.GeneratePods > 0 ? new ClusterGenerator(registry, options.GeneratePods, options.GenerateSeed, now) : null;

        // Every namespace an object lives in exists as a Namespace object, as in a real cluster.
        var nsType = registry.ByPlural("", "v1", "namespaces")!;
        var namespaces = new SortedSet<string>(StringComparer.Ordinal) { "default", "kube-system", "kube-public", "kube-node-lease" };
        foreach (var (_, obj, _) in data.Objects)
            if ((string?)obj["metadata"]!["namespace"] is { Length: > 0 } ns) namespaces.Add(ns);
        if (generated != null) foreach (var ns in generated.Namespaces) namespaces.Add(ns);
        foreach (var ns in namespaces)
        {
            if (present.Contains((nsType, "", ns))) continue;
            extra.Add((nsType, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } },
                ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            }));
        }

        // Every namespace has the kube-root-ca.crt ConfigMap (published by kube-controller-manager) and the default
        // ServiceAccount, as in a real cluster, unless cluster.yaml sets namespaceDefaults: false.
        if (data.Cluster.NamespaceDefaults)
        {
            var cmType = registry.ByPlural("", "v1", "configmaps")!;
            var saType = registry.ByPlural("", "v1", "serviceaccounts")!;
            foreach (var ns in namespaces)
            {
                if (!present.Contains((cmType, ns, "kube-root-ca.crt")))
                    extra.Add((cmType, new JsonObject
                    {
                        ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = "kube-root-ca.crt", ["namespace"] = ns,
                            ["annotations"] = new JsonObject { ["kubernetes.io/description"] = RootCaDescription },
                        },
                        ["data"] = new JsonObject { ["ca.crt"] = caPem },
                    }));
                if (!present.Contains((saType, ns, "default")))
                    extra.Add((saType, new JsonObject
                    {
                        ["apiVersion"] = "v1", ["kind"] = "ServiceAccount",
                        ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns },
                    }));
            }
        }

        // Every node has its heartbeat Lease in kube-node-lease, as kubelets keep them (kubectl describe node shows it).
        var leaseType = registry.ByPlural("coordination.k8s.io", "v1", "leases")!;
        var nodeNames = data.Objects.Where(o => o.Type.Kind == "Node" && o.Type.Group == "").Select(o => (string)o.Obj["metadata"]!["name"]!);
        if (generated != null) nodeNames = nodeNames.Concat(generated.NodeNames);
        foreach (var node in nodeNames.Distinct().ToList())
        {
            if (present.Contains((leaseType, "kube-node-lease", node))) continue;
            extra.Add((leaseType, new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = node, ["namespace"] = "kube-node-lease" },
                ["spec"] = new JsonObject
                {
                    ["holderIdentity"] = node, ["leaseDurationSeconds"] = 40,
                    ["renewTime"] = RelativeTime.FormatMicro(now.AddSeconds(-7)),
                },
            }));
        }
        // The EndpointSlices kube-controller-manager would keep for the scenario's Services.
        List<JsonObject> Core(string group, string kind) => data.Objects.Where(o => o.Type.Group == group && o.Type.Kind == kind).Select(o => o.Obj).ToList();
        var sliceType = registry.ByPlural("discovery.k8s.io", "v1", "endpointslices")!;
        var endpointsType = registry.ByPlural("", "v1", "endpoints")!;
        foreach (var derived in EndpointSlices.Derive(Core("", "Service"), Core("", "Pod"), Core("discovery.k8s.io", "EndpointSlice"), Core("", "Endpoints")))
            extra.Add(((string?)derived["kind"] == "Endpoints" ? endpointsType : sliceType, derived));
        ScenarioLoader.LinkEvents(data.Objects);
        var all = new List<(ResourceType, StoredObject)>(data.Objects.Count + extra.Count);
        long rv = 1000;
        var defaultCreation = now.AddDays(-1);
        foreach (var (type, obj) in extra)
            all.Add((type, StoredObject.FromJson(ScenarioLoader.Normalise(type, obj, ++rv, now.AddDays(-30)), type.Kind)));
        foreach (var (type, obj, _) in data.Objects)
            all.Add((type, StoredObject.FromJson(ScenarioLoader.Normalise(type, obj, ++rv, defaultCreation), type.Kind)));
        if (generated != null)
        {
            var gsw = Stopwatch.StartNew();
            foreach (var (type, obj) in generated.Generate(() => ++rv)) all.Add((type, obj));
            if (Environment.GetEnvironmentVariable("KSTACK_SIM_TRACE") == "1") Console.Error.WriteLine($"generate {gsw.ElapsedMilliseconds} ms");
            logs.Fallback = generated.LogsFor;
        }
        if (metrics != null || generated != null)
            all.AddRange(MetricsObjects.Build(registry, metrics, all, generated?.NodeNames.ToHashSet(StringComparer.Ordinal) ?? [], now, () => ++rv));
        store.Load(all, rv);
        foreach (var (ns, pod, container, previous, lines) in data.Logs) logs.Replace(ns, pod, container, previous, lines);
    }

    private Identity? Authenticate(HttpContext ctx, out bool presented)
    {
        presented = false;
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        presented = true;
        var token = auth[7..].Trim();
        if (!_byToken.TryGetValue(token, out var u)) return _handler.Tokens.Resolve(token, DateTimeOffset.UtcNow, _handler.ServiceAccountUid);
        var groups = u.Groups.Contains("system:authenticated") ? u.Groups : u.Groups.Append("system:authenticated").ToList();
        return new Identity(u.Name, groups);
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var started = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        var req = ctx.Request;
        var path = req.Path.Value ?? "/";
        var query = req.QueryString.Value ?? "";
        var info = RequestInfo.Parse(req.Method, path, k => req.Query[k].FirstOrDefault(), Store.Registry);
        var id = Authenticate(ctx, out var presented);
        if (id == null && !presented && PublicPaths.Contains(path)) id = new Identity("system:anonymous", ["system:unauthenticated"]);
        var user = id?.User ?? "system:anonymous";
        var fault = _faults.Match(req.Method, path, query, user);
        var res = new Responder(ctx, fault?.TruncateAfterBytes ?? fault?.StallAfterBytes, stall: fault?.StallAfterBytes is not null);
        var status = 0;
        try
        {
            if (fault is { LatencyMs: > 0 }) await Task.Delay(fault.LatencyMs, ctx.RequestAborted);
            if (fault is { Reset: true })
            {
                ctx.Abort();
                return;
            }
            if (fault?.Status is { } code)
            {
                if (fault.RetryAfter is { } ra) ctx.Response.Headers.RetryAfter = ra.ToString(CultureInfo.InvariantCulture);
                var message = code switch
                {
                    429 => "Too many requests, please try again later.",
                    503 => "the server is currently unable to handle the request",
                    504 => "the server was unable to return a response in the time allotted, but may still be processing the request",
                    _ => $"injected fault: status {code}",
                };
                await ApiHandler.WriteStatus(res, new StatusError(code, StatusError.ReasonFor(code), message, RetryAfterSeconds: fault.RetryAfter));
            }
            else if (id == null) await ApiHandler.WriteStatus(res, StatusError.Unauthorized());
            else
            {
                try
                {
                    await _handler.HandleAsync(ctx, info, id, res);
                }
                catch (Exception e) when (ApiHandler.IsExpired(e))
                {
                    await _handler.HandleExpiredAsync(res, e);
                }
            }
            await res.CompleteAsync();
            status = res.Aborted ? 0 : ctx.Response.StatusCode;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            status = 499;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"kstack-sim: {req.Method} {path}{query}: {e.GetType().Name}: {e.Message}");
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.Clear();
                await ApiHandler.WriteStatus(res, new StatusError(500, "InternalError", $"Internal error occurred: {e.Message}"));
                await res.CompleteAsync();
                status = 500;
            }
            else ctx.Abort();
        }
        finally
        {
            var verb = info.IsResourceRequest ? info.Verb : req.Method.ToLowerInvariant();
            _audit.Write(started, user, verb, req.Method, path, query.TrimStart('?'), req.Headers.Accept.ToString(), status, res.Bytes, sw.Elapsed.TotalMilliseconds,
                ctx.Items[ApiHandler.AuditUidKey] as string, ctx.Items[ApiHandler.AuditPreconditionUidKey] as string);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _audit.Dispose();
            _certs.Dispose();
            _stopping.Dispose();
            if (_tempDir != null)
            {
                try { Directory.Delete(_tempDir, true); }
                catch (IOException) { }
            }
        }
    }
}
