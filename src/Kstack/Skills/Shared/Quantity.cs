using System.Globalization;

namespace Kstack.Skills.Shared;

/// <summary>Kubernetes resource quantities (512Mi, 500m, 4, 1e3) as decimals, for summing requests across containers.</summary>
internal static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        text = text.Trim();
        if (text.Length == 0) return false;
        foreach (var (suffix, factor) in Suffixes)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            if (!decimal.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            value = n * factor;
            return true;
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Memory-like resources in binary units (48Gi), cpu in cores or millicores, anything else as a number.</summary>
    public static string Format(string resource, decimal value)
    {
        if (resource == "cpu") return value == decimal.Truncate(value) ? value.ToString("0", CultureInfo.InvariantCulture) : $"{value * 1000:0}m";
        if (resource is "memory" or "ephemeral-storage" || resource.StartsWith("hugepages-", StringComparison.Ordinal))
        {
            foreach (var (suffix, factor) in Suffixes.Take(6).Reverse())
                if (value >= factor && value % factor == 0) return $"{value / factor:0}{suffix}";
            foreach (var (suffix, factor) in Suffixes.Take(6).Reverse())
                if (value >= factor) return $"{value / factor:0.#}{suffix}";
        }
        return value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
