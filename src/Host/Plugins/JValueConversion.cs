using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Host.Json;

namespace Engine.Host.Plugins;

/// <summary>
/// Turns <see cref="JValue"/> (the manifest's values, exact as Python reads them) into
/// System.Text.Json values: nodes for the schema validator, elements for the wire records.
/// </summary>
public static class JValueConversion
{
    /// <summary>
    /// The value as a <see cref="JsonElement"/> whose numbers keep Python's spelling (their raw text
    /// is the canonical JSON's). JSON has no NaN or infinities: those become the strings Python would
    /// print, as for the validator.
    /// </summary>
    public static JsonElement ToElement(JValue value)
    {
        string text = PythonJson.Compact(value);
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            using JsonDocument document = JsonDocument.Parse(ToJsonNode(value)?.ToJsonString() ?? "null");
            return document.RootElement.Clone();
        }
    }

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
