using System.Text.Json.Nodes;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Install;
using Kstack.Kube;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Doctor;

/// <summary>
/// `kstack doctor [--context &lt;ctx&gt;]`: one verbatim report, one line per check, each ok / warn / fail with its fix:
/// kubeconfig and context, API reachability and version, RBAC per skill (SelfSubjectAccessReview), kubectl/tmux/jq,
/// install root writability (agent sandboxes), and the agents found with their installed kstack skills.
/// </summary>
internal static class DoctorCommand
{
    public const string Usage =
        """
        kstack doctor — check what kstack needs, line by line, each with its fix.

        Usage: kstack doctor [--context <ctx>]

          --context <ctx>   Check this kubeconfig context instead of the current-context
          -h, --help        Show this help

        Checks: kubeconfig and context, API server reachability and version, the RBAC each skill uses (asked with
        SelfSubjectAccessReview; deploy/rbac/kstack-reader.yaml grants the read-only ones), kubectl, tmux and jq on PATH,
        whether the install root is writable (agent sandboxes), and each agent's CLI and installed kstack skills.
        """;

    public const string ReaderRole = "deploy/rbac/kstack-reader.yaml";

    private enum Level { Ok, Warn, Fail }

    private sealed record Line(Level Level, string Text, string? Fix = null);

    public static Task<Env> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct) =>
        InvokeAsync(args, Directory.GetCurrentDirectory(), AgentHomes.Current(InstallTarget.Home()), Environment.GetEnvironmentVariable("PATH"), ct);

    public static async Task<Env> InvokeAsync(IReadOnlyList<string> args, string cwd, AgentHomes homes, string? path, CancellationToken ct)
    {
        string? contextFlag = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help") return Env.Verbatim(Usage);
            if (a == "--context" && i + 1 < args.Count && args[i + 1].Length > 0) contextFlag = args[++i];
            else if (a.StartsWith("--context=", StringComparison.Ordinal) && a.Length > "--context=".Length) contextFlag = a["--context=".Length..];
            else return Env.UserError(a.StartsWith("--context", StringComparison.Ordinal) ? "Flag --context requires a value." : $"Unknown option: {TerminalText.Clean(a)}\n{Usage.Split('\n')[2]}");
        }

        var lines = new List<Line>();
        var context = await ClusterChecks(lines, contextFlag, ct);
        ToolChecks(lines, path);
        var root = InstallRoot.Resolve();
        RootCheck(lines, root);
        AgentChecks(lines, root, homes, cwd, path);

        var text = lines.Select(l => $"{Tag(l.Level)}{l.Text}{(l.Fix is null ? "" : $" — fix: {l.Fix}")}").ToList();
        text.Add("");
        text.Add($"{lines.Count(l => l.Level == Level.Ok)} ok, {lines.Count(l => l.Level == Level.Warn)} warn, {lines.Count(l => l.Level == Level.Fail)} fail");
        return Env.Verbatim(string.Join('\n', text)) with { KubeContext = context };
    }

    private static string Tag(Level level) => level switch { Level.Ok => "ok    ", Level.Warn => "warn  ", _ => "fail  " };

    /// <summary>Kubeconfig, context, /version and the access reviews; returns the context checked (null when there is none).</summary>
    private static async Task<string?> ClusterChecks(List<Line> lines, string? contextFlag, CancellationToken ct)
    {
        Kubeconfig kubeconfig;
        try
        {
            kubeconfig = Kubeconfig.Load();
        }
        catch (KstackException e)
        {
            lines.Add(new(Level.Fail, "kubeconfig: " + e.Message, "fix or replace that file (KUBECONFIG names the files kstack reads)"));
            return null;
        }
        if (kubeconfig.Files.Count == 0)
        {
            lines.Add(new(Level.Fail, $"kubeconfig: none found (looked at {string.Join(", ", Kubeconfig.DefaultPaths())})", "set KUBECONFIG to your kubeconfig file, or create ~/.kube/config"));
            return null;
        }
        lines.Add(new(Level.Ok, $"kubeconfig: {string.Join(", ", kubeconfig.Files)} ({kubeconfig.ContextNames.Count()} contexts)"));

        var fromEnv = Environment.GetEnvironmentVariable("KSTACK_KUBE_CONTEXT") is { Length: > 0 } env ? env : null;
        var context = contextFlag ?? fromEnv ?? kubeconfig.CurrentContext;
        var source = contextFlag is not null ? "--context" : fromEnv is not null ? "KSTACK_KUBE_CONTEXT" : "current-context";
        if (context is null)
        {
            lines.Add(new(Level.Fail, "context: the kubeconfig has no current-context", "pass --context <name>, or run `kubectl config use-context <name>`"));
            return null;
        }
        if (!kubeconfig.HasContext(context))
        {
            lines.Add(new(Level.Fail, $"context: {kubeconfig.UnknownContextMessage(context).Split('\n')[0]}", "pass --context with one of the kubeconfig's contexts"));
            return null;
        }
        lines.Add(new(Level.Ok, $"context: {DataText.Token(context, 80)} ({source})"));

        KubeApi api;
        try
        {
            api = new KubeApi(kubeconfig, context, TimeSpan.FromSeconds(20)) { MaxAttempts = 1 };
        }
        catch (KstackException e)
        {
            lines.Add(new(Level.Fail, "API server: " + e.Message, "fix the context's cluster and user entries in the kubeconfig"));
            return context;
        }
        using (api)
        {
            try
            {
                var version = await api.GetObjectAsync("/version", ApiAction.Get("the server version"), ct);
                var git = version is { ValueKind: System.Text.Json.JsonValueKind.Object } doc && doc.TryGetProperty("gitVersion", out var v)
                          && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
                lines.Add(new(Level.Ok, $"API server: reachable, Kubernetes {DataText.Token(git ?? "(version not reported)", 40)}"));
            }
            catch (KstackException e)
            {
                lines.Add(new(Level.Fail, "API server: " + e.Message.Split('\n')[0], "check the network path to the cluster (VPN, proxy) and that the credentials are current"));
                return context;
            }
            await RbacChecks(lines, api, ct);
        }
        return context;
    }

    private static async Task RbacChecks(List<Line> lines, KubeApi api, CancellationToken ct)
    {
        var all = SkillAccess.All.SelectMany(n => n.Required.Concat(n.Optional)).Distinct().ToList();
        bool?[] answers;
        try
        {
            answers = await Task.WhenAll(all.Select(a => AllowedAsync(api, a, ct)));
        }
        catch (KstackException e)
        {
            lines.Add(new(Level.Warn, "RBAC: cannot ask the API server: " + e.Message.Split('\n')[0], "check that authorization.k8s.io/v1 SelfSubjectAccessReview is served"));
            return;
        }
        var allowed = all.Zip(answers).ToDictionary(p => p.First, p => p.Second);
        foreach (var needs in SkillAccess.All)
        {
            var missing = needs.Required.Where(a => allowed[a] != true).ToList();
            var optional = needs.Optional.Where(a => allowed[a] != true).ToList();
            var name = "/" + needs.Skill;
            if (missing.Count == 0 && optional.Count == 0)
                lines.Add(new(Level.Ok, $"RBAC {name}: allowed ({string.Join(", ", needs.Required.Concat(needs.Optional))})"));
            else if (needs.Skill == "exec")
                lines.Add(new(Level.Warn, $"RBAC {name}: not allowed: {string.Join(", ", missing.Concat(optional))}",
                    "a shell needs write access (not part of the read-only role): ask your cluster admin if you need /exec"));
            else if (missing.Count > 0)
                lines.Add(new(Level.Fail, $"RBAC {name}: cannot work, not allowed: {string.Join(", ", missing)}", $"bind the ClusterRole in {ReaderRole} to your user (`kubectl create clusterrolebinding …`)"));
            else
                lines.Add(new(Level.Warn, $"RBAC {name}: works; reported as not readable: {string.Join(", ", optional)}", $"bind the ClusterRole in {ReaderRole} to your user for the full answer"));
        }
    }

    /// <summary>One cluster-wide SelfSubjectAccessReview; null when the server gave no answer for it.</summary>
    private static async Task<bool?> AllowedAsync(KubeApi api, Access access, CancellationToken ct)
    {
        var attributes = new JsonObject { ["verb"] = access.Verb, ["group"] = access.Group, ["resource"] = access.Resource };
        if (access.Subresource is not null) attributes["subresource"] = access.Subresource;
        var body = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectAccessReview",
            ["spec"] = new JsonObject { ["resourceAttributes"] = attributes },
        };
        var (code, text) = await api.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body.ToJsonString(), "check access", ct);
        if ((int)code is < 200 or > 299) return null;
        try { return (bool?)JsonNode.Parse(text)?["status"]?["allowed"] ?? false; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static void ToolChecks(List<Line> lines, string? path)
    {
        foreach (var (tool, forWhat, install) in new[]
                 {
                     ("kubectl", "/exec runs kubectl exec and kubectl debug", "install kubectl (https://kubernetes.io/docs/tasks/tools/)"),
                     ("tmux", "/logs and /exec open shared tmux panes", "apt install tmux / brew install tmux"),
                     ("jq", "the SKILL.md follow-up recipes query the cache with jq", "apt install jq / brew install jq"),
                 })
        {
            if (AgentTable.FindOnPath(tool, path) is { } found) lines.Add(new(Level.Ok, $"{tool}: {found}"));
            else lines.Add(new(Level.Warn, $"{tool}: not on PATH ({forWhat})", install));
        }
    }

    private static void RootCheck(List<Line> lines, InstallRoot root)
    {
        var problem = WritableRoot.Problem(root.DataDir);
        if (problem is null) lines.Add(new(Level.Ok, $"install root: {root.Path}{(root.DataDir == root.Path ? "" : $" (cache and state in {root.DataDir})")}, writable"));
        else lines.Add(new(Level.Fail, $"install root: cannot write to {root.DataDir} ({problem}); an agent sandbox that lets commands write only inside the project does this",
            $"allow writes to {root.DataDir} in the agent (Codex: --add-dir), or set KSTACK_CACHE_DIR to a writable directory, or `kstack install --local`"));
    }

    private static void AgentChecks(List<Line> lines, InstallRoot root, AgentHomes homes, string cwd, string? path)
    {
        var manifest = new Manifest(root.Path);
        var slots = manifest.ReadSkills();
        if (!manifest.Exists) lines.Add(new(Level.Warn, $"install: no kstack install at {root.Path}", "run `kstack install` (or `kstack install --local` in a project)"));
        var any = false;
        foreach (var agent in AgentTable.All)
        {
            var cli = AgentTable.FindOnPath(agent.Cli, path);
            var found = agent.Reads(homes, cwd)
                .DistinctBy(l => Path.GetFullPath(l.Dir), StringComparer.Ordinal)
                .Select(l => (l.Dir, count: slots.Count(s => File.Exists(Path.Combine(l.Dir, s, "SKILL.md")))))
                .Where(x => x.count > 0).ToList();
            if (cli is null && found.Count == 0) continue;
            any = true;
            var where = string.Join(", ", found.Select(f => $"{f.count} in {f.Dir}"));
            var example = agent.Invocation(slots.FirstOrDefault(s => s.EndsWith("cluster-status", StringComparison.Ordinal)) ?? slots.FirstOrDefault() ?? "kstack-cluster-status");
            if (found.Count == 0)
                lines.Add(new(Level.Warn, $"{agent.Name}: CLI {cli}; no kstack skills installed for it", $"kstack install --agent {agent.Name}"));
            else if (found.Count > 1)
                lines.Add(new(Level.Warn, $"{agent.Name}: kstack skills in {found.Count} directories it reads ({where}); it uses one copy and ignores the other",
                    "keep one install: run `kstack uninstall` from the other one's bin/"));
            else
                lines.Add(new(Level.Ok, $"{agent.Name}: {(cli is null ? "CLI not on PATH" : "CLI " + cli)}; kstack skills: {where}; type {example}"));
        }
        if (!any) lines.Add(new(Level.Warn, "agents: no agent CLI on PATH and no kstack skills installed", "install an agent (Claude Code, Codex, …), then `kstack install`"));
    }
}
