using Microsoft.Win32.SafeHandles;

namespace Engine.Native;

/// <summary>
/// The SELinux label of a file: its <c>security.selinux</c> attribute, read and written through
/// <see cref="Xattrs"/>. The bytes are kept as the kernel stores them (setfiles adds a trailing NUL).
/// </summary>
public static class SelinuxLabels
{
    /// <summary>The attribute's name, NUL-terminated.</summary>
    public static ReadOnlySpan<byte> AttributeZ => "security.selinux\0"u8;

    /// <summary>The label of an entry of <paramref name="directory"/> (of the directory itself when null); returns 0 or the errno (ENODATA: no label).</summary>
    public static int TryGetAt(SafeFileHandle directory, byte[]? entryWithNul, out byte[] label) =>
        Xattrs.TryGetAt(directory, entryWithNul, AttributeZ, out label);

    /// <summary>The label of an open file or directory; returns 0 or the errno (ENODATA: no label).</summary>
    public static int TryGet(SafeFileHandle handle, out byte[] label) => Xattrs.TryGet(handle, AttributeZ, out label);

    /// <summary>The label of <paramref name="path"/> (a symlink's own), or null when it has none.</summary>
    /// <exception cref="NativeException">The label cannot be read.</exception>
    public static byte[]? Get(string path) => Xattrs.Get(FileNames.NulTerminated(path), AttributeZ, path);

    /// <summary>Labels <paramref name="path"/> without following a symlink (tests label trees with it).</summary>
    /// <exception cref="NativeException">The kernel refused (no permission, unsupported file system, …).</exception>
    public static void Set(string path, ReadOnlySpan<byte> label) => Xattrs.Set(FileNames.NulTerminated(path), AttributeZ, label, path);
}
