using System.Runtime.CompilerServices;
using Kstack.Commands;

namespace Kstack.Skills.Forget;

/// <summary>The /forget descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class ForgetSkill
{
    public static readonly SwitchFlag All = new("--all", "Forget every context (global preferences and the install manifest are kept)");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "forget",
        Summary = "clear kstack's local cache and discard what it learned about your cluster(s).",
        Flags = [All],
        Effect = SkillEffect.LocalState,
        UserInvokedOnly = true,
        RequiresKubeconfigContext = false,
        Examples =
        [
            new("", "Forget the pinned context's cache and state"),
            new("--context prod", "Forget context prod (it need not exist in your kubeconfig any more)"),
            new("--all", "Forget every context"),
        ],
        Notes = "Removes cache/kube/<sha12> and state/contexts/<sha12> under the kstack install root for the pinned context.\n"
                + "The context need not exist in your kubeconfig any more.",
        Create = () => new ForgetCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
