using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>Adding, removing and renaming names in directories: hard links, unlink, rmdir and rename.</summary>
public static unsafe partial class Entries
{
    /// <summary>
    /// A hard link <paramref name="destinationZ"/> to the inode at <paramref name="sourceZ"/> (a
    /// symlink itself is linked, not its target); returns 0 or the errno.
    /// </summary>
    public static int TryLink(byte[] sourceZ, byte[] destinationZ)
    {
        fixed (byte* source = sourceZ)
        fixed (byte* destination = destinationZ)
        {
            return LibC.linkat(LibC.AT_FDCWD, source, LibC.AT_FDCWD, destination, 0) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>Removes the file (not a directory) at <paramref name="path"/>; returns 0 or the errno.</summary>
    public static int TryUnlink(string path)
    {
        byte[] pathZ = FileNames.NulTerminated(path);
        fixed (byte* p = pathZ)
        {
            return LibC.unlink(p) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>Removes <paramref name="pathZ"/>: an empty directory when <paramref name="directory"/>, else a file; returns 0 or the errno.</summary>
    public static int TryRemove(byte[] pathZ, bool directory)
    {
        fixed (byte* path = pathZ)
        {
            return LibC.unlinkat(LibC.AT_FDCWD, path, directory ? LibC.AT_REMOVEDIR : 0) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>Removes the entry <paramref name="nameWithNul"/> of <paramref name="parent"/>, as <see cref="TryRemove"/>.</summary>
    public static int TryRemoveAt(SafeFileHandle parent, byte[] nameWithNul, bool directory)
    {
        using var fd = new DescriptorLease(parent);
        fixed (byte* name = nameWithNul)
        {
            return LibC.unlinkat(fd.Fd, name, directory ? LibC.AT_REMOVEDIR : 0) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>
    /// Atomically renames <paramref name="oldPath"/> to <paramref name="newPath"/>, replacing it. .NET's
    /// File.Move refuses a symlink whose target is a directory (it checks the target's type first),
    /// and the store's refs are exactly such links.
    /// </summary>
    /// <exception cref="NativeException">rename(2) failed.</exception>
    public static void Rename(string oldPath, string newPath)
    {
        byte[] oldZ = FileNames.NulTerminated(oldPath);
        byte[] newZ = FileNames.NulTerminated(newPath);
        fixed (byte* o = oldZ)
        fixed (byte* n = newZ)
        {
            Errno.Check(rename(o, n), "rename", $"{oldPath} → {newPath}");
        }
    }

    // Not in Tmds.LibC.
    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial int rename(byte* oldPath, byte* newPath);
}
