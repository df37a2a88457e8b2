using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Engine.Plugins.Shared;

/// <summary>
/// Turns System.Text.Json's complaint about a typed options record ("could not be converted to
/// System.Int64", a .NET type name) into the manifest's terms: the option's path, the kind of value
/// it takes and the value it was given, found by following the JSON path through both the options
/// and the record's source-generated type information.
/// </summary>
internal static partial class OptionTypes
{
    public static PluginFailedException Wrong(JsonElement options, JsonTypeInfo type, string? path)
    {
        var steps = PathSteps(path);
        JsonElement? value = options;
        JsonTypeInfo? info = type;
        foreach (object step in steps)
        {
            value = value is { } current ? Step(current, step) : null;
            info = info is null ? null : Step(info, step);
        }

        string name = Display(steps);
        if (name.Length == 0)
        {
            return new PluginFailedException($"the options must be an object, not {PythonJsonText.Dumps(options)}");
        }

        string expected = info is null ? "of another type (see the plugin's meta schema)" : Describe(info.Type);
        return value is { } given
            ? new PluginFailedException($"option '{name}' must be {expected}, not {PythonJsonText.Dumps(given)}")
            : new PluginFailedException($"option '{name}' must be {expected}");
    }

    /// <summary>"$.partitions[0].size" → "partitions", 0, "size".</summary>
    private static List<object> PathSteps(string? path)
    {
        var steps = new List<object>();
        foreach (Match match in StepPattern().Matches(path ?? ""))
        {
            steps.Add(match.Groups["index"].Success ? int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)
                : match.Groups["quoted"].Success ? match.Groups["quoted"].Value
                : match.Groups["name"].Value);
        }

        return steps;
    }

    private static string Display(List<object> steps)
        => string.Concat(steps.Select((step, i) => step is int index ? $"[{index}]" : i == 0 ? (string)step : "." + step));

    private static JsonElement? Step(JsonElement value, object step) => step switch
    {
        string name when value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out JsonElement member) => member,
        int index when value.ValueKind == JsonValueKind.Array && index < value.GetArrayLength() => value[index],
        _ => null,
    };

    private static JsonTypeInfo? Step(JsonTypeInfo info, object step)
    {
        if (step is string name && info.Kind == JsonTypeInfoKind.Object)
        {
            JsonPropertyInfo? property = info.Properties.FirstOrDefault(p => p.Name == name);
            return property is null ? null : info.Options.GetTypeInfo(property.PropertyType);
        }

        if (step is int && info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element)
        {
            return info.Options.GetTypeInfo(element);
        }

        return null;
    }

    /// <summary>What a member of type <paramref name="type"/> takes, as the manifest's author reads it.</summary>
    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type == typeof(long) || type == typeof(int) ? "an integer"
            : type == typeof(double) ? "a number"
            : type == typeof(JsonElement) ? "a JSON value"
            : type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) ? "an array"
            : "an object";
    }

    [GeneratedRegex(@"\.(?<name>[A-Za-z_][\w-]*)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex StepPattern();
}
