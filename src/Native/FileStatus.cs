using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// What <c>statx</c> tells of a file, never following a symlink at the end of the path (lstat's
/// view): type and mode, owner, size, the file system's device number and the access and
/// modification times.
/// </summary>
public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, long Size, uint DevMajor, uint DevMinor, FileStatus.Time AccessTime, FileStatus.Time ModificationTime)
{
    public const uint S_IFMT = 0xf000;
    public const uint S_IFSOCK = 0xc000;
    public const uint S_IFLNK = 0xa000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;

    // STATX_TYPE | MODE | UID | GID | ATIME | MTIME | SIZE; the device is always filled in.
    private const uint Mask = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x40 | 0x200;

    /// <summary>A <c>statx_timestamp</c>.</summary>
    public readonly record struct Time(long Seconds, uint Nanoseconds);

    public uint FileType => Mode & S_IFMT;

    /// <summary>The permission bits with set-id and sticky (mode &amp; 07777).</summary>
    public uint Permissions => Mode & 0xfff;

    public bool IsDirectory => FileType == S_IFDIR;

    public bool IsRegularFile => FileType == S_IFREG;

    public bool IsSymbolicLink => FileType == S_IFLNK;

    /// <summary>On the same file system as <paramref name="other"/> (what <c>rm --one-file-system</c> compares).</summary>
    public bool SameDevice(in FileStatus other) => DevMajor == other.DevMajor && DevMinor == other.DevMinor;

    /// <summary>"a FIFO", "a socket", … for error messages.</summary>
    public string FileTypeName => FileType switch
    {
        S_IFDIR => "a directory",
        S_IFREG => "a regular file",
        S_IFLNK => "a symbolic link",
        S_IFIFO => "a FIFO",
        S_IFSOCK => "a socket",
        S_IFCHR => "a character device",
        S_IFBLK => "a block device",
        _ => "a file of unknown type (mode 0o" + Convert.ToString(Mode, 8) + ")",
    };

    /// <summary>The entry <paramref name="nameWithNul"/> of <paramref name="directory"/>; returns 0 or the errno.</summary>
    public static unsafe int TryGetAt(SafeFileHandle directory, byte[] nameWithNul, out FileStatus status)
    {
        using var fd = new DescriptorLease(directory);
        fixed (byte* name = nameWithNul)
        {
            return Statx(fd.Fd, name, LibC.AT_SYMLINK_NOFOLLOW, out status);
        }
    }

    /// <summary>An open file or directory (<c>fstat</c>); returns 0 or the errno.</summary>
    public static unsafe int TryGet(SafeFileHandle handle, out FileStatus status)
    {
        using var fd = new DescriptorLease(handle);
        byte empty = 0;
        return Statx(fd.Fd, &empty, LibC.AT_EMPTY_PATH, out status);
    }

    /// <summary>A path (NUL-terminated bytes; relative to the working directory unless absolute); returns 0 or the errno.</summary>
    public static unsafe int TryGet(byte[] pathZ, out FileStatus status)
    {
        fixed (byte* path = pathZ)
        {
            return Statx(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, out status);
        }
    }

    /// <summary>A path that must exist.</summary>
    /// <exception cref="NativeException">statx failed; the message names the path.</exception>
    public static FileStatus Get(byte[] pathZ)
    {
        int errno = TryGet(pathZ, out FileStatus status);
        if (errno != 0)
        {
            Errno.Throw("statx", FileNames.DecodeZ(pathZ), errno);
        }

        return status;
    }

    private static unsafe int Statx(int directoryFd, byte* name, int flags, out FileStatus status)
    {
        statx buffer;
        if (LibC.statx(directoryFd, name, flags, Mask, &buffer) < 0)
        {
            status = default;
            return Errno.Last;
        }

        status = new FileStatus(
            buffer.stx_mode,
            buffer.stx_uid,
            buffer.stx_gid,
            checked((long)buffer.stx_size),
            buffer.stx_dev_major,
            buffer.stx_dev_minor,
            new Time(buffer.stx_atime.tv_sec, buffer.stx_atime.tv_nsec),
            new Time(buffer.stx_mtime.tv_sec, buffer.stx_mtime.tv_nsec));
        return 0;
    }
}
