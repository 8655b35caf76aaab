using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kstack.Sim.Store;
using Microsoft.AspNetCore.Http;

namespace Kstack.Sim.Api;

/// <summary>Bearer tokens minted by TokenRequest (`kubectl create token`), each bound to its ServiceAccount and expiry.</summary>
internal sealed class ServiceAccountTokens
{
    private readonly ConcurrentDictionary<string, (Identity Identity, DateTimeOffset Expires, string Uid)> _tokens = new(StringComparer.Ordinal);

    public string Mint(string ns, string name, string uid, DateTimeOffset expires)
    {
        var token = "sim-sa-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var identity = new Identity($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]);
        _tokens[token] = (identity, expires, uid);
        return token;
    }

    /// <summary>The account a token names, while it is unexpired and the account it was minted for still exists.</summary>
    public Identity? Resolve(string token, DateTimeOffset now, Func<string, string, string?> currentUid)
    {
        if (!_tokens.TryGetValue(token, out var t) || t.Expires <= now) return null;
        var parts = t.Identity.User.Split(':');
        return currentUid(parts[2], parts[3]) == t.Uid ? t.Identity : null;
    }
}

internal sealed partial class ApiHandler
{
    public ServiceAccountTokens Tokens { get; } = new();

    /// <summary>The account's uid, or null when it does not exist (a deleted account's tokens stop working).</summary>
    public string? ServiceAccountUid(string ns, string name)
    {
        var type = Registry.ByPlural("", "v1", "serviceaccounts")!;
        var sa = store.Get(type).Current.Find(ns, name);
        return sa is null ? null : (string?)JsonNode.Parse(sa.Json)?["metadata"]?["uid"];
    }

    /// <summary>POST …/serviceaccounts/{name}/token: a TokenRequest answered with a bound token (default 1 h, at most 48 h).</summary>
    private async Task TokenRequest(HttpContext ctx, RequestInfo info, Responder res)
    {
        var body = await ReadBody(ctx, res);
        if (body == null) return;
        var uid = ServiceAccountUid(info.Namespace, info.Name);
        if (uid is null) { await WriteStatus(res, StatusError.NotFound("serviceaccounts", "", info.Name)); return; }
        var seconds = (long?)(body["spec"]?["expirationSeconds"] as JsonValue) ?? 3600;
        if (seconds < 600)
        {
            await WriteStatus(res, new StatusError(422, "Invalid", $"TokenRequest.authentication.k8s.io \"{info.Name}\" is invalid: spec.expirationSeconds: Invalid value: {seconds}: may not specify a duration less than 10 minutes"));
            return;
        }
        var expires = clock().AddSeconds(Math.Min(seconds, 48 * 3600));
        var token = Tokens.Mint(info.Namespace, info.Name, uid, expires);
        var answer = new JsonObject
        {
            ["kind"] = "TokenRequest", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = info.Name, ["namespace"] = info.Namespace, ["creationTimestamp"] = null },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray("https://kubernetes.default.svc"), ["expirationSeconds"] = (long)(expires - clock()).TotalSeconds },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") },
        };
        await WriteJson(res, 201, w => answer.WriteTo(w));
    }
}
