using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Logs;

/// <summary>The /logs descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class LogsSkill
{
    public static readonly DurationFlag Since = new("--since", "Only lines newer than this (default: last 50 lines per container, then live)");
    public static readonly TextFlag Grep = new("--grep", "<regex>", "Only lines matching this regular expression (filtered by kstack)");
    public static readonly TextFlag Container = new("--container", "<name>", "Only this container") { Aliases = ["-c"] };
    public static readonly SwitchFlag Previous = new("--previous", "The previous (crashed) container instance");
    public static readonly SwitchFlag TrustPane = new("--trust-pane", "Let the agent read bounded (200, max 1000 lines), redacted slices of the pane");
    public static readonly SwitchFlag Detach = new("--detach", "Start a session only you can reach: the agent gets no handle, reads and typing are refused");
    public static readonly SwitchFlag Attach = new("--attach", "Print the tmux command for an existing kstack logs session");
    public static readonly SwitchFlag UseKubetail = new("--use-kubetail", "Run kubetail in the pane (only when the kubetail CLI is on PATH)");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "logs",
        Summary = "follow live logs of a pod, workload, label selector or namespace in a shared tmux pane.",
        Target = new("<target>", "a pod, KIND/NAME (deployment/, statefulset/, daemonset/, replicaset/, job/), NAMESPACE/NAME, KIND/NAMESPACE/NAME, a bare name (any namespace), app=web, namespace/NAME", Required: true),
        Flags = [Since, Grep, Container, Previous, TrustPane, Detach, Attach, UseKubetail, RequestTimeout.Flag],
        Reads = ["the target's pods", "pod logs (streamed)"],
        Effect = SkillEffect.LocalState,
        Examples =
        [
            new("deployment/web -n shop --since 10m", "Follow every pod of deployment web from 10 minutes ago"),
            new("app=api --grep 'error|timeout' --trust-pane", "Follow pods labelled app=api, only matching lines; the agent may read the pane"),
            new("--attach web", "How to open the running logs session for web"),
        ],
        Notes = "Without --trust-pane the agent may type into the pane but kstack refuses to let it read it.\n"
                + "Sessions: kstack pane list | read <session> | send <session> <text> | stop <session>.",
        Create = () => new LogsCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
