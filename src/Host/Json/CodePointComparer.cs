namespace Engine.Host.Json;

/// <summary>
/// Orders strings as sequences of Unicode code points, as Python sorts str. Ordinal UTF-16
/// comparison differs only when a surrogate pair (U+10000 and up) meets U+E000–U+FFFF.
/// A lone surrogate (from surrogateescape-decoded file names) is its own code point.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int i = 0;
        int j = 0;
        while (i < x.Length && j < y.Length)
        {
            int a = CodePointAt(x, ref i);
            int b = CodePointAt(y, ref j);
            if (a != b)
            {
                return a < b ? -1 : 1;
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int CodePointAt(string s, ref int index)
    {
        char c = s[index++];
        if (char.IsHighSurrogate(c) && index < s.Length && char.IsLowSurrogate(s[index]))
        {
            return char.ConvertToUtf32(c, s[index++]);
        }

        return c;
    }
}
