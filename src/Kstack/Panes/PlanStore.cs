using System.Security.Cryptography;
using System.Text.Json;
using Kstack.Cache;
using Kstack.Envelope;
using Kstack.Json;

namespace Kstack.Panes;

/// <summary>
/// Exec plans awaiting the user's confirmation, under &lt;root&gt;/state/plans/&lt;id&gt;.json. A plan is single-use,
/// expires after <see cref="Lifetime"/>, and is bound to the context and target it was made for.
/// </summary>
internal sealed class PlanStore(InstallRoot root, Func<DateTimeOffset> clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public string Dir => Path.Combine(root.StateDir, "plans");

    /// <summary>Saves the plan body and returns its new id; context, target, created and expires are stamped here.</summary>
    public ExecPlan Create(string context, string target, ExecPlan body)
    {
        var now = clock();
        var plan = body with
        {
            Id = "plan-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Context = context, Target = target,
            Created = now, Expires = now + Lifetime,
        };
        AtomicFile.WriteAllText(PathOf(plan.Id), Dto.Serialize(plan, PaneStateJson.Default.ExecPlan));
        PruneExpired(now);
        return plan;
    }

    /// <summary>
    /// Takes a plan for execution: refused when unknown, expired, made for another context, or (when the user named one)
    /// another target. A taken plan is deleted, so it can act once.
    /// </summary>
    public ExecPlan Take(string id, string context, string? target)
    {
        if (!IsPlanId(id)) throw KstackException.User($"{ArgumentText.Quote(id)} is not a kstack plan id (they look like plan-0123456789abcdef).");
        ExecPlan? read;
        try { read = Read(PathOf(id)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException) { read = null; }
        var plan = read ?? throw KstackException.User(
            $"Plan {id} does not exist (it was already used, expired and was pruned, or was never made). Run the exec skill again for a new plan.");
        var expires = plan.Expires;
        if (clock() >= expires)
        {
            File.Delete(PathOf(id));
            throw KstackException.User($"Plan {id} expired at {expires:HH:mm:ss}Z (plans live {Lifetime.TotalMinutes:0} minutes). Nothing was run. Run the exec skill again for a new plan.");
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

    private static ExecPlan? Read(string path) => JsonSerializer.Deserialize(File.ReadAllText(path), PaneStateJson.Default.ExecPlan);

    private string PathOf(string id) => Path.Combine(Dir, id + ".json");

    private void PruneExpired(DateTimeOffset now)
    {
        foreach (var f in Directory.EnumerateFiles(Dir, "plan-*.json"))
        {
            try
            {
                if (Read(f) is not { } plan || plan.Expires < now - Lifetime) File.Delete(f);
            }
            catch (Exception e) when (e is IOException or JsonException) { }
        }
    }
}
