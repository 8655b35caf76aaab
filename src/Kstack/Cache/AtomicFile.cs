namespace Kstack.Cache;

/// <summary>
/// Writes files through a uniquely named temp file and a rename, so readers never see partial content. When the
/// directory is removed under a write (a concurrent `kstack forget`), the write starts again once in a recreated
/// directory instead of failing.
/// </summary>
internal static class AtomicFile
{
    private const int Attempts = 2;

    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            var tmp = TempFor(path);
            try
            {
                await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await write(fs);
                    await fs.FlushAsync();
                }
                File.Move(tmp, path, overwrite: true);
                return;
            }
            catch (Exception e) when (Vanished(e) && attempt < Attempts)
            {
                TryDelete(tmp);
            }
            catch
            {
                TryDelete(tmp);
                throw;
            }
        }
    }

    public static void WriteAllText(string path, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            var tmp = TempFor(path);
            try
            {
                File.WriteAllText(tmp, text);
                File.Move(tmp, path, overwrite: true);
                return;
            }
            catch (Exception e) when (Vanished(e) && attempt < Attempts)
            {
                TryDelete(tmp);
            }
            catch
            {
                TryDelete(tmp);
                throw;
            }
        }
    }

    /// <summary>Creates the directory and names a temp file beside the target.</summary>
    private static string TempFor(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>The directory or the temp file was deleted by someone else during the write.</summary>
    private static bool Vanished(Exception e) => e is DirectoryNotFoundException or FileNotFoundException;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
