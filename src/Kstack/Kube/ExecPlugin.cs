using System.Diagnostics;
using System.Text;
using System.Text.Json;
using k8s.KubeConfigModels;
using Kstack.Envelope;

namespace Kstack.Kube;

/// <summary>
/// Runs a kubeconfig exec credential plugin (users[].user.exec) once, bounded by <see cref="Timeout"/>
/// (KSTACK_EXEC_TIMEOUT, default 60s): a plugin that overruns is killed with its whole process tree and named in a typed
/// error. The client library would wait two minutes, leave the plugin running, and run it twice per process.
/// </summary>
internal static class ExecPlugin
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private const int MaxOutputBytes = 1 << 20;

    public static TimeSpan Timeout =>
        Environment.GetEnvironmentVariable("KSTACK_EXEC_TIMEOUT") is { Length: > 0 } text && Cache.Duration.TryParse(text, out var t) && t > TimeSpan.Zero
            ? t : DefaultTimeout;

    /// <summary>
    /// When the context's user has an exec plugin, runs it and puts the token or client certificate it returned in place
    /// of the exec stanza (in memory only), so the client library sees static credentials.
    /// </summary>
    public static void Apply(Kubeconfig kubeconfig, string context)
    {
        var userName = (kubeconfig.Merged.Contexts ?? []).FirstOrDefault(c => c.Name == context)?.ContextDetails?.User;
        var user = (kubeconfig.Merged.Users ?? []).FirstOrDefault(u => u.Name == userName);
        if (user?.UserCredentials is not { ExternalExecution: { } exec } credentials) return;
        var status = Run(exec, user.Name, Timeout);
        credentials.ExternalExecution = null;
        if (status.Token is { Length: > 0 } token) credentials.Token = token;
        if (status.ClientCertificateData is { Length: > 0 } cert && status.ClientKeyData is { Length: > 0 } key)
        {
            credentials.ClientCertificateData = Convert.ToBase64String(Encoding.UTF8.GetBytes(cert));
            credentials.ClientKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
        }
    }

    public sealed record Credential(string? Token, string? ClientCertificateData, string? ClientKeyData);

    public static Credential Run(ExternalExecution exec, string user, TimeSpan timeout)
    {
        if (string.IsNullOrWhiteSpace(exec.Command)) throw KstackException.User($"The exec plugin of kubeconfig user `{user}` names no command.");
        var name = TerminalText.Clean(exec.Command);
        var psi = new ProcessStartInfo(exec.Command)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, CreateNoWindow = true,
        };
        foreach (var a in exec.Arguments ?? []) psi.ArgumentList.Add(a);
        psi.Environment["KUBERNETES_EXEC_INFO"] =
            $"{{\"apiVersion\":\"{JsonEncodedText.Encode(exec.ApiVersion ?? "")}\",\"kind\":\"ExecCredential\",\"spec\":{{\"interactive\":false}}}}";
        foreach (var env in exec.EnvironmentVariables ?? [])
            if (env.TryGetValue("name", out var n) && env.TryGetValue("value", out var v)) psi.Environment[n] = v;

        Process process;
        try { process = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw KstackException.User($"The exec credential plugin `{name}` of kubeconfig user `{user}` could not be started ({Kubeconfig.FirstLine(e.Message)})."
                                       + (string.IsNullOrEmpty(exec.InstallHint) ? "" : " " + TerminalText.Clean(Kubeconfig.FirstLine(exec.InstallHint))));
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = ReadCappedAsync(process.StandardOutput.BaseStream);
            var stderr = ReadCappedAsync(process.StandardError.BaseStream);
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw KstackException.Infra($"The exec credential plugin `{name}` of kubeconfig user `{user}` did not finish within {Cache.Duration.Format(timeout)}; "
                                            + "kstack stopped it and its child processes. Run it by hand to see why, or raise KSTACK_EXEC_TIMEOUT.");
            }
            process.WaitForExit();
            var output = Complete(stdout);
            if (process.ExitCode != 0)
            {
                var err = Encoding.UTF8.GetString(Complete(stderr)).Trim();
                throw KstackException.User($"The exec credential plugin `{name}` of kubeconfig user `{user}` failed (exit {process.ExitCode})"
                                           + (err.Length > 0 ? $": {TerminalText.Clean(Kubeconfig.FirstLine(err))}" : "."));
            }
            return Parse(output, exec.ApiVersion, name, user);
        }
    }

    private static byte[] Complete(Task<byte[]> read) => read.Wait(TimeSpan.FromSeconds(2)) ? read.Result : [];

    private static Credential Parse(byte[] output, string? apiVersion, string name, string user)
    {
        string Bad(string why) => $"The exec credential plugin `{name}` of kubeconfig user `{user}` returned {why}.";
        try
        {
            JsonEscapes.ReplaceLoneSurrogates(output, final: true);
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw KstackException.User(Bad("no ExecCredential object"));
            if (apiVersion is { Length: > 0 } && Text(root, "apiVersion") != apiVersion)
                throw KstackException.User(Bad($"apiVersion {TerminalText.Clean(Text(root, "apiVersion") ?? "(none)")}, expected {TerminalText.Clean(apiVersion)}"));
            if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
                throw KstackException.User(Bad("no status"));
            var credential = new Credential(Text(status, "token"), Text(status, "clientCertificateData"), Text(status, "clientKeyData"));
            if (credential.Token is not { Length: > 0 } && (credential.ClientCertificateData is not { Length: > 0 } || credential.ClientKeyData is not { Length: > 0 }))
                throw KstackException.User(Bad("neither a token nor a client certificate and key"));
            return credential;
        }
        catch (JsonException e)
        {
            throw KstackException.User(Bad($"output that is not JSON ({Kubeconfig.FirstLine(e.Message)})"));
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task<byte[]> ReadCappedAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await stream.ReadAsync(chunk)) > 0)
            if (buffer.Length < MaxOutputBytes) buffer.Write(chunk, 0, (int)Math.Min(n, MaxOutputBytes - buffer.Length));
        return buffer.ToArray();
    }
}
