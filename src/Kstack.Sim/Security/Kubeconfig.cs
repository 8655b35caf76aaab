using System.Text;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Security;

/// <summary>Writes the kubeconfig: cluster kstack-sim, user admin plus one per scenario user, contexts sim-admin and sim-&lt;name&gt;.</summary>
internal static class Kubeconfig
{
    public static string Render(string serverUrl, string caPem, IEnumerable<SimUser> users)
    {
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\npreferences: {}\n");
        sb.Append("clusters:\n- name: kstack-sim\n  cluster:\n");
        sb.Append("    server: ").Append(serverUrl).Append('\n');
        sb.Append("    certificate-authority-data: ").Append(caData).Append('\n');
        sb.Append("users:\n");
        var list = users.ToList();
        foreach (var u in list)
            sb.Append("- name: ").Append(Quote(u.Name)).Append("\n  user:\n    token: ").Append(Quote(u.Token)).Append('\n');
        sb.Append("contexts:\n");
        foreach (var u in list)
            sb.Append("- name: ").Append(Quote("sim-" + u.Name)).Append("\n  context:\n    cluster: kstack-sim\n    user: ").Append(Quote(u.Name)).Append('\n');
        sb.Append("current-context: sim-admin\n");
        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static void Write(string path, string content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(tmp, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, full, true);
    }
}
