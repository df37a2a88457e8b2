using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Engine.Protocol;

/// <summary>
/// The spelling of Python's <c>json.dumps</c> with its defaults (<c>ensure_ascii=True</c>, the
/// separators <c>", "</c> and <c>": "</c>), shared by the host's writer (whose text stage ids hash,
/// so it must match byte for byte) and the plugins' (messages that osbuild's plugins print).
/// </summary>
public static class PythonJsonText
{
    /// <summary>Between two items of an array or two members of an object (without indentation).</summary>
    public const string ItemSeparator = ", ";

    /// <summary>Between a member's name and its value.</summary>
    public const string KeySeparator = ": ";

    /// <summary>
    /// Appends <paramref name="text"/> as a JSON string literal the way Python writes it: the short
    /// escapes for <c>" \ \n \r \t \b \f</c>, and <c>\uXXXX</c> (lower-case hex, one per UTF-16 unit,
    /// so a character beyond the BMP becomes its surrogate pair) for every other control character
    /// and everything outside printable ASCII, including DEL.
    /// </summary>
    public static void AppendString(StringBuilder builder, string text)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    /// <summary><paramref name="text"/> as a JSON string literal, see <see cref="AppendString"/>.</summary>
    public static string QuoteString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        AppendString(builder, text);
        return builder.ToString();
    }

    /// <summary>
    /// Python's <c>json.dumps(value)</c> of a parsed value: members in their order, strings spelled
    /// as <see cref="AppendString"/> spells them, numbers with their raw text (what was parsed from
    /// Python's spelling stays Python's).
    /// </summary>
    public static string Dumps(JsonElement value)
    {
        var builder = new StringBuilder();
        Append(builder, value);
        return builder.ToString();
    }

    /// <summary>Appends <see cref="Dumps"/> of <paramref name="value"/>.</summary>
    public static void Append(StringBuilder builder, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                string separator = "";
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    builder.Append(separator);
                    separator = ItemSeparator;
                    AppendString(builder, property.Name);
                    builder.Append(KeySeparator);
                    Append(builder, property.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                string itemSeparator = "";
                foreach (JsonElement item in value.EnumerateArray())
                {
                    builder.Append(itemSeparator);
                    itemSeparator = ItemSeparator;
                    Append(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(builder, value.GetString()!);
                break;
            case JsonValueKind.Undefined:
                builder.Append("null");
                break;
            default:
                builder.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>Appends <c>"name": </c> (after <paramref name="separator"/> unless this is the first member).</summary>
    internal static void AppendMember(StringBuilder builder, ref string separator, string name)
    {
        builder.Append(separator);
        separator = ItemSeparator;
        AppendString(builder, name);
        builder.Append(KeySeparator);
    }
}
