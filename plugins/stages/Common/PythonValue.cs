namespace Engine.Plugins.Stages.Common;

/// <summary>
/// How osbuild's Python stages see JSON values: <c>str(x)</c> when they interpolate an option
/// into text (<c>1</c>, <c>1.0</c>, <c>True</c>, <c>None</c>) and Python
/// truthiness when they test an option with <c>if x:</c>.
/// </summary>
internal static class PythonValue
{
    /// <summary>Python's <c>str()</c> of a JSON value. Numbers keep the host's text, which is Python's spelling.</summary>
    public static string Str(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null or JsonValueKind.Undefined => "None",
        _ => value.GetRawText(),
    };

    /// <summary>Python truthiness: false, null, 0, 0.0, "", [] and {} are false.</summary>
    public static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Array => value.GetArrayLength() > 0,
        JsonValueKind.Object => value.EnumerateObject().Any(),
        JsonValueKind.Number => !value.TryGetDouble(out double number) || number != 0,
        _ => true,
    };

    /// <summary>A number written with <c>.</c> or an exponent: Python parsed it as a float.</summary>
    public static bool IsFloat(JsonElement value)
        => value.ValueKind == JsonValueKind.Number && value.GetRawText().AsSpan().IndexOfAny(".eE") >= 0;
}
