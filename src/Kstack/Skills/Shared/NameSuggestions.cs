namespace Kstack.Skills.Shared;

/// <summary>Closest names by edit distance, with names that contain the query (or are contained in it) first.</summary>
internal static class NameSuggestions
{
    public static IReadOnlyList<T> Closest<T>(string query, IEnumerable<T> items, Func<T, string> name, int max)
    {
        var scored = new List<(T Item, double Score, string Name)>();
        var seen = new HashSet<string>();
        foreach (var item in items)
        {
            var n = name(item);
            if (!seen.Add(item!.ToString() ?? n)) continue;
            double score = n.Contains(query, StringComparison.Ordinal) || query.Contains(n, StringComparison.Ordinal)
                ? Math.Abs(n.Length - query.Length) / 1000.0
                : Distance(query, n);
            if (score <= Math.Max(2, query.Length / 3)) scored.Add((item, score, n));
        }
        return scored.OrderBy(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal).Take(max).Select(s => s.Item).ToList();
    }

    /// <summary>Levenshtein distance (insert, delete, substitute), two rows.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
