using System.Globalization;
using Engine.Native;
using Microsoft.Win32.SafeHandles;
using static Engine.Native.Errno;

namespace Engine.Host.Services.Loop;

/// <summary>
/// Finds a free loop device and binds a backing file to it, following the reference's remoteloop
/// algorithm: LOOP_CTL_GET_FREE; open /dev/loopN and check it is block device 7:N;
/// LOOP_SET_FD, starting over on EBUSY (another process bound that device first); LOOP_GET_STATUS64,
/// set offset, size limit and LO_FLAGS_AUTOCLEAR, LOOP_SET_STATUS64, starting over on EAGAIN after
/// LOOP_CLR_FD (osbuild retries on EAGAIN).
/// The kernel arbitrates between racing binders, in this process or any other, through EBUSY.
/// </summary>
internal static class LoopDeviceBinder
{
    /// <summary>How many devices may be lost to racing binders before giving up.</summary>
    private const int MaxAttempts = 100;

    /// <summary>rw------- (0600), what devtmpfs gives block nodes when no udev widens it.</summary>
    private const ushort HostNodePermissions = 0x180;

    private const string RootHint = "loop devices need root (CAP_SYS_ADMIN): run osbuild as root";

    public static LoopDevice Bind(string hostDevDirectory, SafeFileHandle backing, string backingPath, long offset, long sizeLimit, bool readOnly)
    {
        string controlPath = Path.Combine(hostDevDirectory, "loop-control");
        int error = Files.TryOpen(controlPath, writable: true, out SafeFileHandle control);
        if (error != 0)
        {
            control.Dispose();
            throw LoopDeviceException.FromErrno("no free loop device", controlPath, error, ControlHint(error));
        }

        using (control)
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                LoopDevice? device = TryBind(control, controlPath, hostDevDirectory, backing, backingPath, offset, sizeLimit, readOnly);
                if (device is not null)
                {
                    return device;
                }
            }
        }

        throw new LoopDeviceException(
            $"no free loop device for {backingPath}: gave up after {MaxAttempts.ToString(CultureInfo.InvariantCulture)} free devices "
            + "that another process bound first (EBUSY) or that the kernel could not set up (EAGAIN) — retry, and look for "
            + "a program that keeps opening or grabbing loop devices",
            controlPath,
            0);
    }

    /// <summary>One round of the algorithm; null when a race was lost and the caller should start over.</summary>
    private static LoopDevice? TryBind(
        SafeFileHandle control, string controlPath, string hostDevDirectory, SafeFileHandle backing, string backingPath, long offset, long sizeLimit, bool readOnly)
    {
        int error = LoopIoctl.TryGetFree(control, out int number);
        if (error != 0)
        {
            throw LoopDeviceException.FromErrno(
                "no free loop device", controlPath, error, "detach unused loop devices (losetup -a lists them) or raise the loop module's max_loop");
        }

        string devicePath = Path.Combine(hostDevDirectory, "loop" + number.ToString(CultureInfo.InvariantCulture));
        error = OpenDevice(devicePath, number, out SafeFileHandle device);
        if (error == ENXIO || error == ENODEV)
        {
            // The device is being torn down or was removed (LOOP_CTL_REMOVE) since GET_FREE: another one.
            device.Dispose();
            return null;
        }

        if (error != 0)
        {
            device.Dispose();
            throw LoopDeviceException.FromErrno("cannot open loop device", devicePath, error, IsPermissionError(error) ? RootHint : null);
        }

        bool bound = false;
        bool handedOver = false;
        try
        {
            ulong rdev = CheckIsLoopDevice(device, devicePath, number);

            error = LoopIoctl.TrySetFd(device, backing);
            if (error == EBUSY)
            {
                return null;
            }

            if (error != 0)
            {
                throw LoopDeviceException.FromErrno(
                    $"cannot bind {backingPath} to loop device", devicePath, error, "the backing file must be a regular file or a block device");
            }

            bound = true;
            error = LoopIoctl.TryGetStatus64(device, out loop_info64 info);
            if (error != 0)
            {
                throw LoopDeviceException.FromErrno("cannot read the status of loop device", devicePath, error);
            }

            if (offset != 0)
            {
                info.lo_offset = (ulong)offset;
            }

            if (sizeLimit != 0)
            {
                info.lo_sizelimit = (ulong)sizeLimit;
            }

            info.lo_flags |= LoopIoctl.LO_FLAGS_AUTOCLEAR;
            LoopIoctl.SetFileName(ref info, backingPath);

            error = LoopIoctl.TrySetStatus64(device, info);
            if (error == EAGAIN)
            {
                // The kernel could not settle the device's page cache (someone had it open): unbind in
                // finally and take another device, as the reference does.
                return null;
            }

            if (error != 0)
            {
                throw LoopDeviceException.FromErrno(
                    $"cannot set offset {offset.ToString(CultureInfo.InvariantCulture)}, sizelimit {sizeLimit.ToString(CultureInfo.InvariantCulture)} and autoclear for {backingPath} on loop device",
                    devicePath,
                    error,
                    "check the offset and size limit against the file's size");
            }

            var result = new LoopDevice(number, devicePath, device, rdev, backingPath, offset, sizeLimit, readOnly);
            handedOver = true;
            return result;
        }
        finally
        {
            if (!handedOver)
            {
                if (bound)
                {
                    _ = LoopIoctl.TryClearFd(device);
                }

                device.Dispose();
            }
        }
    }

    /// <summary>
    /// Opens /dev/loopN read-write. Without udev nothing but devtmpfs makes nodes, and a /dev that is not
    /// devtmpfs may lack the node of a device the kernel has just added: then make it and open again.
    /// </summary>
    private static int OpenDevice(string devicePath, int number, out SafeFileHandle device)
    {
        int error = Files.TryOpen(devicePath, writable: true, out device);
        if (error != ENOENT)
        {
            return error;
        }

        device.Dispose();
        int mknodError = DeviceNodes.TryMakeBlockNode(devicePath, HostNodePermissions, DeviceNodes.MakeDev(LoopIoctl.LOOP_MAJOR, (uint)number));
        if (mknodError != 0 && mknodError != EEXIST)
        {
            throw LoopDeviceException.FromErrno(
                "loop device node is missing and cannot be created", devicePath, mknodError, IsPermissionError(mknodError) ? RootHint : null);
        }

        return Files.TryOpen(devicePath, writable: true, out device);
    }

    /// <summary>The reference's guard against a stale or foreign node at /dev/loopN: it must be block device 7:N.</summary>
    private static ulong CheckIsLoopDevice(SafeFileHandle device, string devicePath, int number)
    {
        int error = DeviceNodes.TryGetDeviceNumber(device, out bool isBlock, out ulong rdev);
        if (error != 0)
        {
            throw LoopDeviceException.FromErrno("cannot stat loop device", devicePath, error);
        }

        uint major = DeviceNodes.Major(rdev);
        uint minor = DeviceNodes.Minor(rdev);
        if (!isBlock || major != LoopIoctl.LOOP_MAJOR || minor != (uint)number)
        {
            string found = isBlock ? $"block device {major}:{minor}" : "not a block device";
            throw new LoopDeviceException(
                $"{devicePath} is not loop device {number} (expected block device 7:{number}, found {found}) — "
                + $"replace the node (rm {devicePath}; mknod {devicePath} b 7 {number}); loop partitions (max_part) are not supported",
                devicePath,
                0);
        }

        return rdev;
    }

    private static string? ControlHint(int error) =>
        error == ENOENT ? "load the loop module (modprobe loop)"
        : IsPermissionError(error) ? RootHint
        : null;

    private static bool IsPermissionError(int error) => error == EACCES || error == EPERM;
}
