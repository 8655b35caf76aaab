using System.Text;
using Kstack.Commands;
using Kstack.Tests.Envelope;

namespace Kstack.Tests.SecurityTier;

/// <summary>
/// The invocations the security tier makes of a skill, worked out from its descriptor alone, so a skill added to the
/// catalogue is probed without new test code: the bare skill (when it needs no target), the skill on a pod of the
/// hostile scenario (when it takes a target), each also with --json when the skill has a JSON answer.
/// </summary>
public static class SkillProbes
{
    /// <summary>A pod of the `hostile` scenario whose names, labels, annotations, events and logs carry payloads.</summary>
    public const string HostilePod = "hostile/payload-6b5d8f7c9d-x7k2m";

    /// <summary>A pod of the generated corpus scenario (its status and events carry corpus strings).</summary>
    public const string CorpusPod = "corpus/corpus-0";

    public static IEnumerable<object[]> Skills() => SkillCatalogue.Names.Select(n => new object[] { n });

    public static IEnumerable<object[]> CachedSkills() => SkillCatalogue.All.Where(d => d.Cached).Select(d => new object[] { d.Name });

    public static IEnumerable<object[]> ReadOnlySkills() =>
        SkillCatalogue.All.Where(d => d.Effect == SkillEffect.ReadOnly && d.RequiresKubeconfigContext).Select(d => new object[] { d.Name });

    internal static SkillDescriptor Descriptor(string name) => SkillCatalogue.Find(name) ?? throw new ArgumentException(name);

    /// <summary>The argument lists the tier runs for this skill against the hostile clusters.</summary>
    internal static IReadOnlyList<string[]> Invocations(SkillDescriptor d, params string[] targets)
    {
        var bases = new List<string[]>();
        if (d.Target is not { Required: true }) bases.Add([d.Name]);
        if (d.Target is not null) bases.AddRange(targets.Select(t => new[] { d.Name, t }));
        return [.. bases, .. d.JsonResult is null ? [] : bases.Select(b => (string[])[.. b, "--json"])];
    }

    /// <summary>The flags whose value the tier may fill with hostile text: every text, list and choice flag.</summary>
    internal static IEnumerable<FlagSpec> ValueFlags(SkillDescriptor d) =>
        d.AllFlags.Where(f => f is TextFlag or ListFlag or ChoiceFlag && f.Name is not ("--context" or "--output"));

    /// <summary>
    /// A scenario directory planting every corpus string in the free-text fields a real API server accepts: pod
    /// annotations, status messages and reasons, container waiting messages, termination messages, event messages and
    /// log lines, one pod per string (named by index, as names are validated by the API server).
    /// </summary>
    public static string WriteCorpusScenario()
    {
        var dir = Directory.CreateTempSubdirectory("kstack-corpus-").FullName;
        var items = new List<string>();
        var entries = HostileCorpus.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var v = Json(entries[i].Value);
            items.Add("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"corpus-@I@","namespace":"corpus","labels":{"app":"corpus"},
                 "annotations":{"kstack.example.com/value":@V@,"kubernetes.io/description":@V@}},
                 "spec":{"nodeName":"corpus-node","containers":[{"name":"app","image":"registry.example.com/corpus/app:1.0"}]},
                 "status":{"phase":"Running","message":@V@,"reason":"Evicted","containerStatuses":[{"name":"app","ready":false,"restartCount":7,
                  "image":"registry.example.com/corpus/app:1.0","imageID":"x",
                  "state":{"waiting":{"reason":"CrashLoopBackOff","message":@V@}},
                  "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","message":@V@,"startedAt":"now-10m","finishedAt":"now-9m"}}}]}}
                """.Replace("@I@", i.ToString(), StringComparison.Ordinal).Replace("@V@", v, StringComparison.Ordinal));
            items.Add("""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"corpus-@I@.e","namespace":"corpus"},
                 "involvedObject":{"kind":"Pod","namespace":"corpus","name":"corpus-@I@"},"reason":"BackOff","message":@V@,
                 "type":"Warning","count":3,"firstTimestamp":"now-20m","lastTimestamp":"now-1m","source":{"component":"kubelet"}}
                """.Replace("@I@", i.ToString(), StringComparison.Ordinal).Replace("@V@", v, StringComparison.Ordinal));
        }
        items.Add("""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"corpus-node","labels":{"kubernetes.io/hostname":"corpus-node"}},
             "status":{"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"now-1m","lastTransitionTime":"now-3d"}],
              "allocatable":{"cpu":"4","memory":"16Gi","pods":"110"},"capacity":{"cpu":"4","memory":"16Gi","pods":"110"},
              "nodeInfo":{"kubeletVersion":"v1.31.2","kubeProxyVersion":"v1.31.2","osImage":"Debian GNU/Linux 12","kernelVersion":"6.1.0","containerRuntimeVersion":"containerd://1.7.22"}}}
            """);
        File.WriteAllText(Path.Combine(dir, "corpus.json"), "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + string.Join(",", items) + "]}");
        var logs = Path.Combine(dir, "logs", "corpus", "corpus-0");
        Directory.CreateDirectory(logs);
        // Lone surrogates cannot be written as UTF-8: they become U+FFFD, and raw invalid UTF-8 lines follow.
        var log = new List<byte>(Encoding.UTF8.GetBytes(string.Join("\n", entries.Select(e => e.Value.Replace("\n", " ", StringComparison.Ordinal))) + "\n"));
        foreach (var (_, bytes) in HostileCorpus.Utf8ByteSequences()) log.AddRange([.. bytes, (byte)'\n']);
        File.WriteAllBytes(Path.Combine(logs, "app.log"), [.. log]);
        return dir;
    }

    /// <summary>
    /// A JSON string literal with every non-ASCII or control character escaped; a lone surrogate becomes U+FFFD, as an
    /// API server (Go) serves it.
    /// </summary>
    private static string Json(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : !char.IsLowSurrogate(c) || i > 0 && char.IsHighSurrogate(s[i - 1]);
            if (!paired) c = '\uFFFD';
            if (c == '"') sb.Append("\\\"");
            else if (c == '\\') sb.Append("\\\\");
            else if (c < 0x20 || c > 0x7E) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
