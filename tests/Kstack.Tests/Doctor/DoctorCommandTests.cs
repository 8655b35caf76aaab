using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Doctor;

/// <summary>`kstack doctor` against kstack-sim: every check is a line, and the read-only ClusterRole in the repo is enough.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DoctorCommandTests
{
    private static string Line(string content, string prefix) =>
        content.Split('\n').FirstOrDefault(l => l.Contains(prefix, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line with `{prefix}` in:\n{content}");

    [Fact]
    public async Task An_admin_on_the_simulator_gets_ok_for_cluster_rbac_and_root()
    {
        await using var sim = await SimCluster.StartAsync("healthy");
        var r = sim.Kstack("doctor").AssertOk();
        Assert.Equal("verbatim", (string?)r.Envelope["render"]);
        Assert.Equal("sim-admin", (string?)r.Envelope["kube_context"]);
        Assert.StartsWith("ok    kubeconfig: ", Line(r.Content, "kubeconfig:"));
        Assert.Equal("ok    context: sim-admin (current-context)", Line(r.Content, "context: "));
        Assert.StartsWith("ok    API server: reachable, Kubernetes v", Line(r.Content, "API server:"));
        foreach (var skill in new[] { "cluster-status", "events", "investigate", "logs", "metrics", "alerts", "audit-security", "exec" })
            Assert.StartsWith($"ok    RBAC /{skill}: allowed (", Line(r.Content, $"RBAC /{skill}:"));
        Assert.StartsWith($"ok    install root: {sim.Root}", Line(r.Content, "install root:"));
        Assert.Matches(@"\n\d+ ok, \d+ warn, 0 fail$", r.Content);
        Assert.All(r.Content.Split('\n').SkipLast(2), l => Assert.Matches("^(ok    |warn  |fail  )", l));
    }

    [Fact]
    public async Task A_namespace_scoped_user_is_told_what_is_missing_until_the_reader_role_is_bound()
    {
        await using var sim = await SimCluster.StartAsync("rbac-limited");
        var before = sim.Kstack("doctor", "--context", "sim-dev").AssertOk();
        Assert.StartsWith("fail  RBAC /cluster-status: cannot work, not allowed: list nodes", Line(before.Content, "RBAC /cluster-status:"));
        Assert.Contains("— fix: bind the ClusterRole in deploy/rbac/kstack-reader.yaml to your user", Line(before.Content, "RBAC /cluster-status:"));

        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = sim.Server.KubeconfigPath, ["HOME"] = sim.Home };
        var role = Path.Combine(KstackProcess.RepoRoot, "deploy", "rbac", "kstack-reader.yaml");
        var create = KstackProcess.Run("kubectl", ["--context=sim-admin", "create", "--validate=false", "-f", role], env);
        Assert.True(create.Exit == 0, create.Stderr);
        var bind = KstackProcess.Run("kubectl", ["--context=sim-admin", "create", "clusterrolebinding", "kstack-reader-dev", "--clusterrole=kstack-reader", "--user=dev"], env);
        Assert.True(bind.Exit == 0, bind.Stderr);

        var after = sim.Kstack("doctor", "--context", "sim-dev").AssertOk();
        foreach (var skill in new[] { "cluster-status", "events", "investigate", "logs", "metrics", "alerts", "audit-security" })
            Assert.StartsWith($"ok    RBAC /{skill}: allowed (", Line(after.Content, $"RBAC /{skill}:"));
        Assert.StartsWith("warn  RBAC /exec: not allowed: create pods/exec", Line(after.Content, "RBAC /exec:"));
        // The role really serves the skills: /cluster-status now reads nodes as dev.
        Assert.DoesNotContain("not readable", sim.Kstack("cluster-status", "--context", "sim-dev", "--refresh").AssertOk().Content);
    }

    [Fact]
    public async Task Tools_agents_and_a_read_only_root_are_reported_with_their_fix()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        var r = sim.Kstack("doctor").AssertOk();
        foreach (var tool in new[] { "kubectl", "tmux", "jq" })
            Assert.Matches($"^(ok    {tool}: /|warn  {tool}: not on PATH \\(.*\\) — fix: )", Line(r.Content, tool + ": "));
        Assert.Equal($"warn  install: no kstack install at {sim.Root} — fix: run `kstack install` (or `kstack install --local` in a project)", Line(r.Content, "install: "));

        using var ro = new Kstack.Tests.Cache.ReadOnlyDir();
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = sim.Server.KubeconfigPath, ["KSTACK_ROOT"] = ro.Dir, ["HOME"] = sim.Home };
        var sandboxed = SimCluster.KstackIn(env, "doctor").AssertOk();
        Assert.StartsWith($"fail  install root: cannot write to {ro.Dir} (read-only file system); an agent sandbox", Line(sandboxed.Content, "install root:"));
    }

    [Fact]
    public async Task Installed_skills_are_listed_per_agent_with_the_command_to_type()
    {
        await using var sim = await SimCluster.StartAsync("minimal");
        sim.Kstack("install", "--agent", "codex", "-q").AssertOk();
        var r = sim.Kstack("doctor").AssertOk();
        Assert.Contains($"; kstack skills: {Kstack.Commands.SkillCatalogue.Names.Count()} in {Path.Combine(sim.Home, ".agents", "skills")}; type $kstack-cluster-status", Line(r.Content, "codex: "));
    }

    [Fact]
    public void Without_a_kubeconfig_the_cluster_lines_fail_with_the_fix_and_the_rest_still_runs()
    {
        using var box = new Kstack.Tests.Install.Sandbox();
        var r = box.Run(new[] { "doctor" }, env: new Dictionary<string, string> { ["KUBECONFIG"] = Path.Combine(box.Dir, "nope") }).AssertOk();
        Assert.StartsWith("fail  kubeconfig: none found (looked at ", r.Content);
        Assert.Contains("— fix: set KUBECONFIG to your kubeconfig file, or create ~/.kube/config", r.Content);
        Assert.Contains("install root: ", r.Content);
    }
}
