using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kstack.Cache;
using Kstack.Envelope;

namespace Kstack.Panes;

/// <summary>
/// Exec plans awaiting the user's confirmation, under &lt;root&gt;/state/plans/&lt;id&gt;.json. A plan is single-use,
/// expires after <see cref="Lifetime"/>, and is bound to the context and target it was made for.
/// </summary>
public sealed class PlanStore(InstallRoot root, Func<DateTimeOffset> clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public string Dir => Path.Combine(root.StateDir, "plans");

    /// <summary>Saves the plan body and returns its new id; context, target, created and expires are stamped here.</summary>
    public (string Id, DateTimeOffset Expires) Create(string context, string target, JsonObject body)
    {
        var id = "plan-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var now = clock();
        var expires = now + Lifetime;
        body["id"] = id;
        body["context"] = context;
        body["target"] = target;
        body["created"] = now.ToString("O");
        body["expires"] = expires.ToString("O");
        AtomicFile.WriteAllText(PathOf(id), body.ToJsonString());
        PruneExpired(now);
        return (id, expires);
    }

    /// <summary>
    /// Takes a plan for execution: refused when unknown, expired, made for another context, or (when the user named one)
    /// another target. A taken plan is deleted, so it can act once.
    /// </summary>
    public JsonObject Take(string id, string context, string? target)
    {
        if (!IsPlanId(id)) throw KstackException.User($"`{TerminalText.Clean(id)}` is not a kstack plan id (they look like plan-0123456789abcdef).");
        JsonObject plan;
        try { plan = JsonNode.Parse(File.ReadAllText(PathOf(id)))!.AsObject(); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            throw KstackException.User($"Plan {id} does not exist (it was already used, expired and was pruned, or was never made). Run the exec skill again for a new plan.");
        }
        var expires = DateTimeOffset.Parse((string)plan["expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        if (clock() >= expires)
        {
            File.Delete(PathOf(id));
            throw KstackException.User($"Plan {id} expired at {expires:HH:mm:ss}Z (plans live {Lifetime.TotalMinutes:0} minutes). Nothing was run. Run the exec skill again for a new plan.");
        }
        if ((string?)plan["context"] != context)
            throw KstackException.User($"Plan {id} was made for context `{(string?)plan["context"]}`, not `{context}`. Nothing was run. Confirm it with --context={(string?)plan["context"]} or make a new plan.");
        if (target is not null && (string?)plan["target"] != target)
            throw KstackException.User($"Plan {id} is for target `{(string?)plan["target"]}`, not `{TerminalText.Clean(target)}`. Nothing was run.");
        File.Delete(PathOf(id));
        return plan;
    }

    public static bool IsPlanId(string id) =>
        id.Length == 21 && id.StartsWith("plan-", StringComparison.Ordinal) && id[5..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private string PathOf(string id) => Path.Combine(Dir, id + ".json");

    private void PruneExpired(DateTimeOffset now)
    {
        foreach (var f in Directory.EnumerateFiles(Dir, "plan-*.json"))
        {
            try
            {
                var o = JsonNode.Parse(File.ReadAllText(f))!.AsObject();
                if (DateTimeOffset.Parse((string)o["expires"]!, System.Globalization.CultureInfo.InvariantCulture) < now - Lifetime) File.Delete(f);
            }
            catch (Exception e) when (e is IOException or JsonException or FormatException or NullReferenceException) { }
        }
    }
}
