using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Cli;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Install;
using Env = Kstack.Envelope.Envelope;

namespace Kstack.Update;

/// <summary>
/// `kstack upgrade [--version &lt;v&gt;]`: replaces the kstack binary the way it was installed (dotnet tool update, or
/// the release archive with its checksum), then has the new binary render the skills again for the agents, prefix
/// and scope the manifest records, and says what changed.
/// </summary>
internal static class UpgradeCommand
{
    public const string Usage =
        """
        kstack upgrade — update kstack and re-render its skills the way they were installed.

        Usage: kstack upgrade [--version <v>]

          --version <v>   Upgrade to this release (default: the newest)
          -h, --help      Show this help

        How kstack got here decides the update: a .NET global tool, tool path or local tool manifest runs
        `dotnet tool update`; a release archive is downloaded from $KSTACK_RELEASE_BASE (default the GitHub releases),
        its SHA-256 checked against SHA256SUMS before it is unpacked, and the binary replaced with a rename; a build
        from a clone is left to `git pull && make build`. Then the new binary renders the skills again for the agents,
        prefix and scope recorded in <root>/manifest, so no install flags are needed. cache/ and state/ are kept.
        """;

    private static readonly Option<string?> Version = new("--version") { Description = "Upgrade to this release (default: the newest)", HelpName = "v" };
    private static readonly Option<bool> Help = new("--help", "-h") { Description = "Show this help" };

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public static VerbCommand Build() => new("upgrade", "Update kstack and re-render the installed skills the same way",
        (call, ct) => InvokeAsync(call.Parsed, ct))
    {
        Options = { Version, Help },
        TreatUnmatchedTokensAsErrors = false,
    };

    public static async Task<Env> InvokeAsync(ParseResult parsed, CancellationToken ct)
    {
        var root = InstallRoot.Resolve();
        try
        {
            if (parsed.GetValue(Help)) return Env.Verbatim(Usage);
            if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown)
                throw KstackException.User($"Unknown flag `{ArgumentText.Cap(unknown)}`. Run `kstack upgrade --help` for usage.");
            foreach (var error in parsed.Errors) throw KstackException.User($"{error.Message} Run `kstack upgrade --help` for usage.");
            string? version = null;
            if (parsed.GetValue(Version) is { } text)
                version = SemVersion.TryParse(text, out var v) ? v.ToString() : throw KstackException.User($"`{ArgumentText.Cap(text)}` is not a version (e.g. 1.2.0).");

            // One upgrade of an install at a time (a root without a manifest is not created by asking).
            using var _ = new Manifest(root.Path).Exists ? await DirectoryLock.AcquireAsync(Path.Combine(root.GlobalStateDir, "upgrade"), TimeSpan.FromSeconds(2), ct) : null;
            return Env.Verbatim(await RunAsync(root, version, InstallTarget.Home(), Environment.GetEnvironmentVariable, ct));
        }
        catch (KstackException e)
        {
            return e.ToEnvelope();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Env.InfraError($"Upgrade failed: {TerminalText.Clean(e.Message)}");
        }
    }

    private static async Task<string> RunAsync(InstallRoot root, string? version, string home, Func<string, string?> env, CancellationToken ct)
    {
        var manifest = new Manifest(root.Path);
        var before = (Version: manifest.ReadVersion(), Slots: manifest.ReadSkills());
        var originPath = UpdateNotice.InstalledFrom(root) ?? SelfInstall.CurrentExecutable();
        var origin = InstallOrigin.Detect(originPath, home);

        var lines = new List<string>();
        var (binary, how) = await UpdateBinaryAsync(origin, version, env, ct);
        lines.Add(how);

        var homes = AgentHomes.Current(home);
        var record = InstallRecord.Read(root.Path, homes, Installer.Default.Skills());
        if (record is null)
        {
            lines.Add($"No skills are installed at {root.Path} (no manifest/): run `kstack install` to add them.");
            return string.Join("\n", lines);
        }
        if (record.Agents.Count + record.Dirs.Count == 0)
            throw KstackException.User($"The install at {root.Path} lists no agent with kstack skills; run `kstack install --agent <name>` instead.");

        var target = InstallRecord.Target(record.Scope, root.Path, homes);
        await RenderAgainAsync(binary, record, target, ct);

        var after = (Version: manifest.ReadVersion(), Slots: manifest.ReadSkills());
        var scope = record.Scope == InstallMode.Local ? $"local → {target.AgentBase}" : "global";
        var prefix = record.Prefix.Length == 0 ? "no prefix" : $"prefix {record.Prefix}";
        lines.Insert(0, before.Version == after.Version
            ? $"kstack {after.Version} is the newest release; the skills were rendered again."
            : $"⬆️  kstack {(before.Version.Length == 0 ? "(unknown version)" : before.Version)} → {after.Version}");
        lines.Add($"   Skills:   {after.Slots.Count} for {record.Who} ({scope}, {prefix}){(record.Inferred ? "; read from the skills an older kstack installed" : "")}");
        var added = after.Slots.Except(before.Slots, StringComparer.Ordinal).ToList();
        var removed = before.Slots.Except(after.Slots, StringComparer.Ordinal).ToList();
        if (added.Count > 0) lines.Add($"   Added:    {string.Join(", ", added.Select(s => "/" + s))}");
        if (removed.Count > 0) lines.Add($"   Removed:  {string.Join(", ", removed.Select(s => "/" + s))}");
        if (added.Count == 0 && removed.Count == 0) lines.Add("   No skill was added or removed.");
        return string.Join("\n", lines);
    }

    /// <summary>Updates the binary the way it was installed; returns the command line of the binary to render with and what was done.</summary>
    private static async Task<(string[] Binary, string How)> UpdateBinaryAsync(InstallOrigin origin, string? version, Func<string, string?> env, CancellationToken ct)
    {
        var exe = SelfInstall.ExecutableName;
        string[] versionArgs = version is null ? [] : ["--version", version];
        switch (origin.Kind)
        {
            case InstallKind.DotnetToolGlobal:
                await RunDotnetAsync(["tool", "update", "-g", "kstack", .. versionArgs], null, ct);
                return ([Path.Combine(origin.ToolPath!, exe)], "   Binary:   dotnet tool update -g kstack");
            case InstallKind.DotnetToolPath:
                await RunDotnetAsync(["tool", "update", "--tool-path", origin.ToolPath!, "kstack", .. versionArgs], null, ct);
                return ([Path.Combine(origin.ToolPath!, exe)], $"   Binary:   dotnet tool update --tool-path {origin.ToolPath} kstack");
            case InstallKind.DotnetToolLocal:
                // The local tool manifest is found from the current directory, as `dotnet tool` always does.
                await RunDotnetAsync(["tool", "update", "--local", "kstack", .. versionArgs], null, ct);
                return (["dotnet", "tool", "run", "kstack", "--"], "   Binary:   dotnet tool update --local kstack");
            case InstallKind.Source:
                return ([origin.BinaryPath], $"   Binary:   a build from the clone {origin.RepoPath}; update it with `{origin.UpgradeCommand}`, then run `kstack upgrade` again");
            default:
                var rid = ReleaseArchive.Rid() ?? throw KstackException.User("There is no release archive for this platform; install the .NET tool instead: dotnet tool install -g kstack");
                var baseUrl = ReleaseArchive.Base(env);
                using (var http = new HttpClient { Timeout = CommandTimeout })
                {
                    http.DefaultRequestHeaders.UserAgent.ParseAdd("kstack-upgrade");
                    var installed = await ReleaseArchive.InstallAsync(http, baseUrl, version, rid, origin.BinaryPath, ct);
                    return ([origin.BinaryPath], $"   Binary:   {origin.BinaryPath} ← kstack-{installed}-{rid}.tar.gz from {baseUrl} (SHA-256 verified)");
                }
        }
    }

    private static async Task RunDotnetAsync(string[] args, string? cwd, CancellationToken ct)
    {
        var result = await RunAsync(["dotnet", .. args], cwd, null, ct);
        if (result.Exit != 0)
            throw KstackException.Infra($"`dotnet {string.Join(' ', args)}` failed (exit {result.Exit}): {Tail(result.Stderr.Length > 0 ? result.Stderr : result.Stdout)}; nothing was changed.");
    }

    /// <summary>Runs `install` with the recorded flags from the new binary (its templates are the new ones).</summary>
    private static async Task RenderAgainAsync(string[] binary, InstallRecord record, InstallTarget target, CancellationToken ct)
    {
        var env = new Dictionary<string, string?> { ["KSTACK_ROOT"] = record.Scope == InstallMode.Global ? target.Root : null };
        var result = await RunAsync([.. binary, .. record.InstallArgs(), "--quiet"], target.AgentBase, env, ct);
        string? status = null, message = null;
        try
        {
            using var doc = JsonDocument.Parse(result.Stdout);
            status = doc.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
            message = doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : doc.RootElement.TryGetProperty("content", out var c) ? c.GetString() : null;
        }
        catch (JsonException) { }
        if (result.Exit != 0 || status != "ok")
            throw KstackException.Infra($"The new kstack binary could not render the skills again ({Tail(message ?? (result.Stderr.Length > 0 ? result.Stderr : result.Stdout))}). "
                                        + $"The binary is updated; run `kstack install {string.Join(' ', record.InstallArgs().Skip(1))}` to finish.");
    }

    private static string Tail(string text)
    {
        var lines = TerminalText.Clean(text).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = string.Join(" / ", lines.TakeLast(3));
        return tail.Length > 400 ? tail[^400..] : tail.Length == 0 ? "no output" : tail;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] command, string? cwd, IReadOnlyDictionary<string, string?>? env, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        if (cwd is not null) psi.WorkingDirectory = cwd;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw KstackException.Infra($"Could not start {command[0]}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw KstackException.Infra(command[0] == "dotnet"
                ? "`dotnet` is not on PATH: kstack was installed as a .NET tool, so `dotnet tool update` needs the .NET SDK."
                : $"Could not run {command[0]}: {TerminalText.Clean(e.Message)}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested) throw;
                throw KstackException.Infra($"`{string.Join(' ', command)}` did not finish within {CommandTimeout.TotalMinutes:0} minutes.");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
