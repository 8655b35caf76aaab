using Kstack.Redaction;
using Xunit;

namespace Kstack.Tests.Redaction;

public class RedactorTests
{
    [Theory]
    [InlineData("GET /api Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrc3RhY2sifQ.c2lnbmF0dXJl ok", "GET /api Authorization: Bearer [REDACTED:bearer] ok", "bearer")]
    [InlineData("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED:basic-auth]", "basic-auth")]
    [InlineData("token eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzIn0.aGVsbG9zaWduYXR1cmU done", "token [REDACTED:jwt] done", "jwt")]
    [InlineData("connecting to postgres://app:s3cr3tpw@db.internal:5432/orders", "connecting to postgres://[REDACTED:url-credentials]@db.internal:5432/orders", "url-credentials")]
    [InlineData("key AKIAIOSFODNN7EXAMPLE in env", "key [REDACTED:aws-access-key] in env", "aws-access-key")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED:aws-secret-key]", "aws-secret-key")]
    [InlineData("maps key AIzaSyA1234567890abcdefghijklmnopqrstuv", "maps key [REDACTED:gcp-api-key]", "gcp-api-key")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==;", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=[REDACTED:azure-key];", "azure-key")]
    [InlineData("push with ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", "push with [REDACTED:github-token]", "github-token")]
    [InlineData("OPENAI sk-proj-abcdefghijklmnopqrstuvwxyz012345", "OPENAI [REDACTED:openai-key]", "openai-key")]
    [InlineData("login failed password=hunter2 user=bob", "login failed password=[REDACTED:secret-pair] user=bob", "secret-pair")]
    [InlineData("{\"client_secret\": \"abc123def456\"}", "{\"client_secret\": \"[REDACTED:secret-pair]\"}", "secret-pair")]
    [InlineData("DB_PASSWORD: Sup3rS3cret!", "DB_PASSWORD: [REDACTED:secret-pair]", "secret-pair")]
    public void Redacts_each_credential_shape(string input, string expected, string kind)
    {
        var output = Redactor.Redact(input);
        Assert.Equal(expected, output);
        Assert.Contains($"[REDACTED:{kind}]", output);
    }

    [Fact]
    public void Redacts_pem_private_keys_whole()
    {
        var text = "cert ok\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd\n-----END RSA PRIVATE KEY-----\nnext";
        Assert.Equal("cert ok\n[REDACTED:private-key]\nnext", Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Back-off restarting failed container ledger in pod ledger-6f7d9c5b84-x2k4p")]
    [InlineData("java.lang.OutOfMemoryError: Java heap space")]
    [InlineData("the token bucket is empty")]
    [InlineData("password reset email sent to user 42")]
    [InlineData("GET https://example.com/path?x=1 200")]
    [InlineData("image sha256:4f2b9c1e8a7d6f5e4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a291 pulled")]
    [InlineData("eyJ is how a JWT starts")]
    [InlineData("task-sk-1 finished in 3s")]
    [InlineData("AKIA is an AWS prefix")]
    [InlineData("secret: [REDACTED:secret-pair]")]
    [InlineData("Readiness probe failed: HTTP probe failed with statuscode: 503")]
    [InlineData("0/5 nodes are available: 4 Insufficient memory.")]
    public void Leaves_look_alikes_untouched(string input) => Assert.Equal(input, Redactor.Redact(input));

    [Fact]
    public void Redaction_is_idempotent()
    {
        var once = Redactor.Redact("Authorization: Bearer abcdefghijklmnop password=hunter2 https://u:p4ss@h/x");
        Assert.Equal(once, Redactor.Redact(once));
        Assert.DoesNotContain("hunter2", once);
        Assert.DoesNotContain("abcdefghijklmnop", once);
        Assert.DoesNotContain("p4ss", once);
    }
}
