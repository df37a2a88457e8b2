using Tmds.Linux;

namespace Engine.Native;

/// <summary>Setting a file's owner, permissions and times by path, never through a symlink at the end of it where Linux allows.</summary>
public static unsafe class Metadata
{
    /// <summary><c>lchown</c>.</summary>
    /// <exception cref="NativeException">The kernel refused; the message names the path.</exception>
    public static void SetOwner(byte[] pathZ, uint uid, uint gid)
    {
        fixed (byte* path = pathZ)
        {
            Errno.Check(LibC.fchownat(LibC.AT_FDCWD, path, uid, gid, LibC.AT_SYMLINK_NOFOLLOW), "chown", FileNames.DecodeZ(pathZ));
        }
    }

    /// <summary>
    /// <c>chmod</c> to <paramref name="permissions"/> (07777 bits; a symlink is followed, Linux has no
    /// modes on symlinks). After <see cref="SetOwner"/>, which may clear set-id bits.
    /// </summary>
    /// <exception cref="NativeException">The kernel refused; the message names the path.</exception>
    public static void SetPermissions(byte[] pathZ, uint permissions)
    {
        fixed (byte* path = pathZ)
        {
            Errno.Check(LibC.chmod(path, (ushort)(permissions & 0xfff)), "chmod", FileNames.DecodeZ(pathZ));
        }
    }

    /// <summary><c>utimensat</c> with <c>AT_SYMLINK_NOFOLLOW</c>: the access and modification times.</summary>
    /// <exception cref="NativeException">The kernel refused; the message names the path.</exception>
    public static void SetTimes(byte[] pathZ, FileStatus.Time access, FileStatus.Time modification)
    {
        timespec* times = stackalloc timespec[2];
        times[0] = new timespec { tv_sec = access.Seconds, tv_nsec = (long_t)access.Nanoseconds };
        times[1] = new timespec { tv_sec = modification.Seconds, tv_nsec = (long_t)modification.Nanoseconds };
        fixed (byte* path = pathZ)
        {
            Errno.Check(LibC.utimensat(LibC.AT_FDCWD, path, times, LibC.AT_SYMLINK_NOFOLLOW), "utimensat", FileNames.DecodeZ(pathZ));
        }
    }
}
