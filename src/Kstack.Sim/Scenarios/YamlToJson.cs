using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Kstack.Sim.Scenarios;

/// <summary>Converts (multi-document) YAML into JSON nodes with YAML 1.2 core-schema typing of plain scalars.</summary>
internal static partial class YamlToJson
{
    /// <summary>One parsed document, or the parse error raised inside it.</summary>
    public readonly record struct Document(int Index, JsonNode? Node, string? Error);

    public static IEnumerable<Document> Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        var index = 0;
        string? fatal = null;
        try { parser.Consume<StreamStart>(); }
        catch (YamlException e) { fatal = Describe(e); }
        if (fatal != null) { yield return new Document(0, null, fatal); yield break; }
        while (true)
        {
            JsonNode? node = null;
            string? error = null;
            bool done = false;
            try
            {
                if (parser.TryConsume<StreamEnd>(out _)) done = true;
                else
                {
                    parser.Consume<DocumentStart>();
                    var anchors = new Dictionary<string, JsonNode?>();
                    node = ParseNode(parser, anchors);
                    parser.Consume<DocumentEnd>();
                }
            }
            catch (YamlException e) { error = Describe(e); }
            catch (InvalidOperationException e) { error = e.Message; }
            if (done) yield break;
            yield return new Document(index, node, error);
            if (error != null) yield break;
            index++;
        }
    }

    private static string Describe(YamlException e) =>
        $"YAML syntax error at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}";

    private static JsonNode? ParseNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                throw new InvalidOperationException($"unknown YAML alias *{alias.Value.Value} at line {alias.Start.Line}");
            return target?.DeepClone();
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var v = ConvertScalar(scalar);
            if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = v;
            return v;
        }
        if (parser.TryConsume<MappingStart>(out var ms))
        {
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ParseNode(parser, anchors);
                var key = keyNode switch
                {
                    null => "null",
                    JsonValue jv => jv.ToString(),
                    _ => throw new InvalidOperationException("complex mapping keys are not supported"),
                };
                var value = ParseNode(parser, anchors);
                if (key == "<<" && value is JsonObject merge)
                {
                    foreach (var kv in merge) if (!obj.ContainsKey(kv.Key)) obj[kv.Key] = kv.Value?.DeepClone();
                    continue;
                }
                obj[key] = value;
            }
            if (!ms.Anchor.IsEmpty) anchors[ms.Anchor.Value] = obj;
            return obj;
        }
        if (parser.TryConsume<SequenceStart>(out var ss))
        {
            var arr = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) arr.Add(ParseNode(parser, anchors));
            if (!ss.Anchor.IsEmpty) anchors[ss.Anchor.Value] = arr;
            return arr;
        }
        var ev = parser.Current;
        throw new InvalidOperationException($"unexpected YAML event {ev?.GetType().Name} at line {ev?.Start.Line}");
    }

    private static JsonNode? ConvertScalar(Scalar s)
    {
        var v = s.Value;
        if (s.Style != ScalarStyle.Plain || (!s.Tag.IsEmpty && s.Tag.Value is "tag:yaml.org,2002:str" or "!!str"))
            return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (IntRegex().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hx))
            return JsonValue.Create(hx);
        if (FloatRegex().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntRegex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();
}
