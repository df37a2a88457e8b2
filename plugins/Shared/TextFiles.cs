using System.Text;

namespace Engine.Plugins.Shared;

/// <summary>
/// Text files the way osbuild's stages read and write them: UTF-8 without
/// BOM; "replace" truncates and rewrites, so an existing file keeps its inode, mode and owner;
/// "read" is Python's text mode with universal newlines (<c>\r\n</c> and a lone <c>\r</c> become <c>\n</c>).
/// </summary>
internal static class TextFiles
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Truncates and writes <paramref name="path"/> (created with 0666 minus umask if missing, like Python's open(path, "w")).</summary>
    public static void Replace(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        byte[] bytes = s_utf8.GetBytes(text);
        stream.Write(bytes);
    }

    /// <summary>Appends to <paramref name="path"/>, creating it if missing (Python's open(path, "a")).</summary>
    public static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
        stream.Write(s_utf8.GetBytes(text));
    }

    /// <summary>Reads the whole file with universal newlines.</summary>
    public static string ReadUniversal(string path)
        => NormalizeNewlines(s_utf8.GetString(File.ReadAllBytes(path)));

    /// <summary>Python's universal-newline translation: <c>\r\n</c> and <c>\r</c> become <c>\n</c>.</summary>
    public static string NormalizeNewlines(string text)
        => text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            : text;

    /// <summary>Lines with their <c>\n</c> kept (Python's <c>splitlines(keepends=True)</c> after universal newlines).</summary>
    public static IEnumerable<string> LinesKeepEnds(string text)
    {
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                yield return text[start..];
                yield break;
            }

            yield return text[start..(end + 1)];
            start = end + 1;
        }
    }
}
