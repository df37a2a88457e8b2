using System.Globalization;
using System.Text;

namespace Engine.Plugins.Stages.FixBls;

/// <summary>
/// osbuild's substitution <c>re.sub(r"(/.*)+/boot", prefix, line)</c>, computed directly.
/// Greedy backtracking makes the one possible match run from the line's first <c>/</c> to the
/// start of its last <c>/boot</c> plus those five characters, provided that <c>/boot</c> starts
/// after the first <c>/</c>; group 1 is everything before that last <c>/boot</c>. Computing it
/// avoids the exponential backtracking of the nested quantifier on lines with many slashes.
/// The line's trailing <c>\n</c> cannot be part of a match (<c>.</c> does not match it), and no
/// other character of the pattern can be a newline, so the scan needs no special case.
/// Pinned by FixBlsStageTests.
/// </summary>
internal static class BootPath
{
    public static string Fix(string line, string prefix)
    {
        int first = line.IndexOf('/', StringComparison.Ordinal);
        int last = line.LastIndexOf("/boot", StringComparison.Ordinal);
        if (first < 0 || last <= first)
        {
            return line;
        }

        // A "\n" before "/boot" would stop ".*"; after universal newlines only the final one exists.
        if (line.AsSpan(first, last - first).Contains('\n'))
        {
            return line;
        }

        string group1 = line[first..last];
        string whole = line[first..(last + 5)];
        return string.Concat(line.AsSpan(0, first), Expand(prefix, whole, group1), line.AsSpan(last + 5));
    }

    /// <summary>
    /// Python's <c>re</c> replacement template: <c>\1</c>/<c>\g&lt;1&gt;</c> (group 1),
    /// <c>\g&lt;0&gt;</c> (the match), octal and the escapes <c>\a \b \f \n \r \t \v \\</c>;
    /// other escapes of ASCII letters are errors; any other escaped character stays as written.
    /// </summary>
    /// <exception cref="PluginFailedException">The template is invalid, as Python's re.error.</exception>
    internal static string Expand(string template, string whole, string group1)
    {
        if (!template.Contains('\\', StringComparison.Ordinal))
        {
            return template;
        }

        var result = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (i + 1 >= template.Length)
            {
                throw Bad(template, "bad escape (end of pattern)");
            }

            char next = template[++i];
            switch (next)
            {
                case 'g':
                    int close = i + 1 < template.Length && template[i + 1] == '<' ? template.IndexOf('>', i + 2) : -1;
                    if (close < 0)
                    {
                        throw Bad(template, "missing group name");
                    }

                    string name = template[(i + 2)..close];
                    result.Append(Group(template, name, whole, group1));
                    i = close;
                    break;
                case '0':
                    // "\0" starts an octal escape of up to three digits.
                    int octalEnd = i + 1;
                    while (octalEnd < template.Length && octalEnd < i + 3 && template[octalEnd] is >= '0' and <= '7')
                    {
                        octalEnd++;
                    }

                    result.Append((char)Convert.ToInt32(template[i..octalEnd], 8));
                    i = octalEnd - 1;
                    break;
                case >= '1' and <= '9':
                    if (i + 2 < template.Length && next <= '7' && template[i + 1] is >= '0' and <= '7' && template[i + 2] is >= '0' and <= '7')
                    {
                        int code = Convert.ToInt32(template.Substring(i, 3), 8);
                        if (code > 0xff)
                        {
                            throw Bad(template, $"octal escape value \\{template.Substring(i, 3)} outside of range 0-0o377");
                        }

                        result.Append((char)code);
                        i += 2;
                        break;
                    }

                    int digitsEnd = i + 1 < template.Length && char.IsAsciiDigit(template[i + 1]) ? i + 2 : i + 1;
                    result.Append(Group(template, template[i..digitsEnd], whole, group1));
                    i = digitsEnd - 1;
                    break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 't': result.Append('\t'); break;
                case 'v': result.Append('\v'); break;
                case '\\': result.Append('\\'); break;
                default:
                    if (char.IsAsciiLetter(next))
                    {
                        throw Bad(template, $"bad escape \\{next}");
                    }

                    result.Append('\\').Append(next);
                    break;
            }
        }

        return result.ToString();
    }

    private static string Group(string template, string name, string whole, string group1)
    {
        if (name.Length > 0 && name.All(char.IsAsciiDigit))
        {
            int number = int.Parse(name, NumberStyles.None, CultureInfo.InvariantCulture);
            return number switch
            {
                0 => whole,
                1 => group1,
                _ => throw Bad(template, $"invalid group reference {number.ToString(CultureInfo.InvariantCulture)}"),
            };
        }

        throw Bad(template, name.Length == 0 ? "missing group name" : $"unknown group name '{name}'");
    }

    private static PluginFailedException Bad(string template, string reason)
        => new($"option 'prefix' is not a valid replacement template ({reason}): {template}");
}
