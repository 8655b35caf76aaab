using System.Buffers;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kstack.Redaction;

/// <summary>
/// Pod specs carry literal env values. Before a pod list reaches the cache, the value of every env entry whose name
/// looks like a credential (Polaris' and Kubescape's name patterns) or whose value has a credential shape the
/// <see cref="Redactor"/> knows is replaced by a marker with a short hash of the value, so a change stays visible
/// and the value does not. Works from the parsed pod, cutting its raw bytes: items without such an entry are copied untouched.
/// </summary>
internal static partial class EnvRedactor
{
    public const string MarkerPrefix = "[REDACTED:env sha256:";

    public static string Marker(string value) => $"{MarkerPrefix}{Cache.InstallRoot.ShortSha(value)[..8]}]";

    public static bool IsMarker(string value) => value.StartsWith(MarkerPrefix, StringComparison.Ordinal);

    /// <summary>A literal value is a credential when its name says so and it is not a path or reference, or when its shape says so.</summary>
    public static bool LooksLikeCredential(string name, string value)
    {
        if (value.Length == 0) return false;
        // Replicas repeat their env: each pair is judged once per run (bounded).
        if (Judged.TryGetValue((name, value), out var known)) return known;
        var credential = Judge(name, value);
        if (Judged.Count < MaxJudged) Judged.TryAdd((name, value), credential);
        return credential;
    }

    private const int MaxJudged = 100_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), bool> Judged = new();

    private static bool Judge(string name, string value)
    {
        if (IsMarker(value) || Redactor.Redact(value) != value) return true;
        if (!SensitiveName().IsMatch(name)) return false;
        return !(value.StartsWith('/') || value.StartsWith("$(", StringComparison.Ordinal) || value is "true" or "false" || value.Length < 4);
    }

    /// <summary>The item with credential-like env values replaced, or the item itself when there is none.</summary>
    public static ReadOnlySpan<byte> Apply(ReadOnlySpan<byte> item, ArrayBufferWriter<byte> scratch)
    {
        if (item.IndexOf("\"env\""u8) < 0) return item;
        var reader = new Utf8JsonReader(item);
        using var doc = JsonDocument.ParseValue(ref reader);
        var raw = JsonMarshal.GetRawUtf8Value(doc.RootElement);
        var cuts = new List<Kube.ByteCut>();
        AddCuts(doc.RootElement, raw, cuts);
        if (cuts.Count == 0) return item;
        scratch.ResetWrittenCount();
        Kube.ItemRewriter.WriteCut(raw, 0, cuts, scratch);
        return scratch.WrittenSpan;
    }

    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];

    /// <summary>
    /// Adds a cut for every credential-like literal env value of a pod's containers (init, regular, ephemeral); raw is
    /// the pod's bytes. Values already replaced are left alone, so applying it twice changes nothing.
    /// </summary>
    public static void AddCuts(JsonElement pod, ReadOnlySpan<byte> raw, List<Kube.ByteCut> cuts)
    {
        if (!pod.TryGetProperty("spec"u8, out var spec) || spec.ValueKind != JsonValueKind.Object) return;
        foreach (var list in ContainerLists)
        {
            if (!spec.TryGetProperty(list, out var containers) || containers.ValueKind != JsonValueKind.Array) continue;
            foreach (var container in containers.EnumerateArray())
            {
                if (container.ValueKind != JsonValueKind.Object || !container.TryGetProperty("env"u8, out var env) || env.ValueKind != JsonValueKind.Array) continue;
                foreach (var entry in env.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("value"u8, out var value) || value.ValueKind != JsonValueKind.String) continue;
                    var text = value.GetString()!;
                    var name = entry.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                    if (IsMarker(text) || !LooksLikeCredential(name, text)) continue;
                    var bytes = JsonMarshal.GetRawUtf8Value(value);
                    var start = Kube.ItemRewriter.OffsetIn(raw, bytes);
                    cuts.Add(new Kube.ByteCut(start, start + bytes.Length, Encoding.UTF8.GetBytes("\"" + Marker(text) + "\"")));
                }
            }
        }
    }

    [GeneratedRegex(@"^(AWS_SECRET_ACCESS_KEY|GOOGLE_APPLICATION_CREDENTIALS|AZURE_.+KEY|OCI_CLI_KEY_CONTENT)$|password|passwd|pwd|token|bearer|secret|api_?key|jwt|credential",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SensitiveName();
}
