namespace Kstack.Cache;

/// <summary>Small learned-state values: global (state/global/&lt;key&gt;) or per context (state/contexts/&lt;sha12&gt;/&lt;key&gt;).</summary>
public sealed class StateStore(InstallRoot root)
{
    public string? GetGlobal(string key) => Read(Path.Combine(root.GlobalStateDir, key));

    public void SetGlobal(string key, string value) => AtomicFile.WriteAllText(Path.Combine(root.GlobalStateDir, key), value);

    public string? GetForContext(string context, string key) => Read(Path.Combine(root.StateDirFor(context), key));

    public void SetForContext(string context, string key, string value) =>
        AtomicFile.WriteAllText(Path.Combine(root.StateDirFor(context), key), value);

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
