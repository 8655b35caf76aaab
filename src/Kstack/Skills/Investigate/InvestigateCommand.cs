using Kstack.Objects;
using Kstack.Cache;
using Kstack.Commands;
using Kstack.Kube;
using Kstack.Skills.Shared;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Skills.Investigate;

/// <summary>
/// /investigate: resolves one pod or workload, gathers a read-only evidence bundle around it, runs the findings checklist,
/// saves the redacted bundle in the cache and returns a bounded, framed summary for the agent.
/// </summary>
internal sealed class InvestigateCommand : SkillCommand
{
    public const string BundleDir = "investigate";

    public static readonly TargetRules Rules = new("investigate", KindInfo.PodsAndWorkloads, Selectors: false,
        "Usage: /investigate <kind>/<name> | <namespace>/<name> | <kind>/<namespace>/<name> | <name> [-n <namespace>], e.g. pod/checkout-7c9 -n payments.");

    public override SkillDescriptor Descriptor => InvestigateSkill.Descriptor;

    protected override async Task<Env> RunAsync(SkillRun run, CancellationToken ct)
    {
        var target = Target.Parse(run.FreeText, run.Namespace, Rules);
        var resolved = await new TargetResolver(run.Api, run.Kubeconfig.NamespaceOf(run.Context)).ResolveAsync(target, Rules, ct);
        var inv = await new Gatherer(run.Api, run.Context, TimeProvider.System).GatherAsync(resolved, ct);
        var findings = Findings.Evaluate(inv);

        var path = BundlePath(run.CacheDir, inv.Kind.Kind, inv.Namespace, inv.Name);
        await AtomicFile.WriteAsync(path, stream =>
        {
            BundleWriter.Write(stream, inv, findings, path);
            return Task.CompletedTask;
        });

        var agentContext = AgentContextFor(inv, findings, path, run.CacheDir);
        var content = run.Json ? InvestigateRenderer.Json(inv, findings, path) : InvestigateRenderer.Text(inv, findings, path);
        return Env.Agent(content, agentContext);
    }

    /// <summary>agent_context: paths, the target, finding IDs, unreadable parts and counts; cluster names via AgentContext.Identifier.</summary>
    public static string AgentContextFor(Investigation inv, IReadOnlyList<Finding> findings, string bundlePath, string cacheDir) =>
        Kstack.Json.Dto.Serialize(new InvestigateAgentContext(bundlePath, cacheDir, BundleWriter.Schema,
            new AgentTarget(inv.Kind.Kind, AgentContext.Identifier(inv.Namespace), AgentContext.Identifier(inv.Name)),
            findings.Select(f => f.Id).Distinct().ToList(), inv.Unreadable.Select(u => AgentContext.Identifier(u.Part)).ToList(),
            new AgentCounts(inv.PodsTotal, inv.Events.Count, inv.Logs.Count(l => l.Log is not null), inv.Refs.Count)),
            InvestigateAgentJson.Default.InvestigateAgentContext);

    /// <summary>&lt;cache&gt;/investigate/&lt;kind&gt;_&lt;ns&gt;_&lt;name&gt;.json (names are validated DNS names; lower-cased kind).</summary>
    public static string BundlePath(string cacheDir, string kind, string ns, string name) =>
        Path.Combine(cacheDir, BundleDir, $"{kind.ToLowerInvariant()}_{Safe(ns)}_{Safe(name)}.json");

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').Take(253).ToArray());
}
