using System.Text.RegularExpressions;

namespace Kstack.Redaction;

/// <summary>
/// Replaces credentials in cluster text (logs, messages, pane output) with [REDACTED:&lt;kind&gt;] before anything reaches
/// an envelope, a cache bundle or the agent. One rule per credential shape, each with a stable kind.
/// </summary>
internal static partial class Redactor
{
    public sealed record Rule(string Kind, Regex Pattern, string Replacement);

    /// <summary>Rules in order: the most specific shapes first, so a JWT inside a bearer header is named by its header.</summary>
    public static readonly IReadOnlyList<Rule> Rules =
    [
        new("private-key", PemPrivateKey(), "[REDACTED:private-key]"),
        new("bearer", Bearer(), "${prefix}[REDACTED:bearer]"),
        new("basic-auth", Basic(), "${prefix}[REDACTED:basic-auth]"),
        new("url-credentials", UrlCredentials(), "${scheme}[REDACTED:url-credentials]@"),
        new("jwt", Jwt(), "[REDACTED:jwt]"),
        new("aws-access-key", AwsAccessKey(), "[REDACTED:aws-access-key]"),
        new("aws-secret-key", AwsSecretKey(), "${prefix}[REDACTED:aws-secret-key]"),
        new("gcp-api-key", GcpApiKey(), "[REDACTED:gcp-api-key]"),
        new("azure-key", AzureKey(), "${prefix}[REDACTED:azure-key]"),
        new("github-token", GitHubToken(), "[REDACTED:github-token]"),
        new("openai-key", OpenAiKey(), "[REDACTED:openai-key]"),
        new("slack-token", SlackToken(), "[REDACTED:slack-token]"),
        new("secret-pair", SecretPair(), "${prefix}[REDACTED:secret-pair]"),
    ];

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        foreach (var rule in Rules) text = rule.Pattern.Replace(text, rule.Replacement);
        return text;
    }

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex(@"(?<prefix>\b[Bb]earer\s+)[A-Za-z0-9\-._~+/]{8,}=*", RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"(?<prefix>\bAuthorization:\s*Basic\s+)[A-Za-z0-9+/]{6,}=*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Basic();

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://)[^\s/:@""']+:[^\s/@""']+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?<prefix>\baws_?secret_?access_?key\b[""']?\s*[:=]\s*[""']?)[A-Za-z0-9/+]{40}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}\b", RegexOptions.CultureInvariant)]
    private static partial Regex GcpApiKey();

    [GeneratedRegex(@"(?<prefix>\b(?:AccountKey|SharedAccessKey|sig)=)[A-Za-z0-9%+/]{20,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex AzureKey();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex OpenAiKey();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9\-]{10,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    /// <summary>password=…, token: …, "secret":"…", api_key=… (the value up to a separator; an already redacted value is left alone).</summary>
    [GeneratedRegex(@"(?<prefix>\b(?:[A-Za-z0-9_\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|client[_\-]?secret))[""']?\s*[:=]\s*[""']?)(?!\[REDACTED)[^\s""'&,;}]{3,}",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretPair();
}
