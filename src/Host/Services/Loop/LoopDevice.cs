using System.Globalization;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Services.Loop;

/// <summary>
/// One loop device bound to a backing file, with LO_FLAGS_AUTOCLEAR set, as long as this object holds its
/// descriptor open. Dispose detaches it (LOOP_CLR_FD, then close) and removes the node that was created
/// for it in a container's /dev. Autoclear makes the kernel detach the device when the last descriptor
/// closes, so a crashed host leaks no device either; while a mount or another process still holds the
/// device, the kernel waits for them before it detaches.
/// </summary>
internal sealed class LoopDevice : IDisposable
{
    /// <summary>rw------- (0600): only root in the container opens the device, as in the reference.</summary>
    private const ushort NodePermissions = 0x180;

    private readonly SafeFileHandle _handle;
    private readonly ulong _rdev;
    private Action<LoopDevice>? _disposed;
    private int _isDisposed;

    internal LoopDevice(int number, string hostPath, SafeFileHandle handle, ulong rdev, string backingFile, long offset, long sizeLimit, bool readOnly)
    {
        Number = number;
        DevName = "loop" + number.ToString(CultureInfo.InvariantCulture);
        HostPath = hostPath;
        _handle = handle;
        _rdev = rdev;
        BackingFile = backingFile;
        Offset = offset;
        SizeLimit = sizeLimit;
        ReadOnly = readOnly;
    }

    /// <summary>The device number N of /dev/loopN.</summary>
    public int Number { get; }

    /// <summary>The device name, e.g. <c>loop7</c>.</summary>
    public string DevName { get; }

    /// <summary>The device node on the host, e.g. <c>/dev/loop7</c>.</summary>
    public string HostPath { get; }

    /// <summary>The backing file as given to attach (a host path).</summary>
    public string BackingFile { get; }

    /// <summary>Byte offset of the device's first byte in the backing file.</summary>
    public long Offset { get; }

    /// <summary>Size limit in bytes; 0 means up to the end of the file.</summary>
    public long SizeLimit { get; }

    /// <summary>Whether the device is read-only (the backing file was opened read-only).</summary>
    public bool ReadOnly { get; }

    /// <summary>The node made for the device in a container's dev directory (a host path), if any.</summary>
    public string? NodePath { get; private set; }

    /// <summary>Whether the device has been detached by this object.</summary>
    public bool IsDisposed => Volatile.Read(ref _isDisposed) != 0;

    /// <summary>Called once, after the device is detached (the service uses it to forget the device).</summary>
    internal void OnDisposed(Action<LoopDevice> callback) => _disposed = callback;

    /// <summary>
    /// Makes the block node <c>loopN</c> (major 7, minor N, mode 0600) in <paramref name="directory"/>, a host
    /// directory that a container sees as its /dev. A node already there for the same device is adopted
    /// (a plugin may have left it behind); anything else there is an error, since it is not ours to remove.
    /// </summary>
    internal void CreateNode(string directory)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        string path = Path.Combine(directory, DevName);
        int error = DeviceNodes.TryMakeBlockNode(path, NodePermissions, _rdev);
        if (error == Errno.EEXIST)
        {
            int statError = DeviceNodes.TryGetNodeDeviceNumber(path, out bool isBlock, out ulong rdev);
            if (statError == 0 && isBlock && rdev == _rdev)
            {
                NodePath = path;
                return;
            }

            throw new LoopDeviceException(
                $"cannot create the device node for {HostPath}: {path} already exists and is not block device "
                + $"{DeviceNodes.Major(_rdev)}:{DeviceNodes.Minor(_rdev)} — remove it from the container's dev directory",
                path,
                error);
        }

        if (error != 0)
        {
            string hint = error == Errno.ENOENT
                ? $"the container's dev directory {directory} must exist on the host"
                : "device nodes need root (CAP_MKNOD) and a file system mounted without nodev";
            throw LoopDeviceException.FromErrno($"cannot create the device node for {HostPath}", path, error, hint);
        }

        NodePath = path;
    }

    /// <summary>Removes the node, detaches the device and closes it. Never throws; safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _isDisposed, 1) != 0)
        {
            return;
        }

        // ENOENT: the plugin unlinked the node itself, as the reference's client does when done with it.
        if (NodePath is not null)
        {
            _ = Entries.TryUnlink(NodePath);
        }

        // Errors are left to autoclear: ENXIO means already unbound, and while others hold the device
        // open the kernel only marks it for autoclear (and returns 0) anyway; the close below lets it go.
        _ = LoopIoctl.TryClearFd(_handle);
        _handle.Dispose();
        _disposed?.Invoke(this);
    }

    public override string ToString() =>
        $"{HostPath} ({BackingFile}, offset {Offset.ToString(CultureInfo.InvariantCulture)}, "
        + $"sizelimit {SizeLimit.ToString(CultureInfo.InvariantCulture)}{(ReadOnly ? ", read-only" : string.Empty)})";
}
