namespace Engine.Host.Scaffolding;

/// <summary>Quotes words for the POSIX shell, so that printed commands can be pasted as they are.</summary>
internal static class ShellQuoting
{
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        bool plain = word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c, StringComparison.Ordinal));
        return plain ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
