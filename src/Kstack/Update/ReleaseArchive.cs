using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Kstack.Envelope;

namespace Kstack.Update;

/// <summary>
/// The release-archive install, as scripts/install.sh does it: SHA256SUMS names the archive (and so the version), the
/// archive's SHA-256 is checked before anything is unpacked, and the binary replaces the old one with a rename.
/// </summary>
internal static partial class ReleaseArchive
{
    public const string DefaultBase = "https://github.com/kstack-dotnet/kstack/releases";
    private const long MaxArchiveBytes = 256L << 20;

    /// <summary>KSTACK_RELEASE_BASE (as for install.sh), else the project's GitHub releases.</summary>
    public static string Base(Func<string, string?> env) =>
        env("KSTACK_RELEASE_BASE") is { Length: > 0 } b ? b.TrimEnd('/') : DefaultBase;

    /// <summary>The runtime identifier archives are built for (linux/osx × x64/arm64), or null.</summary>
    public static string? Rid()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : null;
        var arch = RuntimeInformation.OSArchitecture switch { Architecture.X64 => "x64", Architecture.Arm64 => "arm64", _ => null };
        return os is null || arch is null ? null : $"{os}-{arch}";
    }

    /// <summary>`&lt;sha256&gt;  kstack-&lt;version&gt;-&lt;rid&gt;.tar.gz`; the rid is matched as a suffix (a version may hold hyphens).</summary>
    [GeneratedRegex(@"^(?<sum>[0-9a-f]{64})  (?<file>kstack-(?<version>[0-9][0-9A-Za-z.+-]*)-(?<rid>(linux|osx)-(x64|arm64))\.tar\.gz)$")]
    private static partial Regex SumLine();

    /// <summary>Downloads, verifies and installs the release's binary at <paramref name="destination"/>; returns its version.</summary>
    public static async Task<string> InstallAsync(HttpClient http, string baseUrl, string? version, string rid, string destination, CancellationToken ct)
    {
        var release = version is null ? $"{baseUrl}/latest/download" : $"{baseUrl}/download/v{version}";
        var sums = System.Text.Encoding.UTF8.GetString(await DownloadAsync(http, $"{release}/SHA256SUMS", 1 << 20, ct));
        var line = sums.Split('\n').Select(l => SumLine().Match(l.TrimEnd('\r'))).FirstOrDefault(m => m.Success && m.Groups["rid"].Value == rid)
                   ?? throw KstackException.Infra($"The release has no archive for {rid} (see {release}/SHA256SUMS); nothing was changed.");
        var file = line.Groups["file"].Value;
        var found = line.Groups["version"].Value;
        if (version is not null && found != version)
            throw KstackException.Infra($"SHA256SUMS of v{version} lists {file}; nothing was changed.");

        var archive = await DownloadAsync(http, $"{release}/{file}", MaxArchiveBytes, ct);
        var actual = Convert.ToHexStringLower(SHA256.HashData(archive));
        var expected = line.Groups["sum"].Value;
        if (actual != expected)
            throw KstackException.Infra($"Checksum mismatch for {file} (expected {expected}, got {actual}); nothing was changed.");

        var dir = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        var tmp = Path.Combine(dir, $".kstack.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!await ExtractAsync(archive, $"kstack-{found}-{rid}/kstack", tmp, ct))
                throw KstackException.Infra($"{file} holds no kstack-{found}-{rid}/kstack; nothing was changed.");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, (UnixFileMode)0b111_101_101);
            File.Move(tmp, destination, overwrite: true);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw KstackException.Infra($"Could not unpack {file} ({TerminalText.Clean(e.Message)}); nothing was changed.");
        }
        finally
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>Writes the one regular file named <paramref name="entryName"/> to <paramref name="target"/>; false when absent.</summary>
    private static async Task<bool> ExtractAsync(byte[] archive, string entryName, string target, CancellationToken ct)
    {
        await using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            if (entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] != entryName : entry.Name != entryName) continue;
            if (entry.DataStream is null) return false;
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            await entry.DataStream.CopyToAsync(output, ct);
            return true;
        }
        return false;
    }

    private static async Task<byte[]> DownloadAsync(HttpClient http, string url, long limit, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw KstackException.Infra($"Could not download {url} (HTTP {(int)response.StatusCode}); nothing was changed.");
            if (response.Content.Headers.ContentLength > limit) throw KstackException.Infra($"{url} is larger than {limit >> 20} MiB; nothing was changed.");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) throw KstackException.Infra($"{url} is larger than {limit >> 20} MiB; nothing was changed.");
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw KstackException.Infra($"Could not download {url} ({TerminalText.Clean(e.Message)}); nothing was changed.");
        }
    }
}
