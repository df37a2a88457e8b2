using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>Device numbers and device nodes: mknod, and which device a node or an open device is.</summary>
public static unsafe class DeviceNodes
{
    /// <summary>
    /// <c>mknod(path, S_IFBLK | permissions, rdev)</c>, then <c>chmod</c> so that the node gets exactly
    /// <paramref name="permissions"/> whatever the process umask; returns 0 or the errno.
    /// </summary>
    public static int TryMakeBlockNode(string path, ushort permissions, ulong rdev) =>
        TryMake(path, LibC.S_IFBLK, permissions, rdev);

    /// <summary>A character device node, as <see cref="TryMakeBlockNode"/>.</summary>
    public static int TryMakeCharacterNode(string path, ushort permissions, ulong rdev) =>
        TryMake(path, LibC.S_IFCHR, permissions, rdev);

    /// <summary>Whether the open <paramref name="handle"/> is a block device, and its device number (<c>fstat</c>); returns 0 or the errno.</summary>
    public static int TryGetDeviceNumber(SafeFileHandle handle, out bool isBlockDevice, out ulong rdev)
    {
        stat st = default;
        int rc;
        int error;
        using (var fd = new DescriptorLease(handle))
        {
            rc = LibC.fstat(fd.Fd, &st);
            error = rc < 0 ? Errno.Last : 0;
        }

        isBlockDevice = rc == 0 && (st.st_mode & LibC.S_IFMT) == LibC.S_IFBLK;
        rdev = rc == 0 ? st.st_rdev : 0;
        return error;
    }

    /// <summary>Whether <paramref name="path"/> is a block device node (<c>lstat</c>), and its device number; returns 0 or the errno.</summary>
    public static int TryGetNodeDeviceNumber(string path, out bool isBlockDevice, out ulong rdev)
    {
        stat st = default;
        byte[] pathZ = FileNames.NulTerminated(path);
        int rc;
        int error;
        fixed (byte* p = pathZ)
        {
            rc = LibC.lstat(p, &st);
            error = rc < 0 ? Errno.Last : 0;
        }

        isBlockDevice = rc == 0 && (st.st_mode & LibC.S_IFMT) == LibC.S_IFBLK;
        rdev = rc == 0 ? st.st_rdev : 0;
        return error;
    }

    /// <summary>glibc's <c>makedev</c>: the 64-bit <c>dev_t</c> encoding.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0xfffu) << 8)
        | ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0xffu);

    /// <summary>glibc's <c>major</c>.</summary>
    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu));

    /// <summary>glibc's <c>minor</c>.</summary>
    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00u) | (dev & 0xffu));

    private static int TryMake(string path, mode_t type, ushort permissions, ulong rdev)
    {
        byte[] pathZ = FileNames.NulTerminated(path);
        fixed (byte* p = pathZ)
        {
            if (LibC.mknod(p, type | (mode_t)permissions, rdev) < 0)
            {
                return Errno.Last;
            }

            return LibC.chmod(p, (mode_t)permissions) < 0 ? Errno.Last : 0;
        }
    }
}
