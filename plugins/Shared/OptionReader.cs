using System.Text.Json.Serialization.Metadata;

namespace Engine.Plugins.Shared;

/// <summary>
/// Reads a plugin's options object. One rule for every plugin: a member that is absent or JSON
/// <c>null</c> is "not given" (osbuild's stages read options with <c>options.get(name)</c>), so it
/// takes the default or, when required, fails as missing. The host validated the options against
/// the meta schema already; these checks make a hand-run plugin (or another host) fail with the
/// option's name instead of a crash. Plugins with non-trivial options read them into a typed record
/// with <see cref="Read{T}"/> and a source-generated <c>JsonSerializerContext</c>.
/// </summary>
internal static class OptionReader
{
    /// <summary>The member <paramref name="name"/>, or null when it is absent or JSON null.</summary>
    public static JsonElement? Find(JsonElement options, string name)
        => options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>A string option, or null when not given.</summary>
    /// <exception cref="PluginFailedException">Given, but not a string.</exception>
    public static string? String(JsonElement options, string name)
        => Find(options, name) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(name, "a string", value)
            : null;

    /// <summary>A required string option.</summary>
    /// <exception cref="PluginFailedException">Not given, or not a string.</exception>
    public static string RequiredString(JsonElement options, string name)
        => String(options, name) ?? throw Missing(name);

    /// <summary>A boolean option, or <paramref name="fallback"/> when not given.</summary>
    /// <exception cref="PluginFailedException">Given, but neither true nor false.</exception>
    public static bool Boolean(JsonElement options, string name, bool fallback)
        => Find(options, name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(name, "true or false", value),
            }
            : fallback;

    /// <summary>An integer option, or null when not given.</summary>
    /// <exception cref="PluginFailedException">Given, but not an integer.</exception>
    public static long? Integer(JsonElement options, string name)
        => Find(options, name) is { } value
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw Wrong(name, "an integer", value)
            : null;

    /// <summary>A required object option.</summary>
    /// <exception cref="PluginFailedException">Not given, or not an object.</exception>
    public static JsonElement RequiredObject(JsonElement options, string name)
    {
        JsonElement value = Find(options, name) ?? throw Missing(name);
        return value.ValueKind == JsonValueKind.Object ? value : throw Wrong(name, "an object", value);
    }

    /// <summary>An array option; empty when not given, unless <paramref name="required"/>.</summary>
    /// <exception cref="PluginFailedException">Not an array, or required and not given.</exception>
    public static IReadOnlyList<JsonElement> Array(JsonElement options, string name, bool required = false)
    {
        if (Find(options, name) is not { } value)
        {
            return required ? throw Missing(name) : [];
        }

        return value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : throw Wrong(name, "an array", value);
    }

    /// <summary>An array of strings; empty when not given, unless <paramref name="required"/>.</summary>
    /// <exception cref="PluginFailedException">Not an array of strings, or required and not given.</exception>
    public static IReadOnlyList<string> StringArray(JsonElement options, string name, bool required = false)
        => [.. Array(options, name, required).Select((item, index) => item.ValueKind == JsonValueKind.String
            ? item.GetString()!
            : throw Wrong($"{name}[{index}]", "a string", item))];

    /// <summary>
    /// The options as the typed record <typeparamref name="T"/> (a source-generated
    /// <paramref name="type"/>, so NativeAOT needs no reflection). Members of the record are nullable:
    /// absent and null both leave them null, and the plugin applies its defaults and requirements.
    /// </summary>
    /// <exception cref="PluginFailedException">A member has the wrong type; the message names its path and value.</exception>
    public static T Read<T>(JsonElement options, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        try
        {
            return options.ValueKind == JsonValueKind.Object
                ? options.Deserialize(type) ?? throw new PluginFailedException("the options must be an object")
                : throw new PluginFailedException($"the options must be an object, not {PythonJsonText.Dumps(options)}");
        }
        catch (JsonException e)
        {
            throw OptionTypes.Wrong(options, type, e.Path);
        }
    }

    /// <summary>The failure for a required option that is not given.</summary>
    public static PluginFailedException Missing(string name) => new($"option '{name}' is required");

    /// <summary>The failure for an option of the wrong type.</summary>
    public static PluginFailedException Wrong(string name, string expected, JsonElement value)
        => new($"option '{name}' must be {expected}, not {PythonJsonText.Dumps(value)}");
}
