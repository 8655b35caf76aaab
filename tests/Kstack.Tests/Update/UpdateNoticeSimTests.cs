using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Kstack.Cli;
using Kstack.Tests.Support;
using Xunit;

namespace Kstack.Tests.Update;

/// <summary>
/// The update notice through the built binary against a local versions feed. Most runs use `forget --all` (a skill that
/// needs no cluster, so the notice path is the same as any skill's); one runs /cluster-status against kstack-sim.
/// Time is moved by rewriting the timestamps in state/global/update.json.
/// </summary>
public sealed class UpdateNoticeSimTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kstack-update-").FullName;
    private readonly StaticFileServer _server;

    private string Root => Path.Combine(_dir, "root");
    private string StatePath => Path.Combine(Root, "state", "global", "update.json");
    private static string Installed => KstackApp.Version;

    public UpdateNoticeSimTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "feed"));
        Directory.CreateDirectory(Path.Combine(_dir, "home"));
        _server = new StaticFileServer(Path.Combine(_dir, "feed"));
    }

    public void Dispose()
    {
        _server.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string FeedUrl => _server.BaseUrl + "/kstack/index.json";

    private void Feed(string body)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "feed", "kstack"));
        File.WriteAllText(Path.Combine(_dir, "feed", "kstack", "index.json"), body);
    }

    private Dictionary<string, string?> Env(string? feed = null) => new()
    {
        ["KSTACK_ROOT"] = Root, ["HOME"] = Path.Combine(_dir, "home"),
        ["KSTACK_NO_UPDATE_CHECK"] = null, ["KSTACK_UPDATE_FEED"] = feed ?? FeedUrl,
    };

    private SimCluster.Run Skill(Dictionary<string, string?>? env = null) => SimCluster.KstackIn(env ?? Env(), "forget", "--all").AssertOk();

    private static string? Notice(SimCluster.Run run) => (string?)run.Envelope["notice"];

    private int Asked => _server.Requests.Count;

    /// <summary>Moves a timestamp of update.json into the past, as if that much time had gone by.</summary>
    private void Age(string field, TimeSpan by)
    {
        var state = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        var when = DateTimeOffset.Parse((string)state[field]!);
        state[field] = (when - by).ToString("O");
        File.WriteAllText(StatePath, state.ToJsonString());
    }

    [Fact]
    public void A_newer_release_is_one_line_naming_the_upgrade_shown_and_asked_at_most_once_a_day()
    {
        Feed($$"""{"versions":["0.0.1","{{Installed}}","99.0.0"]}""");
        var notice = Notice(Skill());
        Assert.NotNull(notice);
        Assert.StartsWith($"kstack 99.0.0 is available (you have {Installed}): run `kstack upgrade` (", notice);
        Assert.EndsWith("), or `kstack dismiss-update` to hide it.", notice);
        Assert.DoesNotContain('\n', notice);
        Assert.Equal(["/kstack/index.json"], _server.Requests);

        // Inside the day: no notice, and the feed is not asked (the run reads update.json only).
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);

        // A day after the notice, it shows again from the remembered answer, still without asking.
        Age("last_notice", TimeSpan.FromHours(25));
        Assert.StartsWith("kstack 99.0.0 is available", Notice(Skill()));
        Assert.Equal(1, Asked);

        // A day after the check, the feed is asked again.
        Age("last_check", TimeSpan.FromHours(25));
        Assert.Null(Notice(Skill()));
        Assert.Equal(2, Asked);
    }

    [Fact]
    public void The_hint_names_the_upgrade_for_the_binary_that_installed_the_root()
    {
        Feed("""{"versions":["99.0.0"]}""");
        var env = Env();
        SimCluster.KstackIn(env, "install", "--agent", "claude", "--quiet").AssertOk();
        Assert.Equal(Path.GetFullPath(KstackProcess.KstackBin), File.ReadAllText(Path.Combine(Root, "manifest", "origin")).Trim());
        // The installed copy runs the skills; the hint is for how the binary that installed it got here (a clone's build).
        var installed = KstackProcess.Run(Path.Combine(Root, "bin", "kstack"), ["forget", "--all"], env);
        var notice = (string?)EnvelopeAssert.Valid(installed.Stdout)["notice"];
        Assert.Contains($"(git -C {KstackProcess.RepoRoot} pull --ff-only && make -C {KstackProcess.RepoRoot} build)", notice);
    }

    [Theory]
    [InlineData("same")]
    [InlineData("older")]
    [InlineData("prerelease")]
    public void The_same_an_older_or_a_prerelease_version_gives_no_notice(string which)
    {
        Feed(which switch
        {
            "same" => $$"""{"versions":["{{Installed}}"]}""",
            "older" => """{"versions":["0.0.1","0.0.2"]}""",
            _ => $$"""{"versions":["{{Installed}}","99.0.0-rc.1"]}""",
        });
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("<html>503 Service Unavailable</html>")]
    [InlineData("""{"versions":"99.0.0"}""")]
    [InlineData("""{"versions":["latest","99","\u001b[31m99.0.0"]}""")]
    [InlineData("""{"items":[]}""")]
    public void A_malformed_answer_is_silent_and_counts_as_the_days_check(string body)
    {
        Feed(body);
        Assert.Null(Notice(Skill()));
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);
    }

    [Fact]
    public void A_missing_index_or_an_unreachable_feed_is_silent_and_asked_once_a_day()
    {
        Assert.Null(Notice(Skill())); // 404
        Assert.Equal(1, Asked);
        var closed = $"http://127.0.0.1:{ClosedPort()}/index.json";
        Age("last_check", TimeSpan.FromHours(25));
        Assert.Null(Notice(Skill(Env(closed))));
        Assert.Null(Notice(Skill(Env(closed))));
        Assert.True(File.Exists(StatePath));
        Assert.Equal(1, Asked);
    }

    [Fact]
    public void A_feed_that_does_not_answer_is_given_up_on_and_the_skill_answers_without_a_notice()
    {
        Feed("""{"versions":["99.0.0"]}""");
        _server.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The server never answers while held: the run can only end (within the helper's limit) by giving up on it.
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);
        _server.Hold.SetResult();
        _server.Hold = null;
        Assert.Null(Notice(Skill()));
        Assert.Equal(1, Asked);
    }

    [Fact]
    public void Dismiss_hides_the_known_release_and_a_later_release_shows_again()
    {
        Assert.Equal("No newer kstack release is known yet; nothing to dismiss.", SimCluster.KstackIn(Env(), "dismiss-update").AssertOk().Content);
        Feed("""{"versions":["99.0.0"]}""");
        Assert.NotNull(Notice(Skill()));
        Assert.Equal("Dismissed the update notice for kstack 99.0.0; a newer release will show again.",
            SimCluster.KstackIn(Env(), "dismiss-update").AssertOk().Content);
        Age("last_notice", TimeSpan.FromHours(25));
        Age("last_check", TimeSpan.FromHours(25));
        Assert.Null(Notice(Skill()));
        Assert.Equal(2, Asked);

        Feed("""{"versions":["99.0.0","100.0.0"]}""");
        Age("last_check", TimeSpan.FromHours(25));
        Assert.StartsWith("kstack 100.0.0 is available", Notice(Skill()));
    }

    [Fact]
    public void Dismiss_version_hides_that_release_and_older()
    {
        Feed("""{"versions":["99.0.0"]}""");
        Assert.Equal("Dismissed the update notice for kstack 100.0.0; a newer release will show again.",
            SimCluster.KstackIn(Env(), "dismiss-update", "--version", "v100.0.0").AssertOk().Content);
        Assert.Null(Notice(Skill()));
        Feed("""{"versions":["100.0.1"]}""");
        Age("last_check", TimeSpan.FromHours(25));
        Assert.StartsWith("kstack 100.0.1 is available", Notice(Skill()));
        Assert.Equal("user", SimCluster.KstackIn(Env(), "dismiss-update", "--version", "latest").Kind);
    }

    [Fact]
    public void Dismiss_for_snoozes_every_notice_and_the_feed_until_it_ends()
    {
        Feed("""{"versions":["99.0.0"]}""");
        var snooze = SimCluster.KstackIn(Env(), "dismiss-update", "--for", "7d").AssertOk().Content;
        Assert.Matches(@"^Update notices are snoozed until \d{4}-\d\d-\d\d \d\d:\d\dZ\.$", snooze);
        Assert.Null(Notice(Skill()));
        Assert.Equal(0, Asked);
        Age("snoozed_until", TimeSpan.FromDays(8));
        Assert.StartsWith("kstack 99.0.0 is available", Notice(Skill()));
    }

    [Theory]
    [InlineData("--for", "soon")]
    [InlineData("--for", "7d", "--version", "1.0.0")]
    [InlineData("--bogus")]
    [InlineData("--version")]
    public void Dismiss_rejects_bad_flags_as_user_errors(params string[] args)
    {
        var run = SimCluster.KstackIn(Env(), ["dismiss-update", .. args]);
        Assert.Equal("user", run.Kind);
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public void The_environment_or_the_state_flag_turns_the_check_off()
    {
        Feed("""{"versions":["99.0.0"]}""");
        var off = Env();
        off["KSTACK_NO_UPDATE_CHECK"] = "1";
        Assert.Null(Notice(Skill(off)));
        Assert.False(File.Exists(StatePath));

        Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
        File.WriteAllText(Path.Combine(Root, "state", "global", "update-check-disabled"), "");
        Assert.Null(Notice(Skill()));
        Assert.Equal(0, Asked);
    }

    [Fact]
    public void Help_never_checks()
    {
        Feed("""{"versions":["99.0.0"]}""");
        Assert.Null(SimCluster.KstackIn(Env(), "cluster-status", "--help").AssertOk().Envelope["notice"]);
        Assert.Null(SimCluster.KstackIn(Env(), "dismiss-update", "--help").AssertOk().Envelope["notice"]);
        Assert.Equal(0, Asked);
    }

    [Fact]
    public async Task A_cluster_skill_carries_the_notice_once_and_its_cache_hit_does_not_ask_again()
    {
        Feed("""{"versions":["99.0.0"]}""");
        await using var sim = await SimCluster.StartAsync("healthy");
        var env = Env();
        env["KUBECONFIG"] = sim.Server.KubeconfigPath;
        var first = SimCluster.KstackIn(env, "cluster-status").AssertOk();
        Assert.StartsWith("kstack 99.0.0 is available", Notice(first));
        var second = SimCluster.KstackIn(env, "cluster-status").AssertOk();
        Assert.StartsWith("Used cached snapshot (", second.Content.Split('\n')[^1]);
        Assert.Null(Notice(second));
        Assert.Equal(1, Asked);
    }

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
