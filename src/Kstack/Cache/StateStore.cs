namespace Kstack.Cache;

/// <summary>
/// Small learned-state values: global (state/global/&lt;key&gt;) or per cluster identity of a context
/// (<see cref="Commands.SkillRun.StateDir"/>: state/contexts/&lt;sha12(context)&gt;/&lt;identity&gt;/&lt;key&gt;).
/// </summary>
internal sealed class StateStore(InstallRoot root)
{
    public string? GetGlobal(string key) => Read(Path.Combine(root.GlobalStateDir, key));

    public void SetGlobal(string key, string value) => AtomicFile.WriteAllText(Path.Combine(root.GlobalStateDir, key), value);

    public static string? GetIn(string stateDir, string key) => Read(Path.Combine(stateDir, key));

    public static void SetIn(string stateDir, string key, string value) => AtomicFile.WriteAllText(Path.Combine(stateDir, key), value);

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
