using Kstack.Sim.Scenarios;
using Xunit;

namespace Kstack.Sim.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    private static string Scenario(params (string Name, string Content)[] files)
    {
        var dir = TestSupport.TempDir();
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        return dir;
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n", 1, "YAML syntax error")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {labels: {}}\n", 1, "metadata.name is required")]
    [InlineData("---\napiVersion: v1\nkind: Gizmo\nmetadata: {name: g}\n", 0, "unknown kind \"Gizmo\"")]
    [InlineData("kind: Pod\nmetadata: {name: a}\n", 0, "apiVersion is required")]
    [InlineData("- just\n- a list\n", 0, "must be a mapping")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a/b}\n", 0, "may not contain '/'")]
    [InlineData("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n- {kind: ConfigMap}\n", 0, "items[1]: apiVersion is required")]
    public async Task Bad_files_name_file_document_and_reason(string yaml, int doc, string reason)
    {
        var dir = Scenario(("good.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"), ("objects.yaml", yaml));
        var e = await Assert.ThrowsAsync<ScenarioException>(() => SimServer.StartAsync(new SimOptions { Scenarios = [dir] }));
        Assert.EndsWith("objects.yaml", e.File);
        Assert.Equal(doc, e.Document);
        Assert.Contains(reason, e.Reason);
        Assert.Contains($"objects.yaml: document {doc}: ", e.Message);
    }

    [Fact]
    public async Task Cli_exits_with_two_on_bad_scenario()
    {
        var dir = Scenario(("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n"));
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(2, await SimCli.RunAsync(["--scenario", dir, "--kubeconfig", Path.Combine(dir, "kc")]));
        }
        finally
        {
            Console.SetError(old);
        }
        Assert.Contains("bad.yaml: document 0: YAML syntax error", err.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "kc")));
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"back\\ud800off\"}}")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\\udc00\":\"v\"}}}")]
    public async Task Cli_exits_with_two_on_a_lone_surrogate_in_json(string json)
    {
        var dir = Scenario(("objects.json", json));
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(2, await SimCli.RunAsync(["--scenario", dir, "--kubeconfig", Path.Combine(dir, "kc")]));
        }
        finally
        {
            Console.SetError(old);
        }
        Assert.Contains("objects.json: document 0: ", err.ToString());
        Assert.Contains("lone UTF-16 surrogate", err.ToString());
    }

    [Fact]
    public async Task Merges_scenarios_fills_defaults_and_resolves_relative_times()
    {
        var a = Scenario(("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n1}\ndata: {v: \"1\", n: 007, t: true}\n"),
            ("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: n1, labels: {canary: true}}\nspec:\n  containers:\n  - name: app\n    image: x\n    ports: [{containerPort: 8080}]\n    resources: {requests: {cpu: 1}, limits: {cpu: 0.5}}\n"));
        var b = Scenario(("b.json", """{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"n1"},"data":{"v":"2"}}]}"""),
            ("e.yaml", "apiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: n1}\ninvolvedObject: {kind: ConfigMap, name: c, namespace: n1}\nfirstTimestamp: now-5m\nlastTimestamp: now\n"),
            ("users.yaml", "users:\n- {name: ro, token: ro-token, groups: [readers]}\n"),
            ("logs/n1/p/app.log", "line one\nline two\n"));
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = [a, b] });
        var cm = System.Text.Json.JsonDocument.Parse(server.Store.TryGet("v1", "ConfigMap", "n1", "c")!).RootElement;
        Assert.Equal("2", cm.GetProperty("data").GetProperty("v").GetString());
        var typed = System.Text.Json.JsonDocument.Parse(server.Store.TryGet("v1", "Pod", "n1", "q")!).RootElement;
        var res = typed.GetProperty("spec").GetProperty("containers")[0].GetProperty("resources");
        Assert.Equal("1", res.GetProperty("requests").GetProperty("cpu").GetString());
        Assert.Equal("0.5", res.GetProperty("limits").GetProperty("cpu").GetString());
        Assert.Equal("true", typed.GetProperty("metadata").GetProperty("labels").GetProperty("canary").GetString());
        Assert.Equal(8080, typed.GetProperty("spec").GetProperty("containers")[0].GetProperty("ports")[0].GetProperty("containerPort").GetInt32());
        var meta = cm.GetProperty("metadata");
        Assert.Equal(ScenarioLoader.DeterministicUid("v1", "ConfigMap", "n1", "c"), meta.GetProperty("uid").GetString());
        Assert.True(long.Parse(meta.GetProperty("resourceVersion").GetString()!) > 0);
        Assert.True(meta.TryGetProperty("creationTimestamp", out _));
        var ev = System.Text.Json.JsonDocument.Parse(server.Store.TryGet("v1", "Event", "n1", "e1")!).RootElement;
        Assert.Equal(meta.GetProperty("uid").GetString(), ev.GetProperty("involvedObject").GetProperty("uid").GetString());
        var first = DateTimeOffset.Parse(ev.GetProperty("firstTimestamp").GetString()!);
        Assert.InRange(DateTimeOffset.UtcNow - first, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
        Assert.Contains(server.Users, u => u.Name == "ro" && u.Token == "ro-token");
        Assert.NotNull(server.Store.TryGet("v1", "Namespace", null, "n1"));
        Assert.Equal(2, server.Logs.Find("n1", "p", "app", false)!.Count);
        Assert.Contains("sim-ro", await File.ReadAllTextAsync(server.KubeconfigPath));
    }

    [Fact]
    public async Task Objects_in_cluster_yaml_are_loaded_beside_its_settings()
    {
        var dir = Scenario(("cluster.yaml",
            "kubernetesVersion: v1.30.4\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-cluster-yaml, namespace: n1}\n"));
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = [dir] });
        Assert.NotNull(server.Store.TryGet("v1", "ConfigMap", "n1", "from-cluster-yaml"));
        using var client = TestSupport.Client(server);
        Assert.Equal("v1.30.4", (await TestSupport.GetJson(client, "/version")).GetProperty("gitVersion").GetString());
    }

    [Fact]
    public async Task An_unknown_key_in_cluster_yaml_fails_naming_the_file()
    {
        var dir = Scenario(("cluster.yaml", "kubernetesVersion: v1.31.2\nmetadata: {name: half-an-object}\n"));
        var e = await Assert.ThrowsAsync<ScenarioException>(() => SimServer.StartAsync(new SimOptions { Scenarios = [dir] }));
        Assert.EndsWith("cluster.yaml", e.File);
        Assert.Contains("unknown setting \"metadata\"", e.Reason);
    }

    [Fact]
    public async Task Every_namespace_gets_the_root_ca_config_map_and_the_default_service_account()
    {
        var dir = Scenario(("objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\n"));
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = [dir], GeneratePods = 120 });
        var nsType = server.Store.Registry.ByKind("v1", "Namespace")!;
        var namespaces = server.Store.Get(nsType).Current.Items.Select(n => n.Name).ToList();
        Assert.Contains("shop", namespaces);
        Assert.True(namespaces.Count >= 7, "generated namespaces are served too: " + string.Join(",", namespaces));
        foreach (var ns in namespaces)
        {
            var ca = server.Store.TryGet("v1", "ConfigMap", ns, "kube-root-ca.crt");
            Assert.True(ca is not null, $"namespace {ns} lacks kube-root-ca.crt");
            Assert.Contains("BEGIN CERTIFICATE", System.Text.Json.JsonDocument.Parse(ca!).RootElement.GetProperty("data").GetProperty("ca.crt").GetString());
            Assert.True(server.Store.TryGet("v1", "ServiceAccount", ns, "default") is not null, $"namespace {ns} lacks the default ServiceAccount");
        }
    }

    [Fact]
    public async Task Namespace_defaults_can_be_turned_off_by_the_scenario()
    {
        var dir = Scenario(("cluster.yaml", "namespaceDefaults: false\n"), ("objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\n"));
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = [dir] });
        Assert.Null(server.Store.TryGet("v1", "ConfigMap", "shop", "kube-root-ca.crt"));
        Assert.Null(server.Store.TryGet("v1", "ServiceAccount", "shop", "default"));
    }

    [Fact]
    public void Unknown_builtin_name_is_an_error()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioSource.Resolve("no-such-scenario-xyz"));
        Assert.Contains("no such scenario", e.Reason);
    }

    [Fact]
    public void Yaml_scalars_are_typed_like_kubernetes()
    {
        var doc = YamlToJson.Parse("a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: 'yes'\ng: yes\nh: 0x10\n").Single();
        var o = doc.Node!.AsObject();
        Assert.Equal(1L, o["a"]!.GetValue<long>());
        Assert.Equal("1", o["b"]!.GetValue<string>());
        Assert.True(o["c"]!.GetValue<bool>());
        Assert.Null(o["d"]);
        Assert.Equal(1.5, o["e"]!.GetValue<double>());
        Assert.Equal("yes", o["f"]!.GetValue<string>());
        Assert.Equal("yes", o["g"]!.GetValue<string>());
        Assert.Equal(16L, o["h"]!.GetValue<long>());
    }
}

public sealed class ScenarioSourceTests
{
    [Fact]
    public async Task Builtin_scenarios_are_embedded()
    {
        Assert.Contains("minimal", ScenarioSource.BuiltinNames());
        var src = ScenarioSource.Resolve("minimal");
        Assert.Contains(src.Files, f => f.RelativePath == "logs/default/hello/app.log");
        Assert.DoesNotContain(src.Files, f => f.RelativePath.EndsWith("README.md"));
        var cwd = Environment.CurrentDirectory;
        await using var server = await SimServer.StartAsync(new SimOptions { Scenarios = ["minimal"] });
        Assert.NotNull(server.Store.TryGet("v1", "Pod", "default", "hello"));
        Assert.Equal(cwd, Environment.CurrentDirectory);
    }
}
