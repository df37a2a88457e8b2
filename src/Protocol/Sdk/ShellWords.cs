using System.Text;

namespace Engine.Protocol.Sdk;

/// <summary>
/// Words quoted for the POSIX shell, so that a printed command can be pasted as it is: plugins echo
/// the commands they run and name them in failures, and <c>osbuild new</c> prints the commands to
/// build and try a new plugin.
/// </summary>
public static class ShellWords
{
    /// <summary>
    /// <paramref name="word"/> as it is when it holds only letters, digits and <c>-_./=:,+@%</c>;
    /// otherwise in single quotes, each <c>'</c> written as <c>'\''</c>. The empty word is <c>''</c>.
    /// </summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        bool plain = word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal));
        return plain ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A command line: <paramref name="file"/> and <paramref name="arguments"/>, each quoted, separated by spaces.</summary>
    public static string Join(string file, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var builder = new StringBuilder(Quote(file));
        foreach (string argument in arguments)
        {
            builder.Append(' ').Append(Quote(argument));
        }

        return builder.ToString();
    }
}
