using System.Globalization;
using Kstack.Commands;
using Kstack.Envelope;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kstack.Skills.AuditCost;

/// <summary>
/// The user's price table (--prices): per vCPU-hour and GiB-hour of requests (OpenCost's allocation model: what is
/// reserved is paid for), per LoadBalancer-month and per GiB-month of storage. A month is 730 hours. Without it the audit
/// speaks in cores, GiB and counts only.
/// </summary>
internal sealed record Prices(string Currency, decimal? CpuHour, decimal? MemoryGibHour, decimal? LoadBalancerMonth, decimal? StorageGibMonth)
{
    public const decimal HoursPerMonth = 730m;

    public const string Example = """
        currency: USD            # optional, default USD
        cpuHour: 0.0316          # per vCPU-hour requested
        memoryGibHour: 0.0042    # per GiB-hour of memory requested
        loadBalancerMonth: 18.25 # per LoadBalancer Service per month
        storageGibMonth: 0.08    # per GiB-month of PersistentVolume capacity
        """;

    private static readonly string[] Keys = ["currency", "cpuHour", "memoryGibHour", "loadBalancerMonth", "storageGibMonth"];

    public static Prices Load(string path)
    {
        if (!File.Exists(path)) throw KstackException.User($"Prices file not found: {ArgumentText.Cap(path)}");
        try { return Parse(File.ReadAllText(path), path); }
        catch (YamlException e) { throw Invalid(path, (int)e.Start.Line, e.Message.Split('\n')[0].Trim()); }
        catch (IOException e) { throw KstackException.User($"Prices file {ArgumentText.Cap(path)} cannot be read ({e.Message})."); }
    }

    public static Prices Parse(string text, string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw Invalid(path, 1, "the file must be a mapping of prices");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in root.Children)
        {
            var line = (int)k.Start.Line;
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (!Keys.Contains(key)) throw Invalid(path, line, $"unknown key `{DataText.Inline(key, 40)}` (allowed: {string.Join(", ", Keys)})");
            if (v is not YamlScalarNode { Value: { Length: > 0 } value }) throw Invalid(path, line, $"`{key}` needs a value");
            values[key] = value;
        }
        decimal? Price(string key)
        {
            if (!values.TryGetValue(key, out var s)) return null;
            if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < 0)
                throw Invalid(path, LineOf(root, key), $"`{key}` must be a non-negative number, got {DataText.Quote(s, 40)}");
            return d;
        }
        var currency = values.GetValueOrDefault("currency", "USD");
        if (currency.Length is 0 or > 8 || !currency.All(char.IsAsciiLetter)) throw Invalid(path, LineOf(root, "currency"), "`currency` must be a code such as USD or EUR");
        var prices = new Prices(currency.ToUpperInvariant(), Price("cpuHour"), Price("memoryGibHour"), Price("loadBalancerMonth"), Price("storageGibMonth"));
        if (prices is { CpuHour: null, MemoryGibHour: null, LoadBalancerMonth: null, StorageGibMonth: null })
            throw Invalid(path, 1, "no price given");
        return prices;
    }

    private static int LineOf(YamlMappingNode root, string key) =>
        root.Children.Keys.FirstOrDefault(k => (k as YamlScalarNode)?.Value == key) is { } n ? (int)n.Start.Line : 1;

    private static KstackException Invalid(string path, int line, string why) =>
        KstackException.User($"Prices file {ArgumentText.Cap(path)}, line {line}: {why}.\nExpected:\n{Example}");

    /// <summary>Monthly cost of requested capacity (cores, bytes); null when a price it needs is missing (never half a figure).</summary>
    public decimal? Compute(decimal cores, decimal bytes) =>
        cores > 0 && CpuHour is null || bytes > 0 && MemoryGibHour is null || cores <= 0 && bytes <= 0 ? null
        : ((CpuHour ?? 0) * cores + (MemoryGibHour ?? 0) * bytes / CostAnalysis.Gi) * HoursPerMonth;

    public decimal? Storage(decimal bytes) => StorageGibMonth * bytes / CostAnalysis.Gi;

    public string Format(decimal amount) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {Currency}";

    /// <summary>The file's content as a cache stamp input.</summary>
    public string Stamp() => string.Join(";", Currency, CpuHour, MemoryGibHour, LoadBalancerMonth, StorageGibMonth);
}
