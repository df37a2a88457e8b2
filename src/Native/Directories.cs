using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Directories as descriptors: opened by path or relative to a parent, listed with
/// <c>getdents64</c> as raw names (<c>Directory.EnumerateFileSystemEntries</c> turns invalid UTF-8
/// into U+FFFD and loses the name), and made.
/// </summary>
public static unsafe partial class Directories
{
    /// <summary>Flags to open a subdirectory of a walk with <see cref="Files.TryOpenAt"/>: must be a directory, never through a symlink.</summary>
    public static int OpenAtFlags => LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW;

    /// <summary>
    /// Opens a directory given by path (a symlink to a directory is followed, as the store's
    /// <c>refs/&lt;id&gt;</c> links need).
    /// </summary>
    /// <exception cref="NativeException">The path cannot be opened as a directory.</exception>
    public static SafeFileHandle Open(string path)
    {
        int errno = TryOpen(FileNames.NulTerminated(path), LibC.O_RDONLY | LibC.O_DIRECTORY, out SafeFileHandle handle);
        if (errno != 0)
        {
            Errno.Throw("open", path, errno);
        }

        return handle;
    }

    /// <summary>
    /// Opens the directory at <paramref name="pathZ"/> when it is one, itself and not a symlink to one
    /// (<c>O_NOFOLLOW</c>); returns 0 or the errno (ELOOP for a symlink, ENOTDIR for another file).
    /// </summary>
    public static int TryOpenNoFollow(byte[] pathZ, out SafeFileHandle handle) =>
        TryOpen(pathZ, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, out handle);

    /// <summary>
    /// An <c>O_PATH</c> descriptor of a directory: it names the directory (as <c>/proc/self/fd/N</c>)
    /// without granting reads, for mount options that must not depend on the path's characters.
    /// </summary>
    /// <exception cref="NativeException">The directory cannot be opened.</exception>
    public static SafeFileHandle OpenPath(string path)
    {
        int errno = TryOpen(FileNames.NulTerminated(path), LibC.O_PATH | LibC.O_DIRECTORY, out SafeFileHandle handle);
        if (errno != 0)
        {
            Errno.Throw("open", path, errno);
        }

        return handle;
    }

    /// <summary>
    /// All entries of an open directory except "." and "..", in the file system's order (what
    /// Python's <c>os.scandir</c> yields). <paramref name="scratch"/> is the getdents64 buffer, reused
    /// across calls: entries are copied out of it.
    /// </summary>
    /// <exception cref="NativeException">getdents64 failed; <paramref name="pathForErrors"/> names the directory.</exception>
    public static List<DirectoryEntry> ReadEntries(SafeFileHandle directory, byte[] scratch, string pathForErrors)
    {
        var entries = new List<DirectoryEntry>();
        using var fd = new DescriptorLease(directory);
        while (true)
        {
            long count;
            fixed (byte* buffer = scratch)
            {
                count = getdents64(fd.Fd, buffer, (nuint)scratch.Length);
            }

            if (count < 0)
            {
                int errno = Errno.Last;
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                Errno.Throw("getdents64", pathForErrors, errno);
            }

            if (count == 0)
            {
                return entries;
            }

            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            int offset = 0;
            while (offset < count)
            {
                int recordLength = BitConverter.ToUInt16(scratch, offset + 16);
                byte type = scratch[offset + 18];
                var name = scratch.AsSpan(offset + 19, recordLength - 19);
                name = name[..name.IndexOf((byte)0)];
                offset += recordLength;
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                entries.Add(new DirectoryEntry(FileNames.NulTerminated(name), type));
            }
        }
    }

    /// <summary><c>mkdir</c> with <paramref name="mode"/> (less the umask).</summary>
    /// <exception cref="NativeException">mkdir failed; the message names the path.</exception>
    public static void Make(byte[] pathZ, ushort mode)
    {
        fixed (byte* path = pathZ)
        {
            Errno.Check(LibC.mkdir(path, mode), "mkdir", FileNames.DecodeZ(pathZ));
        }
    }

    private static int TryOpen(byte[] pathZ, int flags, out SafeFileHandle handle)
    {
        int fd;
        fixed (byte* path = pathZ)
        {
            fd = LibC.open(path, flags | LibC.O_CLOEXEC, 0);
        }

        return Files.Adopt(fd, out handle);
    }

    // glibc 2.30 and later; not in Tmds.LibC.
    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial long getdents64(int fd, byte* dirp, nuint count);
}
