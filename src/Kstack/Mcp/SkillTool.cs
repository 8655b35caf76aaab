using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Kstack.Commands;
using Kstack.Envelope;
using ModelContextProtocol.Protocol;

namespace Kstack.Mcp;

/// <summary>
/// One skill as an MCP tool, derived from its <see cref="SkillDescriptor"/> only: name, description, input schema
/// (target, context, namespace and every flag), output schema (the --json document inside kstack's result object),
/// annotations, and the mapping of a call's arguments back to the skill's command line.
/// </summary>
internal sealed class SkillTool
{
    /// <summary>Argument names a model might use to pass a plan id back; they never authorise anything.</summary>
    private static readonly string[] PlanIdNames = ["confirm", "plan", "plan_id", "planId", "id"];

    private readonly Dictionary<string, FlagSpec> _flags;

    public SkillTool(SkillDescriptor skill)
    {
        Skill = skill;
        Name = skill.Name.Replace('-', '_');
        _flags = skill.AllFlags
            .Where(f => f != GlobalFlags.Json && f.Name != GlobalFlags.Help.Name && f != GlobalFlags.Context && f != skill.ConfirmFlag)
            .ToDictionary(PropertyName, StringComparer.Ordinal);
        Protocol = new Tool
        {
            Name = Name,
            Description = Description(skill),
            InputSchema = Element(InputSchema()),
            OutputSchema = Element(OutputSchema(skill)),
            Annotations = Annotations(skill),
        };
    }

    public SkillDescriptor Skill { get; }
    public string Name { get; }
    public Tool Protocol { get; }

    /// <summary>The JSON property of a flag: its name without dashes, words joined by '_' ("trust_pane").</summary>
    public static string PropertyName(FlagSpec flag) => flag.Key.Replace('-', '_');

    /// <summary>The summary plus what the answer holds and, for consent tools, how they run; the shared rules are in the server instructions.</summary>
    private static string Description(SkillDescriptor skill)
    {
        var text = $"{char.ToUpperInvariant(skill.Summary[0])}{skill.Summary[1..]}";
        if (skill.NeedsUserConsent)
            text += " Runs only once the user approves its plan in this client; a plan id is never an argument.";
        return text;
    }

    private static ToolAnnotations Annotations(SkillDescriptor skill) => skill.Effect switch
    {
        SkillEffect.ReadOnly => new() { ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        SkillEffect.LocalState => new() { ReadOnlyHint = false, DestructiveHint = skill.UserInvokedOnly, IdempotentHint = false, OpenWorldHint = false },
        _ => new() { ReadOnlyHint = false, DestructiveHint = true, IdempotentHint = false, OpenWorldHint = false },
    };

    private JsonObject InputSchema()
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        if (Skill.Target is { } target)
        {
            properties["target"] = new JsonObject { ["type"] = "string", ["description"] = Cut(target.Help, 110) };
            if (target.Required) required.Add((JsonNode)"target");
        }
        properties["context"] = new JsonObject
        {
            ["type"] = "string",
        };
        var shared = GlobalFlags.For(Skill).Append(Skills.Shared.RequestTimeout.Flag).Select(f => f.Name).ToHashSet();
        if (Skill.JsonResult == "audit-summary/1") shared.UnionWith(AuditFlagNames);
        if (_flags.Values.Any(f => f.Name == "--trust-pane")) shared.UnionWith(PaneFlagNames);
        foreach (var (name, flag) in _flags) properties[name] = PropertySchema(flag, described: !shared.Contains(flag.Name));
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        if (required.Count > 0) schema["required"] = required;
        return schema;
    }

    /// <summary>The flags every audit skill shares (Audit.AuditFlags): the server instructions explain them once.</summary>
    private static readonly string[] AuditFlagNames = ["--severity", "--check", "--format", "--output", "--baseline", "--exemptions"];

    /// <summary>The pane switches /logs and /exec share: the server instructions explain them once.</summary>
    private static readonly string[] PaneFlagNames = ["--trust-pane", "--detach", "--attach"];

    /// <summary>Flag help beyond this is cut: the schema is loaded into every session.</summary>
    private const int MaxFlagHelp = 80;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    /// <param name="described">False for the flags every skill shares: the server instructions explain them once.</param>
    private static JsonObject PropertySchema(FlagSpec flag, bool described)
    {
        var s = flag.Schema;
        var node = new JsonObject { ["type"] = s.JsonType };
        if (s.JsonType == "array") node["items"] = new JsonObject { ["type"] = "string" };
        // Shared flags (undescribed) leave their pattern to the server's typed error: every session loads these schemas.
        if (s.Pattern is { } p && described) node["pattern"] = p;
        if (s.Minimum is { } min && min != int.MinValue) node["minimum"] = min;
        if (s.Maximum is { } max && max != int.MaxValue) node["maximum"] = max;
        if (s.Choices is { } choices && described) node["enum"] = new JsonArray([.. choices.Select(c => (JsonNode)c)]);
        if (described) node["description"] = Cut(flag.Description, MaxFlagHelp);
        return node;
    }

    /// <summary>What structuredContent holds: kstack's result object around the skill's --json document.</summary>
    private static JsonObject OutputSchema(SkillDescriptor skill)
    {
        var exported = skill.JsonDocuments.Select(info =>
        {
            var node = info.GetJsonSchemaAsNode(new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = NullableNotRequired });
            if (node is JsonObject o) o.Remove("$schema");
            node = Lean(node, 0);
            // The audit summary is the same for every audit tool: only the fields a client acts on are stated.
            if (skill.JsonResult == "audit-summary/1" && node["properties"] is JsonObject props)
                foreach (var name in props.Select(p => p.Key).Where(k => k is not ("counts" or "top" or "findingsFile")).ToList()) props.Remove(name);
            return node;
        }).ToList();
        JsonNode document = exported.Count switch
        {
            0 => new JsonObject { ["type"] = "object" },
            1 => exported[0],
            _ => new JsonObject { ["anyOf"] = new JsonArray([.. exported]) },
        };
        // Kept lean: every session loads tools/list, so the wrapper states the fields clients branch on (ok, error.kind) and
        // leaves the rest open; the server instructions name context and pinned_context once for every tool.
        var properties = new JsonObject
        {
            ["ok"] = new JsonObject { ["type"] = "boolean" },
            ["error"] = new JsonObject { ["properties"] = new JsonObject { ["kind"] = new JsonObject { ["enum"] = new JsonArray("user", "infra", "denied") } } },
        };
        if (skill.JsonResult is not null) properties["document"] = document;
        if (skill.NeedsUserConsent)
        {
            properties["confirmation"] = new JsonObject
            {
                ["type"] = "object", ["required"] = new JsonArray("asked", "answer"),
                ["properties"] = new JsonObject { ["answer"] = new JsonObject { ["enum"] = new JsonArray("accept", "decline", "cancel", "unavailable") } },
            };
            properties["user_command"] = new JsonObject { ["type"] = "string" };
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray("ok") };
    }

    /// <summary>The documents leave null members out (WhenWritingNull), so a nullable member is never required.</summary>
    private static JsonNode NullableNotRequired(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is JsonObject { } obj && obj["required"] is JsonArray required && obj["properties"] is JsonObject properties)
        {
            var kept = required.Select(r => r!.GetValue<string>())
                .Where(name => properties[name]?["type"] is not JsonArray types || !types.Any(t => t?.GetValue<string>() == "null")).ToList();
            if (kept.Count == 0) obj.Remove("required");
            else obj["required"] = new JsonArray([.. kept.Select(k => (JsonNode)k)]);
        }
        return node;
    }

    /// <summary>
    /// Every session loads tools/list: the document's members are named and typed, their insides are left to the
    /// skill's SKILL.md, and `required` to the wrapper (the documents are kstack's own output).
    /// </summary>
    private static JsonNode Lean(JsonNode node, int depth)
    {
        if (node is not JsonObject obj) return node;
        if (depth >= 1 && obj["type"] is { } type) return new JsonObject { ["type"] = type.DeepClone() };
        obj.Remove("required");
        if (obj["properties"] is JsonObject props)
            foreach (var name in props.Select(p => p.Key).ToList()) props[name] = Lean(props[name]!.DeepClone(), depth + 1);
        if (obj["items"] is JsonObject items) obj["items"] = Lean(items.DeepClone(), depth);
        return obj;
    }

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    /// <summary>
    /// The skill's command line for a call's arguments (without --context and --json, which the server adds): typed
    /// values checked against the schema, target words and values that could read as flags refused, and any attempt to
    /// hand in a plan id answered with why it cannot work.
    /// </summary>
    public List<string> Arguments(IDictionary<string, JsonElement>? args, out string? context)
    {
        context = null;
        var argv = new List<string>();
        var words = new List<string>();
        foreach (var (key, value) in args ?? new Dictionary<string, JsonElement>())
        {
            if (key == "target" && Skill.Target is not null)
            {
                foreach (var word in Text(key, value).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (word.StartsWith('-')) throw KstackException.User($"Argument target: {ArgumentText.Quote(word)} reads as a flag; flags are their own arguments.");
                    words.Add(word);
                }
                continue;
            }
            if (key == "context")
            {
                context = Text(key, value);
                continue;
            }
            if (!_flags.TryGetValue(key, out var flag))
            {
                if (PlanIdNames.Contains(key, StringComparer.OrdinalIgnoreCase) && Skill.NeedsUserConsent)
                    throw KstackException.User("A plan id is never accepted over MCP: the user approves the plan in this client's prompt, "
                                               + "or runs the plan's command in their own terminal.");
                throw KstackException.User($"Unknown argument {ArgumentText.Quote(key)} for {Name}; it takes: {string.Join(", ", ArgumentNames())}.");
            }
            switch (flag)
            {
                case SwitchFlag:
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw KstackException.User($"Argument {key} must be true or false.");
                    if (value.GetBoolean()) argv.Add(flag.Name);
                    break;
                case IntegerFlag:
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n)) throw KstackException.User($"Argument {key} must be a whole number.");
                    argv.Add(flag.Name);
                    argv.Add(n.ToString(CultureInfo.InvariantCulture));
                    break;
                case ListFlag:
                    if (value.ValueKind != JsonValueKind.Array) throw KstackException.User($"Argument {key} must be an array of strings.");
                    foreach (var item in value.EnumerateArray())
                    {
                        argv.Add(flag.Name);
                        argv.Add(Value(key, item));
                    }
                    break;
                default:
                    argv.Add(flag.Name);
                    argv.Add(Value(key, value));
                    break;
            }
        }
        if (Skill.Target is { Required: true } && words.Count == 0) throw KstackException.User($"Argument target is required: {Skill.Target.Help}.");
        argv.AddRange(words);
        return argv;
    }

    private IEnumerable<string> ArgumentNames() =>
        (Skill.Target is null ? [] : new[] { "target" }).Append("context").Concat(_flags.Keys);

    private static string Text(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw KstackException.User($"Argument {key} must be a non-empty string.");

    private static string Value(string key, JsonElement value)
    {
        var s = Text(key, value);
        return s.StartsWith('-') ? throw KstackException.User($"Argument {key}: {ArgumentText.Quote(s)} cannot start with '-'.") : s;
    }
}
