using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Json;

namespace Kstack.Panes;

/// <summary>
/// Plans awaiting the user's confirmation (/exec's, /cleanup's), under &lt;root&gt;/state/plans/&lt;id&gt;.json. A plan
/// is single-use, expires after <see cref="Lifetime"/>, and is bound to its skill and to the context and target it was
/// made for.
/// </summary>
internal sealed class PlanStore(InstallRoot root, Func<DateTimeOffset> clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public string Dir => Path.Combine(root.StateDir, "plans");

    /// <summary>Saves an exec plan and returns it with its new id.</summary>
    public ExecPlan Create(string context, string target, ExecPlan body) => Create(context, target, body, PaneStateJson.Default.ExecPlan);

    /// <summary>Takes an exec plan (see <see cref="Take{T}"/>).</summary>
    public ExecPlan Take(string id, string context, string? target) => Take(id, context, target, "exec", PaneStateJson.Default.ExecPlan);

    /// <summary>Saves the plan body and returns its new id; context, target, created and expires are stamped here.</summary>
    public T Create<T>(string context, string target, T body, JsonTypeInfo<T> info) where T : StoredPlan
    {
        var now = clock();
        var plan = (T)((StoredPlan)body with
        {
            Id = "plan-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Context = context, Target = target,
            Created = now, Expires = now + Lifetime,
        });
        AtomicFile.WriteAllText(PathOf(plan.Id), Dto.Serialize(plan, info));
        PruneExpired(now);
        return plan;
    }

    /// <summary>
    /// Takes a plan for execution: refused when unknown, another skill's, expired, made for another context, or (when the
    /// user named one) another target. A taken plan is deleted, so it can act once.
    /// </summary>
    public T Take<T>(string id, string context, string? target, string skill, JsonTypeInfo<T> info) where T : StoredPlan
    {
        if (!IsPlanId(id)) throw KstackException.User($"{ArgumentText.Quote(id)} is not a kstack plan id (they look like plan-0123456789abcdef).");
        string text;
        try { text = File.ReadAllText(PathOf(id)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { text = ""; }
        var made = SkillOf(text);
        if (made is not null && made != skill)
            throw KstackException.User($"Plan {id} belongs to the {made} skill, not to {skill}. Nothing was run. Confirm it with the {made} skill, or run the {skill} skill again for a new plan.");
        T? read;
        try { read = text.Length == 0 ? null : JsonSerializer.Deserialize(text, info); }
        catch (JsonException) { read = null; }
        var plan = read ?? throw KstackException.User(
            $"Plan {id} does not exist (it was already used, expired and was pruned, or was never made). Run the {skill} skill again for a new plan.");
        var expires = plan.Expires;
        if (clock() >= expires)
        {
            File.Delete(PathOf(id));
            throw KstackException.User($"Plan {id} expired at {expires:HH:mm:ss}Z (plans live {Lifetime.TotalMinutes:0} minutes). Nothing was run. Run the {skill} skill again for a new plan.");
        }
        if (plan.Context != context)
            throw KstackException.User($"Plan {id} was made for context `{plan.Context}`, not `{context}`. Nothing was run. Confirm it with --context={plan.Context} or make a new plan.");
        if (target is not null && plan.Target != target)
            throw KstackException.User($"Plan {id} is for target `{plan.Target}`, not {ArgumentText.Quote(target)}. Nothing was run.");
        File.Delete(PathOf(id));
        return plan;
    }

    public static bool IsPlanId(string id) =>
        id.Length == 21 && id.StartsWith("plan-", StringComparison.Ordinal) && id[5..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>The skill a saved plan belongs to ("exec" for plans saved before plans named it); null when unreadable.</summary>
    private static string? SkillOf(string text)
    {
        if (text.Length == 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            return doc.RootElement.TryGetProperty("skill", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "exec";
        }
        catch (JsonException) { return null; }
    }

    private static DateTimeOffset? ExpiresOf(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("expires", out var e)
               && e.ValueKind == JsonValueKind.String && e.TryGetDateTimeOffset(out var t) ? t : null;
    }

    private string PathOf(string id) => Path.Combine(Dir, id + ".json");

    private void PruneExpired(DateTimeOffset now)
    {
        foreach (var f in Directory.EnumerateFiles(Dir, "plan-*.json"))
        {
            try
            {
                if (ExpiresOf(f) is not { } expires || expires < now - Lifetime) File.Delete(f);
            }
            catch (Exception e) when (e is IOException or JsonException) { }
        }
    }
}
