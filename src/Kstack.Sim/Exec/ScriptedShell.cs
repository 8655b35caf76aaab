using System.Text;
using System.Text.Json;

namespace Kstack.Sim.Exec;

/// <summary>What the scripted shell knows about the container it pretends to run in.</summary>
internal sealed record ShellContext(string Hostname, bool HasShell, bool HasBash, IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, string> Files);

/// <summary>
/// A tiny shell for pods/exec and pods/attach: prompt, line editing when a TTY is requested, and the builtins echo,
/// hostname, cat (of known files), env, pwd, whoami, id, command -v, exec, true, false and exit.
/// </summary>
internal sealed class ScriptedShell(ShellContext context, bool tty, Func<string, Task> write)
{
    private static readonly HashSet<string> Binaries = ["cat", "echo", "env", "hostname", "id", "ls", "pwd", "whoami", "true", "false"];

    private readonly StringBuilder _line = new();

    public int? ExitCode { get; private set; }
    public bool Interactive { get; private set; }
    public string ShellName { get; private set; } = "sh";

    private string NewLine => tty ? "\r\n" : "\n";
    private string Prompt => $"root@{context.Hostname}:/# ";

    public static bool IsShell(string argv0) => Path.GetFileName(argv0) is "sh" or "bash" or "ash" or "zsh";

    /// <summary>Runs the exec command; sets <see cref="Interactive"/> when it ends in an interactive shell.</summary>
    public async Task StartAsync(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0) argv = ["sh"];
        if (!Exists(argv[0]))
        {
            var msg = $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not found in $PATH: unknown";
            await write(msg + NewLine);
            ExitCode = 126;
            return;
        }
        if (IsShell(argv[0]))
        {
            var rest = argv.Skip(1).Where(a => a is not ("-i" or "-l")).ToList();
            if (rest.Count == 0) { await BeginInteractiveAsync(Path.GetFileName(argv[0])); return; }
            if (rest[0] == "-c" && rest.Count >= 2) { await RunScriptAsync(rest[1]); return; }
        }
        await RunScriptAsync(string.Join(' ', argv.Select(Quote)));
    }

    private bool Exists(string cmd)
    {
        var name = Path.GetFileName(cmd);
        if (!context.HasShell) return false;
        if (name == "bash") return context.HasBash;
        return IsShell(name) || Binaries.Contains(name);
    }

    private async Task BeginInteractiveAsync(string shell)
    {
        Interactive = true;
        ShellName = shell;
        await write(Prompt);
    }

    /// <summary>Bytes typed on stdin: echoed and line-edited with a TTY, executed at end of line.</summary>
    public async Task InputAsync(ReadOnlyMemory<byte> data)
    {
        if (!Interactive || ExitCode is not null) return;
        foreach (var ch in Encoding.UTF8.GetString(data.Span))
        {
            switch (ch)
            {
                case '\r' or '\n':
                    if (tty) await write("\r\n");
                    var line = _line.ToString();
                    _line.Clear();
                    await RunScriptAsync(line);
                    if (ExitCode is not null) return;
                    await write(Prompt);
                    break;
                case '\u007f' or '\b':
                    if (_line.Length > 0) { _line.Length--; if (tty) await write("\b \b"); }
                    break;
                case '\u0003':
                    _line.Clear();
                    await write("^C" + NewLine + Prompt);
                    break;
                case '\u0004':
                    if (_line.Length == 0) { ExitCode = 0; if (tty) await write("exit\r\n"); return; }
                    break;
                default:
                    if (!char.IsControl(ch))
                    {
                        _line.Append(ch);
                        if (tty) await write(ch.ToString());
                    }
                    break;
            }
        }
    }

    /// <summary>Runs `a; b && c || d` left to right with sh's short-circuit rules.</summary>
    private async Task RunScriptAsync(string script)
    {
        var status = 0;
        var op = ";";
        _execed = false;
        foreach (var (part, nextOp) in SplitScript(script))
        {
            var run = op switch { "&&" => status == 0, "||" => status != 0, _ => true };
            op = nextOp;
            if (!run || part.Trim().Length == 0) continue;
            status = await RunCommandAsync(Tokenize(part));
            if (ExitCode is not null || _execed) return;
        }
        if (!Interactive) ExitCode ??= status;
    }

    private bool _execed;

    private async Task<int> RunCommandAsync(List<string> words)
    {
        var redirectNull = false;
        words = words.Where(w =>
        {
            if (w is ">/dev/null" or "2>/dev/null" or "&>/dev/null") { redirectNull = true; return false; }
            return true;
        }).ToList();
        if (words.Count == 0) return 0;
        var output = new StringBuilder();
        var (code, text) = Builtin(words);
        if (code == -1)
        {
            // exec: an interactive shell replaces this one; any other command runs and ends the shell.
            var target = words.Skip(1).ToList();
            if (target.Count > 0 && IsShell(target[0]) && Exists(target[0]))
            {
                _execed = true;
                if (!Interactive) await BeginInteractiveAsync(Path.GetFileName(target[0]));
                return 0;
            }
            var (c2, t2) = target.Count == 0 ? (0, "") : Builtin(target);
            if (!redirectNull) await WriteText(t2);
            ExitCode = c2;
            return c2;
        }
        if (!redirectNull) await WriteText(text);
        return code;
    }

    private async Task WriteText(string text)
    {
        if (text.Length == 0) return;
        await write(tty ? text.Replace("\n", "\r\n") : text);
    }

    /// <summary>Exit code and output; -1 means `exec`.</summary>
    private (int Code, string Output) Builtin(List<string> w)
    {
        var env = Environment();
        string Expand(string s) => s.StartsWith('$') && env.TryGetValue(s[1..], out var v) ? v : s;
        var name = Path.GetFileName(w[0]);
        switch (name)
        {
            case "exec": return (-1, "");
            case "exit":
                ExitCode = w.Count > 1 && int.TryParse(w[1], out var n) ? n : 0;
                return (ExitCode.Value, "");
            case "echo": return (0, string.Join(' ', w.Skip(1).Select(Expand)) + "\n");
            case "hostname": return (0, context.Hostname + "\n");
            case "pwd": return (0, "/\n");
            case "whoami": return (0, "root\n");
            case "id": return (0, "uid=0(root) gid=0(root) groups=0(root)\n");
            case "true": return (0, "");
            case "false": return (1, "");
            case "env": return (0, string.Concat(env.Select(kv => $"{kv.Key}={kv.Value}\n")));
            case "ls": return (0, string.Join("  ", context.Files.Keys.Select(Path.GetFileName)) + "\n");
            case "cat":
                var sb = new StringBuilder();
                var code = 0;
                foreach (var f in w.Skip(1))
                {
                    if (context.Files.TryGetValue(f, out var content)) sb.Append(content.EndsWith('\n') ? content : content + "\n");
                    else { sb.Append($"cat: {f}: No such file or directory\n"); code = 1; }
                }
                return (code, sb.ToString());
            case "command" when w.Count >= 3 && w[1] == "-v":
                return Exists(w[2]) ? (0, $"/bin/{Path.GetFileName(w[2])}\n") : (1, "");
            case "sh" or "bash" or "ash" or "zsh" when Exists(name):
                return (0, "");
            default:
                return (127, $"{ShellName}: {w[0]}: not found\n");
        }
    }

    private Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ["HOSTNAME"] = context.Hostname, ["HOME"] = "/root",
        };
        if (tty) env["TERM"] = "xterm";
        foreach (var (k, v) in context.Env) env[k] = v;
        return env;
    }

    private static IEnumerable<(string Part, string NextOp)> SplitScript(string script)
    {
        var sb = new StringBuilder();
        char quote = '\0';
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; sb.Append(c); continue; }
            if (c is '\'' or '"') { quote = c; sb.Append(c); continue; }
            if (c == ';' || c == '\n') { yield return (sb.ToString(), ";"); sb.Clear(); continue; }
            if (i + 1 < script.Length && (c, script[i + 1]) is ('&', '&') or ('|', '|'))
            {
                yield return (sb.ToString(), script.Substring(i, 2));
                sb.Clear();
                i++;
                continue;
            }
            sb.Append(c);
        }
        yield return (sb.ToString(), ";");
    }

    private static List<string> Tokenize(string s)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        char quote = '\0';
        var any = false;
        foreach (var c in s)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; else sb.Append(c); continue; }
            if (c is '\'' or '"') { quote = c; any = true; continue; }
            if (char.IsWhiteSpace(c)) { if (sb.Length > 0 || any) { words.Add(sb.ToString()); sb.Clear(); any = false; } continue; }
            sb.Append(c);
        }
        if (sb.Length > 0 || any) words.Add(sb.ToString());
        return words;
    }

    private static string Quote(string a) => a.Any(char.IsWhiteSpace) || a.Length == 0 ? "'" + a + "'" : a;

    /// <summary>Files a container sees: /etc/hostname, /etc/os-release, and every key of ConfigMap volumes at its mount path.</summary>
    public static Dictionary<string, string> FilesFor(JsonElement pod, JsonElement container, string hostname, Func<string, JsonElement?> configMap)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/etc/hostname"] = hostname,
            ["/etc/os-release"] = "PRETTY_NAME=\"kstack-sim scripted shell\"\nNAME=\"kstack-sim\"\nID=kstack-sim\n",
        };
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pod.TryGetProperty("spec", out var spec) && spec.TryGetProperty("volumes", out var vols) && vols.ValueKind == JsonValueKind.Array)
            foreach (var v in vols.EnumerateArray())
                if (v.TryGetProperty("configMap", out var cm) && cm.TryGetProperty("name", out var cmName) && v.TryGetProperty("name", out var vn))
                    volumes[vn.GetString() ?? ""] = cmName.GetString() ?? "";
        if (container.TryGetProperty("volumeMounts", out var mounts) && mounts.ValueKind == JsonValueKind.Array)
            foreach (var m in mounts.EnumerateArray())
            {
                if (!m.TryGetProperty("name", out var mn) || !volumes.TryGetValue(mn.GetString() ?? "", out var cmName)) continue;
                if (configMap(cmName) is not { } obj || !obj.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) continue;
                var path = m.TryGetProperty("mountPath", out var mp) ? mp.GetString() ?? "" : "";
                foreach (var kv in data.EnumerateObject()) files[path.TrimEnd('/') + "/" + kv.Name] = kv.Value.GetString() ?? "";
            }
        return files;
    }
}
