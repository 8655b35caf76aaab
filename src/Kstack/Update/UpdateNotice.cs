using Kstack.Cache;
using Kstack.Cli;

namespace Kstack.Update;

/// <summary>The update line a skill's envelope carries, if any; the hint names the upgrade for how kstack was installed.</summary>
internal static class UpdateNotice
{
    public static async Task<string?> ForSkillAsync(InstallRoot root, CancellationToken ct)
    {
        try
        {
            return await UpdateCheck.Create(root).NoticeAsync(KstackApp.Version,
                () => InstallOrigin.Detect(InstalledFrom(root) ?? Environment.ProcessPath ?? "", Install.InstallTarget.Home()).UpgradeCommand, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The binary that ran `kstack install` for this root (manifest/origin), when recorded.</summary>
    public static string? InstalledFrom(InstallRoot root)
    {
        var file = Path.Combine(root.ManifestDir, "origin");
        if (!File.Exists(file) || new FileInfo(file).Length > 4096) return null;
        var path = File.ReadAllText(file).Trim();
        return Path.IsPathFullyQualified(path) ? path : null;
    }

    /// <summary>Both lines when both are there: the context notice first (it is about this call's cluster).</summary>
    public static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "\n" + second;
}
