using System.Text.Json.Nodes;
using Kstack.Sim;
using Xunit;

namespace Kstack.Tests.Support;

/// <summary>
/// An in-process kstack-sim over real HTTPS with its own kubeconfig, audit log, kstack root and HOME; runs the built
/// kstack binary against it and checks every envelope.
/// </summary>
public sealed class SimCluster : IAsyncDisposable
{
    private SimCluster(SimServer server, string dir)
    {
        Server = server;
        Dir = dir;
    }

    internal SimServer Server { get; }
    public string Dir { get; }
    public string AuditLog => Path.Combine(Dir, "audit.log");
    public string Root => Path.Combine(Dir, "root");
    public string Home => Path.Combine(Dir, "home");

    public static Task<SimCluster> StartAsync(string scenario, string? faultsYaml = null, int generatePods = 0) =>
        StartMergedAsync([scenario], faultsYaml, generatePods);

    /// <summary>Several scenarios (names or directories) merged into one cluster, as `kstack-sim --scenario a --scenario b`.</summary>
    public static async Task<SimCluster> StartMergedAsync(IReadOnlyList<string> scenarios, string? faultsYaml = null, int generatePods = 0)
    {
        var dir = Directory.CreateTempSubdirectory("kstack-sim-test-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "home"));
        string? faults = null;
        if (faultsYaml is not null) File.WriteAllText(faults = Path.Combine(dir, "faults.yaml"), faultsYaml);
        var server = await SimServer.StartAsync(new SimOptions
        {
            Scenarios = scenarios,
            KubeconfigPath = Path.Combine(dir, "kubeconfig"),
            AuditLogPath = Path.Combine(dir, "audit.log"),
            FaultsPath = faults,
            GeneratePods = generatePods,
        });
        return new SimCluster(server, dir);
    }

    public sealed record Run(JsonObject Envelope, string Stdout)
    {
        public bool Ok => (string?)Envelope["status"] == "ok";
        public string Content => (string?)Envelope["content"] ?? "";
        public string Message => (string?)Envelope["message"] ?? "";
        public string Kind => (string?)Envelope["kind"] ?? "";
        public JsonObject AgentContext => JsonNode.Parse((string?)Envelope["agent_context"] ?? "{}")!.AsObject();
        public string CacheDir => (string)AgentContext["cache_dir"]!;

        public Run AssertOk()
        {
            Assert.True(Ok, "expected ok, got " + Stdout);
            return this;
        }
    }

    /// <summary>Runs kstack against the simulator: exit 0, empty stderr, exactly one schema-valid envelope.</summary>
    public Run Kstack(params string[] args) => KstackWith(null, args);

    public Run KstackWith(string? root, params string[] args) => KstackIn(new Dictionary<string, string?>
    {
        ["KUBECONFIG"] = Server.KubeconfigPath, ["KSTACK_ROOT"] = root ?? Root, ["HOME"] = Home,
    }, args);

    /// <summary>Runs kstack with exactly these environment overrides; exit 0, empty stderr, one schema-valid envelope.</summary>
    public static Run KstackIn(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var output = KstackProcess.Run(KstackProcess.KstackBin, args, env, timeoutMs: 120_000);
        Assert.True(output.Exit == 0, $"kstack {string.Join(' ', args)}: exit {output.Exit}; stderr: {output.Stderr}");
        Assert.True(output.Stderr.Length == 0, $"kstack {string.Join(' ', args)}: stderr: {output.Stderr}");
        return new Run(EnvelopeAssert.Valid(output.Stdout), output.Stdout);
    }

    /// <summary>Audit log entries written so far (one JSON object per request).</summary>
    public IReadOnlyList<JsonObject> Audit() =>
        File.Exists(AuditLog)
            ? File.ReadAllLines(AuditLog).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
