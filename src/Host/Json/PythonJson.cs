using System.Globalization;
using System.Text;
using Engine.Protocol;

namespace Engine.Host.Json;

/// <summary>
/// Writes <see cref="JValue"/> exactly as Python's <c>json.dumps</c> does with its default
/// separators and <c>ensure_ascii</c>: ids hash this text (<see cref="Canonical"/> = sort_keys),
/// stages receive it on stdin and <c>--json</c> prints it (<see cref="Compact"/>), and tree-diff
/// prints the indented form (<see cref="Indented"/>). docs/architecture.md ("Ids") gives the rules; strings and
/// separators are spelled by <see cref="PythonJsonText"/>, which the plugins' writer shares.
/// </summary>
public static class PythonJson
{
    /// <summary><c>json.dumps(value, sort_keys=True)</c>.</summary>
    public static string Canonical(JValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value, sortKeys: true, indent: -1, level: 0);
        return builder.ToString();
    }

    /// <summary><c>json.dumps(value)</c>: members in insertion order.</summary>
    public static string Compact(JValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value, sortKeys: false, indent: -1, level: 0);
        return builder.ToString();
    }

    /// <summary><c>json.dumps(value, indent=n)</c>: one item per line, no trailing newline.</summary>
    public static string Indented(JValue value, int indent = 2)
    {
        var builder = new StringBuilder();
        Write(builder, value, sortKeys: false, indent: indent, level: 0);
        return builder.ToString();
    }

    /// <summary>A JSON string literal with Python's ASCII escaping.</summary>
    public static string QuoteString(string text) => PythonJsonText.QuoteString(text);

    private static void Write(StringBuilder builder, JValue value, bool sortKeys, int indent, int level)
    {
        switch (value)
        {
            case JValue.Null:
                builder.Append("null");
                break;
            case JValue.Bool b:
                builder.Append(b.Value ? "true" : "false");
                break;
            case JValue.Integer i:
                builder.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case JValue.Float f:
                builder.Append(FormatFloat(f.Value));
                break;
            case JValue.String s:
                WriteString(builder, s.Value);
                break;
            case JValue.Array a:
                if (a.Items.Length == 0)
                {
                    builder.Append("[]");
                    break;
                }

                builder.Append('[');
                for (int index = 0; index < a.Items.Length; index++)
                {
                    Separator(builder, index, indent, level + 1);
                    Write(builder, a.Items[index], sortKeys, indent, level + 1);
                }

                Close(builder, ']', indent, level);
                break;
            case JValue.Object o:
                if (o.Members.Length == 0)
                {
                    builder.Append("{}");
                    break;
                }

                builder.Append('{');
                IEnumerable<KeyValuePair<string, JValue>> members = sortKeys
                    ? o.Members.OrderBy(m => m.Key, CodePointComparer.Instance)
                    : o.Members;
                int position = 0;
                foreach (var member in members)
                {
                    Separator(builder, position++, indent, level + 1);
                    WriteString(builder, member.Key);
                    builder.Append(PythonJsonText.KeySeparator);
                    Write(builder, member.Value, sortKeys, indent, level + 1);
                }

                Close(builder, '}', indent, level);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value, "unknown JSON value kind");
        }
    }

    private static void Separator(StringBuilder builder, int index, int indent, int level)
    {
        if (indent < 0)
        {
            if (index > 0)
            {
                builder.Append(PythonJsonText.ItemSeparator);
            }

            return;
        }

        if (index > 0)
        {
            builder.Append(',');
        }

        builder.Append('\n').Append(' ', indent * level);
    }

    private static void Close(StringBuilder builder, char bracket, int indent, int level)
    {
        if (indent >= 0)
        {
            builder.Append('\n').Append(' ', indent * level);
        }

        builder.Append(bracket);
    }

    private static void WriteString(StringBuilder builder, string text) => PythonJsonText.AppendString(builder, text);

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, positional for 1e-4 ≤ |x| &lt; 1e16.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0.0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        string sign = value < 0 ? "-" : "";
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int point; // value = 0.<digits> × 10^point
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = e >= 0 ? r[..e] : r;
        int exponent = e >= 0 ? int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string integerPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fractionPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        string all = integerPart + fractionPart;
        int leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = all[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        point = integerPart.Length - leadingZeros + exponent;

        var builder = new StringBuilder(sign);
        if (point > -4 && point <= 16)
        {
            if (point <= 0)
            {
                builder.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                builder.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            int shown = point - 1;
            builder.Append('e').Append(shown < 0 ? '-' : '+').Append(Math.Abs(shown).ToString("00", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
