using System.Text.Json;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// Reads plugin options from the JSON the host validated against the meta schema. The checks here
/// are the second line of defence for runs without the host (tests, debugging): a wrong type still
/// fails with the option's name instead of an exception from System.Text.Json.
/// </summary>
internal static class DiskOptions
{
    public static string? String(JsonElement options, string name)
        => Find(options, name) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(name, "a string", value)
            : null;

    public static string RequiredString(JsonElement options, string name)
        => String(options, name) ?? throw new PluginFailedException($"option '{name}' is required");

    public static bool Boolean(JsonElement options, string name, bool fallback)
        => Find(options, name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(name, "true or false", value),
            }
            : fallback;

    public static long? Integer(JsonElement options, string name)
    {
        if (Find(options, name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : throw Wrong(name, "an integer", value);
    }

    public static IReadOnlyList<string> StringArray(JsonElement options, string name)
    {
        if (Find(options, name) is not { } value)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Wrong(name, "an array of strings", value);
        }

        var items = new List<string>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(name, "an array of strings", value));
        }

        return items;
    }

    /// <summary>The member <paramref name="name"/>; a JSON null counts as absent.</summary>
    public static JsonElement? Find(JsonElement options, string name)
        => options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static PluginFailedException Wrong(string name, string expected, JsonElement value)
        => new($"option '{name}' must be {expected}, not {PythonJson.Dumps(value)}");
}
