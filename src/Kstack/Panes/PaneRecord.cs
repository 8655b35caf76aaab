using System.Text.Json;
using System.Text.Json.Serialization;
using Kstack.Cache;
using Kstack.Json;

namespace Kstack.Panes;

/// <summary>Who may reach a pane through kstack (written as its <see cref="PaneRecord.TrustName"/> in every document).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaneTrust>))]
internal enum PaneTrust
{
    /// <summary>The agent may type (pane send) but not read.</summary>
    [JsonStringEnumMemberName("default")] Default,
    /// <summary>--trust-pane: bounded, redacted, framed reads are allowed too.</summary>
    [JsonStringEnumMemberName("trusted")] Trusted,
    /// <summary>--detach: neither read nor send; only the user's own terminal.</summary>
    [JsonStringEnumMemberName("detached")] Detached,
}

internal sealed record PodRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>One tmux session kstack started: what runs in it, against which cluster, and what it created there.</summary>
internal sealed record PaneRecord
{
    public required string Session { get; init; }
    public required string Mode { get; init; }
    public required string Context { get; init; }
    public required string Target { get; init; }
    public required PaneTrust Trust { get; init; }
    public required string Command { get; init; }
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public IReadOnlyList<PodRef> Pods { get; init; } = [];
    /// <summary>The namespace a logs pane follows (a replaced query keeps it unless it names another).</summary>
    public string? Namespace { get; init; }

    public static string TrustName(PaneTrust t) => t switch { PaneTrust.Trusted => "trusted", PaneTrust.Detached => "detached", _ => "default" };

    public string ToJson() => Dto.Serialize(this, PaneJson.Default.PaneRecord);

    public static PaneRecord FromJson(string json) => JsonSerializer.Deserialize(json, PaneJson.Default.PaneRecord) ?? throw new JsonException("null pane record");
}

/// <summary>Session records under &lt;root&gt;/state/panes/&lt;session&gt;.json.</summary>
internal sealed class PaneStore(InstallRoot root)
{
    public string Dir => Path.Combine(root.StateDir, "panes");

    public static bool IsKstackSession(string name) =>
        (name.StartsWith("kstack-logs-", StringComparison.Ordinal) || name.StartsWith("kstack-exec-", StringComparison.Ordinal))
        && name.Length <= 80 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    public void Save(PaneRecord record) => AtomicFile.WriteAllText(Path.Combine(Dir, record.Session + ".json"), record.ToJson());

    public PaneRecord? Load(string session)
    {
        if (!IsKstackSession(session)) return null;
        try { return PaneRecord.FromJson(File.ReadAllText(Path.Combine(Dir, session + ".json"))); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public IReadOnlyList<PaneRecord> All()
    {
        if (!Directory.Exists(Dir)) return [];
        var list = new List<PaneRecord>();
        foreach (var f in Directory.EnumerateFiles(Dir, "kstack-*.json").Order(StringComparer.Ordinal))
            if (Load(Path.GetFileNameWithoutExtension(f)) is { } r) list.Add(r);
        return list;
    }

    public void Delete(string session)
    {
        if (IsKstackSession(session)) File.Delete(Path.Combine(Dir, session + ".json"));
    }

    /// <summary>A session name for a new pane: kstack-&lt;mode&gt;-&lt;slug&gt;, with -2, -3… when taken (by tmux or a record).</summary>
    public string NewSessionName(string mode, string target)
    {
        var slug = Slug(target);
        var live = Tmux.Sessions().ToHashSet(StringComparer.Ordinal);
        for (var i = 1; ; i++)
        {
            var name = $"kstack-{mode}-{slug}" + (i == 1 ? "" : $"-{i}");
            if (!live.Contains(name) && Load(name) is null) return name;
        }
    }

    public static string Slug(string text)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            if (sb.Length >= 40) break;
        }
        var s = sb.ToString().Trim('-');
        return s.Length == 0 ? "session" : s;
    }
}
