namespace Kstack.Commands;

/// <summary>What a skill may change: MCP read-only/destructive hints and the safety text follow from it.</summary>
internal enum SkillEffect
{
    /// <summary>Reads the cluster; writes only kstack's own cache.</summary>
    ReadOnly,
    /// <summary>Changes local state only (kstack's cache and state, tmux sessions), never the cluster.</summary>
    LocalState,
    /// <summary>May create or delete cluster objects (only after an explicit confirmation step).</summary>
    Cluster,
}

/// <summary>One example invocation for --help: the arguments after the slot and what they do.</summary>
internal sealed record SkillExample(string Args, string What);

/// <summary>The positional part of a skill's arguments (its target, or free text the skill interprets).</summary>
internal sealed record SkillTarget(string ValueName, string Help, bool Required);

/// <summary>
/// The one definition of a skill: everything the CLI, --help, the rendered SKILL.md, the install catalogue and the MCP
/// tool schemas need. Each skill declares one in its own folder (`Skills/&lt;Skill&gt;/&lt;Skill&gt;Skill.cs`) and
/// registers it with <see cref="SkillCatalogue.Register"/> from a module initializer, so adding a skill edits no
/// shared list.
/// </summary>
internal sealed class SkillDescriptor
{
    /// <summary>The skill name: the verb (`kstack events`), the template folder (skills/events/) and the slot suffix.</summary>
    public required string Name { get; init; }

    /// <summary>One line: what the skill does (first line of --help, MCP tool description).</summary>
    public required string Summary { get; init; }

    /// <summary>Closing paragraph of --help (safety notes, where the data goes).</summary>
    public string? Notes { get; init; }

    public SkillTarget? Target { get; init; }

    /// <summary>The skill's own flags; the global ones (<see cref="GlobalFlags"/>) are added for every skill.</summary>
    public IReadOnlyList<FlagSpec> Flags { get; init; } = [];

    /// <summary>Default cache TTL ("15m"); non-null makes the skill cached: it takes --refresh and --ttl.</summary>
    public string? DefaultTtl { get; init; }

    /// <summary>The API lists or objects the skill reads ("nodes", "pods", "events"…), for docs and schemas.</summary>
    public IReadOnlyList<string> Reads { get; init; } = [];

    public SkillEffect Effect { get; init; } = SkillEffect.ReadOnly;

    /// <summary>Only the user may start it (the agent never invokes it on its own): rendered into the SKILL.md frontmatter.</summary>
    public bool UserInvokedOnly { get; init; }

    /// <summary>The type name of the document `--json` returns (e.g. "cluster-status/1"); null when the answer stays text.</summary>
    public string? JsonResult { get; init; }

    /// <summary>
    /// The source-generated types --json may return (one, or the alternatives a skill answers with, e.g. /metrics without a
    /// source): the MCP tool's output schema is exported from them.
    /// </summary>
    public IReadOnlyList<System.Text.Json.Serialization.Metadata.JsonTypeInfo> JsonDocuments { get; init; } = [];

    /// <summary>
    /// For a skill that plans before it acts: the flag that carries out a plan by its id (exec's --confirm). Over MCP the
    /// plan id is never an argument the model can pass; the server adds this flag itself after the user said yes.
    /// </summary>
    public TextFlag? ConfirmFlag { get; init; }

    /// <summary>Only with the user's own confirmation: it changes the cluster, or only the user may start it.</summary>
    public bool NeedsUserConsent => Effect == SkillEffect.Cluster || UserInvokedOnly;

    /// <summary>At least two, shown in --help.</summary>
    public required IReadOnlyList<SkillExample> Examples { get; init; }

    /// <summary>False for skills that may name a context the kubeconfig no longer has (e.g. forget).</summary>
    public bool RequiresKubeconfigContext { get; init; } = true;

    public required Func<SkillCommand> Create { get; init; }

    public bool Cached => DefaultTtl is not null;

    /// <summary>Every flag the skill's parser accepts, skill flags first, then the global ones that apply to it.</summary>
    public IReadOnlyList<FlagSpec> AllFlags => [.. Flags, .. GlobalFlags.For(this)];

    /// <summary>The argument hint for agent frontmatter: the target and the skill's own flags ("&lt;target&gt; [--since &lt;duration&gt;]").</summary>
    public string ArgumentHint => string.Join(' ', TargetWords().Concat(Flags.Select(f => $"[{f.Synopsis.Split(", ")[^1]}]")));

    internal IEnumerable<string> TargetWords() =>
        Target is null ? [] : [Target.Required ? Target.ValueName : $"[{Target.ValueName}]"];
}
