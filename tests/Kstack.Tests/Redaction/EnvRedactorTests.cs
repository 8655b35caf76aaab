using System.Buffers;
using System.Text;
using Kstack.Redaction;
using Xunit;

namespace Kstack.Tests.Redaction;

public class EnvRedactorTests
{
    private static string Apply(string json) => Encoding.UTF8.GetString(EnvRedactor.Apply(Encoding.UTF8.GetBytes(json), new ArrayBufferWriter<byte>()));

    [Fact]
    public void Credential_like_env_values_become_a_marker_with_a_short_hash()
    {
        var pod = """{"spec":{"containers":[{"name":"a","env":[{"name":"DB_PASSWORD","value":"s3cr3t-value"},{"name":"MODE","value":"debug"},{"value":"Bearer abcdefghijklmnop","name":"HEADER"},{"name":"PASSWORD_FILE","value":"/run/pw"}]}]}}""";
        var output = Apply(pod);
        Assert.DoesNotContain("s3cr3t-value", output);
        Assert.DoesNotContain("abcdefghijklmnop", output);
        Assert.Contains("\"value\":\"debug\"", output);
        Assert.Contains("\"value\":\"/run/pw\"", output);
        Assert.Contains(EnvRedactor.Marker("s3cr3t-value"), output);
        Assert.NotEqual(EnvRedactor.Marker("s3cr3t-value"), EnvRedactor.Marker("s3cr3t-valuf"));
        Assert.Equal(output, Apply(output)); // idempotent
        System.Text.Json.JsonDocument.Parse(output).Dispose();
    }

    [Fact]
    public void Items_without_credential_env_are_copied_untouched()
    {
        var pod = """{"spec":{"containers":[{"name":"a","env":[{"name":"MODE","value":"x"}]}]}}""";
        Assert.Equal(pod, Apply(pod));
        Assert.Equal("{}", Apply("{}"));
    }
}
