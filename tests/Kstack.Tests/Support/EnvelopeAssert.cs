using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Kstack.Tests.Support;

/// <summary>Checks that a line of stdout is exactly one schema-valid envelope with only the allowed keys.</summary>
public static class EnvelopeAssert
{
    public static readonly string[] AllowedKeys =
        ["kstack", "status", "render", "content", "agent_context", "kind", "message", "kube_context", "notice"];

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", "response.schema.json"))));

    public static JsonObject Valid(string stdout)
    {
        var text = stdout.EndsWith('\n') ? stdout[..^1] : stdout;
        Assert.DoesNotContain('\n', text);
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
        using var doc = JsonDocument.ParseValue(ref reader);
        Assert.False(reader.Read(), "stdout holds more than one JSON value");
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "schema: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Contains(n, AllowedKeys));
        return JsonNode.Parse(text)!.AsObject();
    }
}
