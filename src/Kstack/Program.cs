using Kstack.Cli;
using Kstack.Envelope;

try
{
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    // The log stream kstack runs inside a /logs pane writes lines to the terminal, not an envelope.
    if (args is ["logs", "follow", ..]) return await Kstack.Skills.Logs.FollowCommand.RunAsync(args[2..], cts.Token);
    var envelope = await KstackApp.RunAsync(args, cts.Token);
    EnvelopeWriter.Write(Console.OpenStandardOutput(), envelope);
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(Environment.GetEnvironmentVariable("KSTACK_DEBUG") == "1"
        ? e.ToString()
        : $"kstack: internal error: {e.GetType().Name}: {e.Message.Split('\n')[0]} (set KSTACK_DEBUG=1 for details)");
    return 70;
}
