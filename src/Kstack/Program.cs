using Kstack.Cli;

try
{
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    return await KstackApp.MainAsync(args, cts.Token);
}
catch (Exception e)
{
    Console.Error.WriteLine(Environment.GetEnvironmentVariable("KSTACK_DEBUG") == "1"
        ? e.ToString()
        : $"kstack: internal error: {e.GetType().Name}: {e.Message.Split('\n')[0]} (set KSTACK_DEBUG=1 for details)");
    return 70;
}
