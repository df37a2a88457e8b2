using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Engine.Host.Native;

/// <summary>
/// The loop-device ioctls of linux/loop.h and the few file calls the loop service needs, as thin
/// wrappers over Tmds.LibC. Each returns 0 on success or the errno of the failed call (read right after
/// it), so that the caller can decide which errno means "retry" and which names a user error.
/// Descriptors are <see cref="SafeFileHandle"/>s from the moment they exist and are opened with O_CLOEXEC,
/// so no plugin process inherits a loop device or a backing file by accident.
/// </summary>
internal static unsafe class LoopInterop
{
    public const int LOOP_SET_FD = 0x4C00;
    public const int LOOP_CLR_FD = 0x4C01;
    public const int LOOP_SET_STATUS64 = 0x4C04;
    public const int LOOP_GET_STATUS64 = 0x4C05;
    public const int LOOP_CTL_GET_FREE = 0x4C82;

    public const uint LO_FLAGS_READ_ONLY = 1;
    public const uint LO_FLAGS_AUTOCLEAR = 4;

    public const int LO_NAME_SIZE = 64;
    public const int LO_KEY_SIZE = 32;

    /// <summary>The block major of loop devices (Documentation/admin-guide/devices.txt).</summary>
    public const uint LOOP_MAJOR = 7;

    /// <summary>Opens <paramref name="path"/> with O_CLOEXEC, read-write or read-only.</summary>
    public static int Open(string path, bool writable, out SafeFileHandle handle)
    {
        int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
        byte[] name = NullTerminated(path);
        int fd;
        int error;
        fixed (byte* p = name)
        {
            do
            {
                fd = open(p, flags, default);
                error = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (error == EINTR);
        }

        handle = fd < 0 ? new SafeFileHandle() : new SafeFileHandle(fd, ownsHandle: true);
        return error;
    }

    /// <summary><c>LOOP_CTL_GET_FREE</c>: the number of an unbound loop device (the kernel adds one if none is free).</summary>
    public static int GetFree(SafeFileHandle control, out int number)
    {
        int rc = Ioctl(control, LOOP_CTL_GET_FREE, null, out int error);
        number = rc;
        return rc < 0 ? error : 0;
    }

    /// <summary><c>LOOP_SET_FD</c>: binds <paramref name="backing"/> to the device.</summary>
    public static int SetFd(SafeFileHandle device, SafeFileHandle backing)
    {
        bool added = false;
        try
        {
            backing.DangerousAddRef(ref added);
            int backingFd = (int)backing.DangerousGetHandle();
            return Ioctl(device, LOOP_SET_FD, (void*)backingFd, out int error) < 0 ? error : 0;
        }
        finally
        {
            if (added)
            {
                backing.DangerousRelease();
            }
        }
    }

    /// <summary><c>LOOP_CLR_FD</c>: unbinds the device (deferred by the kernel to the last close while others hold it open).</summary>
    public static int ClearFd(SafeFileHandle device) =>
        Ioctl(device, LOOP_CLR_FD, null, out int error) < 0 ? error : 0;

    /// <summary><c>LOOP_GET_STATUS64</c>.</summary>
    public static int GetStatus64(SafeFileHandle device, out loop_info64 info)
    {
        loop_info64 result = default;
        int rc = Ioctl(device, LOOP_GET_STATUS64, &result, out int error);
        info = result;
        return rc < 0 ? error : 0;
    }

    /// <summary><c>LOOP_SET_STATUS64</c>.</summary>
    public static int SetStatus64(SafeFileHandle device, in loop_info64 info)
    {
        loop_info64 copy = info;
        return Ioctl(device, LOOP_SET_STATUS64, &copy, out int error) < 0 ? error : 0;
    }

    /// <summary>
    /// Stores <paramref name="path"/> in <c>lo_file_name</c> as losetup does (UTF-8, cut to 63 bytes,
    /// NUL-terminated). The kernel keeps it for tools that cannot read sysfs.
    /// </summary>
    public static void SetFileName(ref loop_info64 info, string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path);
        int length = Math.Min(bytes.Length, LO_NAME_SIZE - 1);
        fixed (byte* name = info.lo_file_name)
        {
            var target = new Span<byte>(name, LO_NAME_SIZE);
            target.Clear();
            bytes.AsSpan(0, length).CopyTo(target);
        }
    }

    /// <summary><c>fstat</c>: whether the descriptor is a block device, and its device number.</summary>
    public static int GetDeviceNumber(SafeFileHandle handle, out bool isBlockDevice, out ulong rdev)
    {
        stat st = default;
        int rc;
        int error;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            rc = fstat((int)handle.DangerousGetHandle(), &st);
            error = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        isBlockDevice = rc == 0 && (st.st_mode & S_IFMT) == S_IFBLK;
        rdev = rc == 0 ? st.st_rdev : 0;
        return error;
    }

    /// <summary><c>lstat</c>: whether <paramref name="path"/> is a block device node, and its device number.</summary>
    public static int GetNodeDeviceNumber(string path, out bool isBlockDevice, out ulong rdev)
    {
        stat st = default;
        byte[] name = NullTerminated(path);
        int rc;
        int error;
        fixed (byte* p = name)
        {
            rc = lstat(p, &st);
            error = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        isBlockDevice = rc == 0 && (st.st_mode & S_IFMT) == S_IFBLK;
        rdev = rc == 0 ? st.st_rdev : 0;
        return error;
    }

    /// <summary>
    /// <c>mknod(path, S_IFBLK | permissions, rdev)</c>, then <c>chmod</c> so that the node gets exactly
    /// <paramref name="permissions"/> whatever the process umask.
    /// </summary>
    public static int MakeBlockNode(string path, ushort permissions, ulong rdev)
    {
        byte[] name = NullTerminated(path);
        fixed (byte* p = name)
        {
            if (mknod(p, S_IFBLK | (mode_t)permissions, rdev) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            return chmod(p, (mode_t)permissions) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary><c>unlink</c>.</summary>
    public static int Unlink(string path)
    {
        byte[] name = NullTerminated(path);
        fixed (byte* p = name)
        {
            return unlink(p) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    /// <summary>glibc's <c>makedev</c>: the 64-bit <c>dev_t</c> encoding.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0xfffu) << 8)
        | ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0xffu);

    /// <summary>glibc's <c>major</c>.</summary>
    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu));

    /// <summary>glibc's <c>minor</c>.</summary>
    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00u) | (dev & 0xffu));

    private static int Ioctl(SafeFileHandle handle, int request, void* argument, out int error)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int rc = ioctl((int)handle.DangerousGetHandle(), request, argument);
            error = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
            return rc;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static byte[] NullTerminated(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"path contains a NUL character: {path}", nameof(path));
        }

        return Encoding.UTF8.GetBytes(path + "\0");
    }
}
