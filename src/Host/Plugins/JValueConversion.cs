using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Host.Json;

namespace Engine.Host.Plugins;

/// <summary>Turns <see cref="JValue"/> into System.Text.Json nodes for the schema validator.</summary>
public static class JValueConversion
{
    public static JsonNode? ToJsonNode(JValue value) => value switch
    {
        JValue.Null => null,
        JValue.Bool b => JsonValue.Create(b.Value),
        // Integers keep every digit: parsing their text gives a node backed by the raw number.
        JValue.Integer i => JsonNode.Parse(i.Value.ToString(CultureInfo.InvariantCulture)),
        // JSON has no NaN or infinities; a schema sees them as the strings Python would print.
        JValue.Float f => double.IsFinite(f.Value) ? JsonNode.Parse(PythonJson.FormatFloat(f.Value)) : JsonValue.Create(PythonJson.FormatFloat(f.Value)),
        JValue.String s => JsonValue.Create(s.Value),
        JValue.Array a => new JsonArray(a.Items.Select(ToJsonNode).ToArray()),
        JValue.Object o => new JsonObject(o.Members.Select(m => KeyValuePair.Create(m.Key, ToJsonNode(m.Value)))),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
