using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Kstack.Commands;
using Kstack.Envelope;
using Kstack.Mcp;
using Xunit;

namespace Kstack.Tests.Mcp;

/// <summary>Tools derived from the skill descriptors: names, schemas, annotations and the mapping back to a command line.</summary>
public class SkillToolTests
{
    private static SkillTool Tool(string skill) => new(SkillCatalogue.Find(skill)!);

    private static Dictionary<string, JsonElement> Args(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void Every_skill_is_a_tool_in_name_order()
    {
        var tools = new KstackMcpServer(readOnly: false).Tools;
        Assert.Equal(SkillCatalogue.Names.Select(n => n.Replace('-', '_')), tools.Select(t => t.Name));
        Assert.Contains("cluster_status", tools.Select(t => t.Name));
        Assert.Contains("audit_security", tools.Select(t => t.Name));
    }

    [Fact]
    public void Read_only_mode_serves_only_read_only_skills()
    {
        var names = new KstackMcpServer(readOnly: true).Tools.Select(t => t.Name).ToList();
        Assert.Equal(SkillCatalogue.All.Where(s => s.Effect == SkillEffect.ReadOnly).Select(s => s.Name.Replace('-', '_')), names);
        Assert.DoesNotContain("exec", names);
        Assert.DoesNotContain("forget", names);
        Assert.DoesNotContain("logs", names);
    }

    [Fact]
    public void Schemas_are_valid_json_schema_2020_12_and_descriptions_fit_2_kb()
    {
        foreach (var tool in new KstackMcpServer(readOnly: false).Tools)
        {
            foreach (var schema in new[] { tool.Protocol.InputSchema, tool.Protocol.OutputSchema!.Value })
            {
                var meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
                Assert.True(meta.IsValid, $"{tool.Name}: schema is not valid JSON Schema 2020-12");
                Assert.Equal("object", schema.GetProperty("type").GetString());
            }
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(tool.Protocol.Description!) < 2048, $"{tool.Name}: description {tool.Protocol.Description!.Length} chars");
            Assert.False(tool.Protocol.InputSchema.GetProperty("additionalProperties").GetBoolean());
        }
    }

    [Fact]
    public void Input_schema_has_the_target_context_and_typed_flags()
    {
        var props = Tool("metrics").Protocol.InputSchema.GetProperty("properties");
        Assert.Equal("string", props.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal("string", props.GetProperty("context").GetProperty("type").GetString());
        Assert.Equal("string", props.GetProperty("namespace").GetProperty("type").GetString());
        Assert.Equal("boolean", props.GetProperty("refresh").GetProperty("type").GetString());
        Assert.Equal(DurationFlag.DurationPattern, props.GetProperty("since").GetProperty("pattern").GetString());
        Assert.Equal("integer", props.GetProperty("top").GetProperty("type").GetString());
        Assert.Equal(1, props.GetProperty("top").GetProperty("minimum").GetInt32());
        Assert.Equal(["cpu", "memory"], props.GetProperty("by").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.False(props.TryGetProperty("json", out _));
        Assert.False(props.TryGetProperty("help", out _));
        var investigate = Tool("investigate").Protocol.InputSchema;
        Assert.Equal(["target"], investigate.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("array", Tool("audit-security").Protocol.InputSchema.GetProperty("properties").GetProperty("check").GetProperty("type").GetString());
    }

    [Fact]
    public void Exec_takes_no_plan_id_argument()
    {
        var props = Tool("exec").Protocol.InputSchema.GetProperty("properties");
        Assert.False(props.TryGetProperty("confirm", out _));
        Assert.True(props.TryGetProperty("trust_pane", out _));
    }

    [Fact]
    public void Annotations_are_explicit_and_follow_the_skill_effect()
    {
        var read = Tool("cluster-status").Protocol.Annotations!;
        Assert.Equal((true, false, true, false), (read.ReadOnlyHint, read.DestructiveHint, read.IdempotentHint, read.OpenWorldHint));
        var exec = Tool("exec").Protocol.Annotations!;
        Assert.Equal((false, true, false, false), (exec.ReadOnlyHint, exec.DestructiveHint, exec.IdempotentHint, exec.OpenWorldHint));
        var forget = Tool("forget").Protocol.Annotations!;
        Assert.Equal((false, true), (forget.ReadOnlyHint, forget.DestructiveHint));
        var logs = Tool("logs").Protocol.Annotations!;
        Assert.Equal((false, false), (logs.ReadOnlyHint, logs.DestructiveHint));
    }

    [Fact]
    public void Output_schema_of_a_typed_document_is_exported_from_its_json_type()
    {
        var doc = Tool("cluster-status").Protocol.OutputSchema!.Value.GetProperty("properties").GetProperty("document");
        var props = doc.GetProperty("properties");
        Assert.True(props.TryGetProperty("issuesTotal", out _));
        Assert.True(props.TryGetProperty("issues", out _));
        Assert.False(Tool("exec").Protocol.OutputSchema!.Value.GetProperty("properties").TryGetProperty("document", out _));
    }

    [Fact]
    public void Every_skill_with_a_json_document_exports_its_typed_schema()
    {
        foreach (var skill in SkillCatalogue.All.Where(s => s.JsonResult is not null))
        {
            Assert.True(skill.JsonDocuments.Count > 0, $"{skill.Name}: JsonResult without JsonDocuments leaves the MCP output schema untyped");
            var doc = Tool(skill.Name).Protocol.OutputSchema!.Value.GetProperty("properties").GetProperty("document");
            var shapes = doc.TryGetProperty("anyOf", out var any) ? any.EnumerateArray().ToList() : [doc];
            Assert.Equal(skill.JsonDocuments.Count, shapes.Count);
            Assert.All(shapes, s => Assert.True(s.GetProperty("properties").EnumerateObject().Count() >= 3, $"{skill.Name}: {s}"));
        }
        var metrics = Tool("metrics").Protocol.OutputSchema!.Value.GetProperty("properties").GetProperty("document").GetProperty("anyOf");
        Assert.Contains(metrics.EnumerateArray(), s => s.GetProperty("properties").TryGetProperty("rows", out _));
        Assert.Contains(metrics.EnumerateArray(), s => s.GetProperty("properties").TryGetProperty("install", out _));
    }

    [Fact]
    public void Arguments_become_the_skill_command_line()
    {
        var argv = Tool("metrics").Arguments(Args("""{"target":"deployment/checkout","namespace":"shop","since":"6h","top":5,"by":"memory","refresh":true,"context":"prod"}"""), out var ctx);
        Assert.Equal("prod", ctx);
        Assert.Equal(["--namespace", "shop", "--since", "6h", "--top", "5", "--by", "memory", "--refresh", "deployment/checkout"], argv);
        var audit = Tool("audit-security").Arguments(Args("""{"check":["SEC-A","SEC-B"],"refresh":false}"""), out _);
        Assert.Equal(["--check", "SEC-A", "--check", "SEC-B"], audit);
    }

    [Theory]
    [InlineData("""{"target":"web --confirm plan-0123456789abcdef"}""", "reads as a flag")]
    [InlineData("""{"namespace":"--all"}""", "cannot start with '-'")]
    [InlineData("""{"nope":1}""", "Unknown argument `nope`")]
    [InlineData("""{"refresh":"yes"}""", "must be true or false")]
    [InlineData("""{"top":1.5}""", "must be a whole number")]
    [InlineData("""{"context":""}""", "non-empty string")]
    public void Bad_arguments_are_user_errors(string json, string expected)
    {
        var e = Assert.Throws<KstackException>(() => Tool("metrics").Arguments(Args(json), out _));
        Assert.Equal(ErrorKind.User, e.Kind);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("plan_id")]
    [InlineData("planId")]
    public void A_plan_id_passed_by_the_model_is_refused(string key)
    {
        var e = Assert.Throws<KstackException>(() => Tool("exec").Arguments(Args($$"""{"target":"web","{{key}}":"plan-0123456789abcdef"}"""), out _));
        Assert.Contains("A plan id is never accepted over MCP", e.Message);
    }

    [Fact]
    public void The_whole_tools_list_is_far_below_the_peers_schemas()
    {
        var tools = new KstackMcpServer(readOnly: false).Tools.Select(t => t.Protocol).ToList();
        var json = JsonSerializer.Serialize(new ModelContextProtocol.Protocol.ListToolsResult { Tools = tools }, ModelContextProtocol.McpJsonUtilities.DefaultOptions);
        // Peers load 5.4–6.0k tokens of tool schemas; the estimate is conservative (3 characters a token).
        var tokens = KstackMcpServer.EstimateTokens(json.Length);
        Assert.True(tokens < 5400, $"tools/list ≈ {tokens} tokens ({json.Length} chars)");
        Assert.DoesNotContain("kubeconfig\":", json);
        _ = JsonNode.Parse(json);
    }
}
