using System.Text;
using Engine.Protocol;

namespace Engine.Plugins.Shared;

/// <summary>
/// Python's <c>json.dumps(value)</c> text of an option (insertion order, spelled by
/// <see cref="PythonJsonText"/> as the host's writer spells it) for the messages that osbuild's
/// plugins print. Numbers keep their raw text: the host already wrote them in Python's spelling on stdin.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                string separator = "";
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    builder.Append(separator);
                    separator = PythonJsonText.ItemSeparator;
                    PythonJsonText.AppendString(builder, property.Name);
                    builder.Append(PythonJsonText.KeySeparator);
                    Write(builder, property.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                builder.AppendJoin(PythonJsonText.ItemSeparator, value.EnumerateArray().Select(Dumps));
                builder.Append(']');
                break;
            case JsonValueKind.String:
                PythonJsonText.AppendString(builder, value.GetString()!);
                break;
            case JsonValueKind.Undefined:
                builder.Append("null");
                break;
            default:
                builder.Append(value.GetRawText());
                break;
        }
    }
}
