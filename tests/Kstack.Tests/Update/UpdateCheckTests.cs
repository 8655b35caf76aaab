using Kstack.Cache;
using Kstack.Update;
using Xunit;

namespace Kstack.Tests.Update;

public sealed class SemVersionTests
{
    [Theory]
    [InlineData("1.10.0", "1.9.0")]
    [InlineData("1.0.10", "1.0.2")]
    [InlineData("1.2.0", "1.1.9")]
    [InlineData("v2.0.0", "1.99.99")]
    [InlineData("1.0.0", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.2", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.10", "1.0.0-rc.9")]
    [InlineData("1.0.0-beta", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha")]
    public void Orders_versions_as_semver_does(string newer, string older)
    {
        Assert.True(SemVersion.TryParse(newer, out var a));
        Assert.True(SemVersion.TryParse(older, out var b));
        Assert.True(a.CompareTo(b) > 0);
        Assert.True(b.CompareTo(a) < 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.x")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-a..b")]
    [InlineData("1.2.3-\u001b[31m")]
    [InlineData("99999999999.0.0")]
    public void Rejects_what_is_not_a_version(string text) => Assert.False(SemVersion.TryParse(text, out _));

    [Fact]
    public void Build_metadata_is_ignored_and_v_is_dropped()
    {
        Assert.True(SemVersion.TryParse("v1.2.3+abc", out var v));
        Assert.Equal("1.2.3", v.ToString());
    }
}

public sealed class UpdateCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-upd-").FullName;
    private readonly ManualClock _clock = new() { Now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero) };
    private readonly List<Uri> _asked = [];
    private readonly Dictionary<string, string> _env = [];
    private Func<string> _answer = () => """{"versions":["0.1.0","0.2.0","0.3.0-rc.1"]}""";

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private UpdateCheck Check() => new(new InstallRoot(_dir), _clock, (uri, timeout, ct) =>
    {
        _asked.Add(uri);
        Assert.Equal(TimeSpan.FromSeconds(2), timeout);
        return Task.FromResult(_answer());
    }, name => _env.GetValueOrDefault(name));

    private Task<string?> Notice(string installed = "0.1.0") => Check().NoticeAsync(installed, () => "dotnet tool update -g kstack", default);

    [Fact]
    public async Task A_newer_stable_release_gives_one_notice_naming_the_upgrade()
    {
        var notice = await Notice();
        Assert.Equal("kstack 0.2.0 is available (you have 0.1.0): run `kstack upgrade` (dotnet tool update -g kstack), or `kstack dismiss-update` to hide it.", notice);
        Assert.DoesNotContain('\n', notice!);
    }

    [Fact]
    public async Task Same_or_older_installed_versions_give_no_notice()
    {
        Assert.Null(await Notice("0.2.0"));
        Assert.Null(await Notice("0.9.0"));
    }

    [Fact]
    public async Task The_feed_is_asked_at_most_once_per_day_and_the_notice_shown_at_most_once_per_day()
    {
        Assert.NotNull(await Notice());
        _clock.Now += TimeSpan.FromHours(1);
        Assert.Null(await Notice());
        Assert.Single(_asked);
        _clock.Now += TimeSpan.FromHours(24);
        Assert.NotNull(await Notice());
        Assert.Equal(2, _asked.Count);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"versions":"0.2.0"}""")]
    [InlineData("""{"versions":[]}""")]
    [InlineData("<html>503</html>")]
    public async Task Malformed_answers_are_silent_and_count_as_the_days_check(string body)
    {
        _answer = () => body;
        Assert.Null(await Notice());
        Assert.Null(await Notice());
        Assert.Single(_asked);
    }

    [Fact]
    public async Task An_unreachable_or_slow_feed_is_silent_and_not_asked_again_that_day()
    {
        _answer = () => throw new HttpRequestException("connection refused");
        Assert.Null(await Notice());
        _answer = () => throw new TaskCanceledException("2 s");
        _clock.Now += TimeSpan.FromHours(25);
        Assert.Null(await Notice());
        Assert.Null(await Notice());
        Assert.Equal(2, _asked.Count);
    }

    [Fact]
    public async Task Dismissing_hides_that_version_and_a_newer_one_shows_again()
    {
        await Notice();
        Assert.Contains("kstack 0.2.0", Check().Dismiss(null, null));
        _clock.Now += TimeSpan.FromDays(2);
        Assert.Null(await Notice());
        _answer = () => """{"versions":["0.2.0","0.4.0"]}""";
        _clock.Now += TimeSpan.FromDays(2);
        Assert.Contains("kstack 0.4.0 is available", await Notice());
    }

    [Fact]
    public async Task Snoozing_hides_every_notice_until_it_ends()
    {
        Check().Dismiss(null, TimeSpan.FromDays(7));
        Assert.Null(await Notice());
        _clock.Now += TimeSpan.FromDays(6);
        Assert.Null(await Notice());
        _clock.Now += TimeSpan.FromDays(2);
        Assert.NotNull(await Notice());
    }

    [Fact]
    public void Dismiss_before_any_check_says_so_and_rejects_non_versions()
    {
        Assert.Equal("No newer kstack release is known yet; nothing to dismiss.", Check().Dismiss(null, null));
        var e = Assert.Throws<Kstack.Envelope.KstackException>(() => Check().Dismiss("latest", null));
        Assert.Equal(Kstack.Envelope.ErrorKind.User, e.Kind);
    }

    [Fact]
    public async Task Disabled_by_environment_or_state_flag_asks_nothing()
    {
        _env["KSTACK_NO_UPDATE_CHECK"] = "1";
        Assert.Null(await Notice());
        _env.Remove("KSTACK_NO_UPDATE_CHECK");
        Directory.CreateDirectory(Path.Combine(_dir, "state", "global"));
        File.WriteAllText(Check().DisabledFlagPath, "");
        Assert.Null(await Notice());
        Assert.Empty(_asked);
    }

    [Theory]
    [InlineData(null, UpdateCheck.DefaultFeed)]
    [InlineData("http://127.0.0.1:8080/kstack/index.json", "http://127.0.0.1:8080/kstack/index.json")]
    [InlineData("file:///etc/passwd", UpdateCheck.DefaultFeed)]
    [InlineData("not a url", UpdateCheck.DefaultFeed)]
    public async Task The_feed_is_the_nuget_index_unless_KSTACK_UPDATE_FEED_names_an_http_url(string? feed, string expected)
    {
        if (feed is not null) _env["KSTACK_UPDATE_FEED"] = feed;
        await Notice();
        Assert.Equal([new Uri(expected)], _asked);
    }

    [Fact]
    public async Task The_upgrade_hint_is_worked_out_only_when_a_notice_is_shown()
    {
        var asked = 0;
        Assert.NotNull(await Check().NoticeAsync("0.1.0", () => { asked++; return "x"; }, default));
        Assert.Null(await Check().NoticeAsync("0.1.0", () => { asked++; return "x"; }, default));
        Assert.Null(await Check().NoticeAsync("0.2.0", () => { asked++; return "x"; }, default));
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task A_corrupt_state_file_is_replaced_not_fatal()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "state", "global"));
        File.WriteAllText(Check().StatePath, "{{{");
        Assert.NotNull(await Notice());
    }

    [Fact]
    public async Task Prereleases_are_offered_only_to_prerelease_installs()
    {
        Assert.Contains("kstack 0.2.0 is available", await Notice("0.1.0"));
        var pre = new UpdateCheck(new InstallRoot(Path.Combine(_dir, "b")), _clock, (_, _, _) => Task.FromResult(_answer()), _ => null);
        Assert.Contains("kstack 0.3.0-rc.1 is available", await pre.NoticeAsync("0.2.0-beta.1", () => "x", default));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public sealed class InstallOriginTests
{
    private const string Home = "/home/u";

    [Theory]
    [InlineData("/home/u/.dotnet/tools/.store/kstack/0.1.0/kstack.linux-x64/0.1.0/tools/any/linux-x64/kstack", "DotnetToolGlobal", "dotnet tool update -g kstack")]
    [InlineData("/opt/t/.store/kstack/0.1.0/kstack.linux-x64/0.1.0/tools/any/linux-x64/kstack", "DotnetToolPath", "dotnet tool update --tool-path /opt/t kstack")]
    [InlineData("/home/u/.nuget/packages/kstack.linux-x64/0.1.0/tools/any/linux-x64/kstack", "DotnetToolLocal", "dotnet tool update kstack")]
    [InlineData("/home/u/.local/bin/kstack", "Archive", "download the release archive, verify its SHA-256 and replace the binary")]
    public void Reads_the_install_method_from_the_binary_path(string path, string kind, string command)
    {
        var origin = InstallOrigin.Detect(path, Home);
        Assert.Equal(Enum.Parse<InstallKind>(kind), origin.Kind);
        Assert.Equal(command, origin.UpgradeCommand);
    }

    [Fact]
    public void A_build_in_a_clone_is_a_source_install()
    {
        var origin = InstallOrigin.Detect(Path.Combine(Support.KstackProcess.RepoRoot, "artifacts", "bin", "kstack"), Home);
        Assert.Equal(InstallKind.Source, origin.Kind);
        Assert.Contains("pull --ff-only", origin.UpgradeCommand);
    }
}
