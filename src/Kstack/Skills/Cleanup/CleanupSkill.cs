using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Cleanup;

/// <summary>The /cleanup descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class CleanupSkill
{
    public static readonly TextFlag Confirm = new("--confirm", "<plan-id>", "Carry out a plan (valid 10 minutes, once, same context and the same objects by UID)");
    public static readonly DurationFlag OlderThan = new("--older-than", "Only objects created at least this long ago");
    public static readonly TextFlag Session = new("--session", "<session>", "Only objects of this kstack session (kstack-exec-…)");
    public static readonly TextFlag Skill = new("--skill", "<skill>", "Only objects this kstack skill created (exec, logs…)");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "cleanup",
        Summary = "remove what kstack created in the cluster (both owned-by marks), and nothing else. Plans first.",
        Flags = [Confirm, OlderThan, Session, Skill, RequestTimeout.Flag],
        Reads = ["pods", "configmaps", "secrets (metadata only)", "serviceaccounts", "roles", "rolebindings", "clusterroles", "clusterrolebindings"],
        Effect = SkillEffect.Cluster,
        ConfirmFlag = Confirm,
        UserInvokedOnly = true,
        Examples =
        [
            new("", "Plan: list what kstack created, grouped by session and skill (nothing is deleted yet)"),
            new("--older-than 24h", "Plan only objects older than a day"),
            new("--session kstack-exec-node-worker-1", "Plan only that session's objects"),
            new("--confirm 3f9c2a", "Carry out plan 3f9c2a"),
        ],
        Notes = "Nothing is deleted until --confirm. Only objects carrying both kstack's owned-by label and annotation are planned;\n"
                + "each delete names the planned UID and resourceVersion, so an object replaced or changed since the plan is left alone.",
        Create = () => new CleanupCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
