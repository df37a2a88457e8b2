using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// The loop-device ioctls of linux/loop.h. Each returns 0 on success or the errno of the failed call,
/// so that the loop service can decide which errno means "retry" and which names a user error.
/// Constants and <see cref="loop_info64"/> are pinned against the C headers by
/// <c>LoopInteropTests</c>, which compiles them with gcc.
/// </summary>
public static unsafe class LoopIoctl
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

    /// <summary><c>LOOP_CTL_GET_FREE</c> on /dev/loop-control: the number of an unbound loop device (the kernel adds one if none is free).</summary>
    public static int TryGetFree(SafeFileHandle control, out int number)
    {
        int rc = Ioctl(control, LOOP_CTL_GET_FREE, null, out int error);
        number = rc;
        return rc < 0 ? error : 0;
    }

    /// <summary><c>LOOP_SET_FD</c>: binds <paramref name="backing"/> to the device.</summary>
    public static int TrySetFd(SafeFileHandle device, SafeFileHandle backing)
    {
        using var backingFd = new DescriptorLease(backing);
        return Ioctl(device, LOOP_SET_FD, (void*)backingFd.Fd, out int error) < 0 ? error : 0;
    }

    /// <summary><c>LOOP_CLR_FD</c>: unbinds the device (deferred by the kernel to the last close while others hold it open).</summary>
    public static int TryClearFd(SafeFileHandle device) =>
        Ioctl(device, LOOP_CLR_FD, null, out int error) < 0 ? error : 0;

    /// <summary><c>LOOP_GET_STATUS64</c>.</summary>
    public static int TryGetStatus64(SafeFileHandle device, out loop_info64 info)
    {
        loop_info64 result = default;
        int rc = Ioctl(device, LOOP_GET_STATUS64, &result, out int error);
        info = result;
        return rc < 0 ? error : 0;
    }

    /// <summary><c>LOOP_SET_STATUS64</c>.</summary>
    public static int TrySetStatus64(SafeFileHandle device, in loop_info64 info)
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

    private static int Ioctl(SafeFileHandle handle, int request, void* argument, out int error)
    {
        using var fd = new DescriptorLease(handle);
        int rc = LibC.ioctl(fd.Fd, request, argument);
        error = rc < 0 ? Errno.Last : 0;
        return rc;
    }
}
