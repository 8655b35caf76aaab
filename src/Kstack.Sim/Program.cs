using System.Runtime.InteropServices;
using Kstack.Sim;
using Kstack.Sim.Scenarios;

return await SimCli.RunAsync(args);

namespace Kstack.Sim
{
    /// <summary>The kstack-sim command line.</summary>
    internal static class SimCli
    {
        private const string Usage =
            "usage: kstack-sim --scenario <dir|builtin-name> [--scenario <dir>]... [--listen 127.0.0.1:0] [--kubeconfig <path>]\n" +
            "                  [--audit-log <path>] [--faults <file>] [--generate pods=<N>[,seed=<S>]]";

        public static async Task<int> RunAsync(string[] args)
        {
            SimOptions options;
            try
            {
                options = Parse(args);
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"kstack-sim: {e.Message}\n{Usage}");
                return 2;
            }
            SimServer server;
            try
            {
                server = await SimServer.StartAsync(options);
            }
            catch (ScenarioException e)
            {
                await Console.Error.WriteLineAsync($"kstack-sim: cannot load scenario: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or ArgumentException or FormatException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"kstack-sim: {e.Message}");
                return 2;
            }
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            await Console.Error.WriteLineAsync($"kstack-sim: loaded in {server.LoadTime.TotalMilliseconds:F0} ms; kubeconfig {server.KubeconfigPath}");
            await Console.Out.WriteLineAsync($"ready {server.Url}");
            await Console.Out.FlushAsync();
            await stop.Task;
            await server.DisposeAsync();
            return 0;
        }

        public static SimOptions Parse(string[] args)
        {
            var scenarios = new List<string>();
            var options = new SimOptions { KubeconfigPath = "kstack-sim.kubeconfig" };
            for (var i = 0; i < args.Length; i++)
            {
                var a = args[i];
                string? inline = null;
                var eq = a.IndexOf('=');
                if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
                string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value"));
                switch (a)
                {
                    case "--scenario": scenarios.Add(Value()); break;
                    case "--listen": options = options with { Listen = Value() }; break;
                    case "--kubeconfig": options = options with { KubeconfigPath = Value() }; break;
                    case "--audit-log": options = options with { AuditLogPath = Value() }; break;
                    case "--faults": options = options with { FaultsPath = Value() }; break;
                    case "--generate":
                        foreach (var part in Value().Split(',', StringSplitOptions.RemoveEmptyEntries))
                        {
                            var kv = part.Split('=', 2);
                            if (kv.Length != 2 || !int.TryParse(kv[1], out var n) || n < 0) throw new ArgumentException($"bad --generate part \"{part}\"");
                            options = kv[0] switch
                            {
                                "pods" => options with { GeneratePods = n },
                                "seed" => options with { GenerateSeed = n },
                                _ => throw new ArgumentException($"unknown --generate key \"{kv[0]}\" (pods, seed)"),
                            };
                        }
                        break;
                    case "-h" or "--help": throw new ArgumentException("help");
                    default: throw new ArgumentException($"unknown argument \"{args[i]}\"");
                }
            }
            if (scenarios.Count == 0 && options.GeneratePods == 0) throw new ArgumentException("at least one --scenario (or --generate) is required");
            return options with { Scenarios = scenarios };
        }
    }
}
