using Kstack.Envelope;
using Kstack.Kube;

namespace Kstack.Skills.Logs;

/// <summary>`kstack logs follow …`: runs <see cref="LogFollower"/> in the foreground of a pane; exit 0 when stopped, 2 on a bad query.</summary>
public static class FollowCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        try
        {
            var query = LogQuery.ParseFollowArgs(args, out var context);
            var kubeconfig = Kubeconfig.Load();
            if (!kubeconfig.HasContext(context)) throw KstackException.User(kubeconfig.UnknownContextMessage(context));
            using var api = new KubeApi(kubeconfig, context);
            var stdout = Console.Out;
            await new LogFollower(api, query, stdout).RunAsync(ct);
            return 0;
        }
        catch (KstackException e)
        {
            Console.Error.WriteLine($"kstack logs follow: {TerminalText.Clean(e.Message)}");
            return 2;
        }
    }
}
