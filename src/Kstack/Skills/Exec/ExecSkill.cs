using System.Runtime.CompilerServices;
using Kstack.Commands;
using Kstack.Panes;
using Kstack.Skills.Shared;

namespace Kstack.Skills.Exec;

/// <summary>The /exec descriptor: one definition for its parser, help, SKILL.md flags and catalogue entry.</summary>
internal static class ExecSkill
{
    public static readonly TextFlag Confirm = new("--confirm", "<plan-id>", "Carry out a plan (valid 10 minutes, once, same context and target)");
    public static readonly TextFlag Container = new("--container", "<name>", "Container to open the shell in") { Aliases = ["-c"] };
    public static readonly TextFlag Node = new("--node", "<node>", "Node shell: a privileged pod (hostPID, hostNetwork, /host read-only) on that node");
    public static readonly SwitchFlag Debug = new("--debug", "Ephemeral debug container sharing the target container's processes (chosen automatically for distroless/scratch images)");
    public static readonly TextFlag Image = new("--image", "<image>", "Image for node and debug modes") { Default = NodeShell.DefaultImage };
    public static readonly SwitchFlag WritableHost = new("--writable-host", "Node mode: mount /host read-write (default read-only)");
    public static readonly SwitchFlag RuntimeSocket = new("--runtime-socket", "Node mode: mount the containerd socket (default not mounted)");
    public static readonly DurationFlag Deadline = new("--deadline", "Node mode: the cluster deletes the pod after this long") { Default = "4h" };
    public static readonly SwitchFlag TrustPane = new("--trust-pane", "Let the agent read bounded, redacted slices of the pane");
    public static readonly SwitchFlag Detach = new("--detach", "Start a session only you can reach: no agent handle, reads and typing refused");
    public static readonly SwitchFlag Attach = new("--attach", "Print the tmux command for an existing kstack exec session");

    public static readonly SkillDescriptor Descriptor = new()
    {
        Name = "exec",
        Summary = "shared tmux shell into a pod container, an ephemeral debug container, or a node. Plans first.",
        Target = new("<target>", "a pod, KIND/NAME, NAMESPACE/NAME, KIND/NAMESPACE/NAME, a bare name (any namespace), a label selector, `node NAME` or `debug POD`; the container with -c", Required: false),
        Flags = [Confirm, Container, Node, Debug, Image, WritableHost, RuntimeSocket, Deadline, TrustPane, Detach, Attach, RequestTimeout.Flag],
        Reads = ["the target pod or workload", "nodes", "namespaces (Pod Security labels)"],
        Effect = SkillEffect.Cluster,
        ConfirmFlag = Confirm,
        UserInvokedOnly = true,
        Examples =
        [
            new("deployment/web -n shop", "Plan a shell in a pod of deployment web (nothing runs yet)"),
            new("orders/ledger -c ledger", "Plan a shell in container ledger of a pod of ledger in namespace orders"),
            new("--node worker-1 --trust-pane", "Plan a node shell on worker-1 the agent may read"),
            new("--confirm 3f9c2a", "Carry out plan 3f9c2a"),
        ],
        Notes = "Nothing is created or opened until --confirm. End with: kstack pane stop <session> (deletes kstack's pods for it).",
        Create = () => new ExecCommand(),
    };

    [ModuleInitializer]
    internal static void Register() => SkillCatalogue.Register(Descriptor);
}
