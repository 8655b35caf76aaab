using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kstack.Sim.Scenarios;

namespace Kstack.Sim.Faults;

/// <summary>One rule of the --faults file. All match fields are optional; every present one must match.</summary>
internal sealed class FaultRule
{
    public string? Method { get; init; }
    public Regex? Path { get; init; }
    public string? User { get; init; }
    public int? Status { get; init; }
    public int? RetryAfter { get; init; }
    public int LatencyMs { get; init; }
    public bool Reset { get; init; }
    public long? TruncateAfterBytes { get; init; }
    public long? StallAfterBytes { get; init; }
    public double Probability { get; init; } = 1.0;
    public int? Count { get; init; }
    internal int Fired;
}

/// <summary>The effect chosen for one request.</summary>
internal sealed record FaultEffect(int LatencyMs, bool Reset, int? Status, int? RetryAfter, long? TruncateAfterBytes, long? StallAfterBytes = null);

/// <summary>Applies the first matching rule that still has budget (count) and wins its dice roll (probability).</summary>
internal sealed class FaultInjector
{
    private readonly List<FaultRule> _rules;
    private readonly object _lock = new();
    private readonly Random _random;

    public FaultInjector(IEnumerable<FaultRule> rules, int seed = 1)
    {
        _rules = rules.ToList();
        _random = new Random(seed);
    }

    public static FaultInjector Empty { get; } = new([]);

    public static FaultInjector Load(string path)
    {
        var text = File.ReadAllText(path);
        var rules = new List<FaultRule>();
        foreach (var d in YamlToJson.Parse(text))
        {
            if (d.Error != null) throw new ScenarioException(path, d.Index, d.Error);
            if (d.Node is null) continue;
            if (d.Node["rules"] is not JsonArray arr) throw new ScenarioException(path, d.Index, "a faults file holds 'rules: [...]'");
            var i = 0;
            foreach (var r in arr)
            {
                if (r is not JsonObject o) throw new ScenarioException(path, d.Index, $"rules[{i}] is not a mapping");
                try
                {
                    var rule = new FaultRule
                    {
                        Method = (string?)o["method"],
                        Path = o["path"] is JsonNode p ? new Regex((string)p!, RegexOptions.CultureInvariant) : null,
                        User = (string?)o["user"],
                        Status = (int?)Number(o["status"], "status"),
                        RetryAfter = (int?)Number(o["retryAfter"], "retryAfter"),
                        LatencyMs = (int?)Number(o["latencyMs"], "latencyMs") ?? 0,
                        Reset = (bool?)o["reset"] ?? false,
                        TruncateAfterBytes = (long?)Number(o["truncateAfterBytes"], "truncateAfterBytes"),
                        StallAfterBytes = (long?)Number(o["stallAfterBytes"], "stallAfterBytes"),
                        Probability = Number(o["probability"], "probability") ?? 1.0,
                        Count = (int?)Number(o["count"], "count"),
                    };
                    if (rule.Status == null && !rule.Reset && rule.LatencyMs == 0 && rule.TruncateAfterBytes == null && rule.StallAfterBytes == null)
                        throw new FormatException("a rule needs an effect: status, reset, latencyMs, truncateAfterBytes or stallAfterBytes");
                    rules.Add(rule);
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
                {
                    throw new ScenarioException(path, d.Index, $"rules[{i}]: {e.Message}");
                }
                i++;
            }
        }
        return new FaultInjector(rules);
    }

    private static double? Number(JsonNode? n, string field)
    {
        if (n is null) return null;
        if (n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            return v.TryGetValue<long>(out var l) ? l : v.GetValue<double>();
        throw new FormatException($"{field} must be a number");
    }

    public FaultEffect? Match(string method, string path, string query, string user)
    {
        if (_rules.Count == 0) return null;
        var target = query.Length > 0 ? path + query : path;
        lock (_lock)
        {
            foreach (var r in _rules)
            {
                if (r.Method != null && !string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (r.User != null && r.User != user) continue;
                if (r.Path != null && !r.Path.IsMatch(target)) continue;
                if (r.Count is { } c && r.Fired >= c) continue;
                if (r.Probability < 1.0 && _random.NextDouble() >= r.Probability) continue;
                r.Fired++;
                return new FaultEffect(r.LatencyMs, r.Reset, r.Status, r.RetryAfter, r.TruncateAfterBytes, r.StallAfterBytes);
            }
        }
        return null;
    }
}
