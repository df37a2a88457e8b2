using System.Text.Json;

namespace Engine.Protocol.Sdk;

/// <summary>JSON values named the way a manifest's author reads them, for messages ("an array", not "Array").</summary>
public static class JsonKinds
{
    /// <summary>"an object", "an array", "a string", "a number", "true", "false" or "null".</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };
}
