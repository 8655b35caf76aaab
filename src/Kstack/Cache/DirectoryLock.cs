namespace Kstack.Cache;

/// <summary>
/// An exclusive advisory lock on &lt;dir&gt;/.lock (FileShare.None maps to flock on Unix), held for the
/// fetch-and-write critical section so concurrent runs for one context never interleave.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    private readonly FileStream _stream;

    private DirectoryLock(FileStream stream) => _stream = stream;

    public static async Task<DirectoryLock> AcquireAsync(string dir, TimeSpan timeout, CancellationToken ct = default)
    {
        WritableRoot.Ensure(dir);
        var path = Path.Combine(dir, ".lock");
        var deadline = DateTime.UtcNow + timeout;
        var delay = 10;
        while (true)
        {
            try
            {
                return new DirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (Exception e) when (WritableRoot.IsWriteDenied(e))
            {
                throw Envelope.KstackException.Infra(WritableRoot.Message(dir, WritableRoot.Reason(e)));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, ct);
                delay = Math.Min(delay * 2, 200);
            }
            catch (IOException)
            {
                throw Envelope.KstackException.Infra($"Timed out waiting for another kstack run to release {path}.");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
