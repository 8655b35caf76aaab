namespace Kstack.Skills.Investigate;

/// <summary>What a container exit code means, with the termination reason taken into account (137 OOMKilled vs SIGKILL).</summary>
internal static class ExitCodes
{
    private static readonly Dictionary<int, string> Signals = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
        [9] = "SIGKILL", [11] = "SIGSEGV", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
    };

    public static string Explain(int code, string? reason = null) => code switch
    {
        0 => "clean exit (completed)",
        1 => "application error (the process exited with a general failure)",
        2 => "application error (misuse or invalid arguments, or an app-defined fatal status)",
        126 => "command found but not executable (permissions or wrong binary format)",
        127 => "command not found (wrong command/entrypoint or missing binary in the image)",
        137 when reason == "OOMKilled" => "SIGKILL from the kernel OOM killer: the container exceeded its memory limit",
        137 => "SIGKILL from outside the process (liveness-probe restart, eviction, preemption, or a manual kill); not an OOM kill",
        139 => "SIGSEGV: segmentation fault (native crash)",
        143 => "SIGTERM: graceful termination (shutdown, rollout, scale-down or probe-driven restart)",
        255 => "exit status 255 (fatal error or an exit code out of range)",
        > 128 and < 160 => Signals.TryGetValue(code - 128, out var sig) ? $"killed by signal {code - 128} ({sig})" : $"killed by signal {code - 128}",
        _ => $"application-defined exit code {code}",
    };
}
