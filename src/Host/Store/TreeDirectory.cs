namespace Engine.Host.Store;

/// <summary>The root directory of a tree that stages or an assembler fill: mode 0755, what osbuild's <c>new()</c> gives a tree.</summary>
internal static class TreeDirectory
{
    private const UnixFileMode Mode = (UnixFileMode)0x1ed; // 0755

    /// <summary>Creates <paramref name="path"/> with mode 0755 whatever the umask (mkdir applies it; chmod does not).</summary>
    public static void Create(string path)
    {
        Directory.CreateDirectory(path, Mode);
        File.SetUnixFileMode(path, Mode);
    }
}
