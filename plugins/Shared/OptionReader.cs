using System.Text.Json;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// Reads a stage's options object. The host validated it against the meta schema already; these
/// checks make a hand-run plugin (or another host) fail with the option's name instead of a crash.
/// </summary>
internal static class StageOptions
{
    /// <summary>The member <paramref name="name"/>, or null when absent.</summary>
    public static JsonElement? Find(JsonElement options, string name)
        => options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out JsonElement value) ? value : null;

    /// <summary>A required string option.</summary>
    /// <exception cref="PluginFailedException">Missing or not a string.</exception>
    public static string RequiredString(JsonElement options, string name)
        => String(options, name) ?? throw new PluginFailedException($"option '{name}' is required");

    /// <summary>A string option, or null when absent.</summary>
    /// <exception cref="PluginFailedException">Present but not a string.</exception>
    public static string? String(JsonElement options, string name)
    {
        JsonElement? value = Find(options, name);
        if (value is null)
        {
            return null;
        }

        return value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : throw Wrong(name, "a string", value.Value);
    }

    /// <summary>A required object option.</summary>
    /// <exception cref="PluginFailedException">Missing or not an object.</exception>
    public static JsonElement RequiredObject(JsonElement options, string name)
    {
        JsonElement value = Find(options, name) ?? throw new PluginFailedException($"option '{name}' is required");
        return value.ValueKind == JsonValueKind.Object ? value : throw Wrong(name, "an object", value);
    }

    /// <summary>An array option; empty when absent. <paramref name="required"/> makes absence an error.</summary>
    /// <exception cref="PluginFailedException">Not an array, or required and missing.</exception>
    public static IReadOnlyList<JsonElement> Array(JsonElement options, string name, bool required = false)
    {
        JsonElement? value = Find(options, name);
        if (value is null)
        {
            return required ? throw new PluginFailedException($"option '{name}' is required") : [];
        }

        return value.Value.ValueKind == JsonValueKind.Array ? [.. value.Value.EnumerateArray()] : throw Wrong(name, "an array", value.Value);
    }

    /// <summary>An array of strings; empty when absent.</summary>
    /// <exception cref="PluginFailedException">Not an array of strings, or required and missing.</exception>
    public static IReadOnlyList<string> StringArray(JsonElement options, string name, bool required = false)
        => [.. Array(options, name, required).Select(item => item.ValueKind == JsonValueKind.String
            ? item.GetString()!
            : throw Wrong(name + "[]", "a string", item))];

    private static PluginFailedException Wrong(string name, string expected, JsonElement value)
        => new($"option '{name}' must be {expected}, not {JsonKinds.Describe(value)} {value.GetRawText()}");
}
