using Engine.Protocol.Sdk;

namespace Engine.Host.Scaffolding;

/// <summary>Quotes words for the POSIX shell, so that printed commands can be pasted as they are (<see cref="ShellWords"/>).</summary>
internal static class ShellQuoting
{
    public static string Quote(string word) => ShellWords.Quote(word);
}
