namespace Engine.Native;

/// <summary>One entry of a directory (<see cref="Directories.ReadEntries"/>): its name as raw bytes and <c>d_type</c>.</summary>
public sealed class DirectoryEntry(byte[] nameWithNul, byte type)
{
    /// <summary><c>d_type</c> of <c>getdents64</c>: the file system did not say.</summary>
    public const byte DT_UNKNOWN = 0;

    /// <summary><c>d_type</c> of <c>getdents64</c>: a directory.</summary>
    public const byte DT_DIR = 4;

    private string? _name;

    /// <summary>The name's bytes followed by one NUL, ready to pass to the *at calls.</summary>
    public byte[] NameWithNul { get; } = nameWithNul;

    public ReadOnlySpan<byte> NameBytes => NameWithNul.AsSpan(0, NameWithNul.Length - 1);

    /// <summary>The name as Python's <c>os.fsdecode</c> sees it (UTF-8 with surrogateescape).</summary>
    public string Name => _name ??= FileNames.Decode(NameBytes);

    /// <summary><c>d_type</c>; <see cref="DT_UNKNOWN"/> on file systems that do not fill it in.</summary>
    public byte Type { get; } = type;

    /// <summary>Known to be a directory from <c>d_type</c> alone.</summary>
    public bool IsDirectory => Type == DT_DIR;

    /// <summary>The file system left <c>d_type</c> empty: only a stat tells what the entry is.</summary>
    public bool IsTypeUnknown => Type == DT_UNKNOWN;
}
