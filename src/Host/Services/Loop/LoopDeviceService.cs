using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Services.Loop;

/// <summary>
/// Loop devices for one plugin run. A plugin in its container cannot set up loop devices, so it asks the
/// host (RPC <c>loop.attach</c>): the host binds the backing file to a free /dev/loopN with an offset, a
/// size limit and autoclear, and makes the node <c>loopN</c> in the host directory that the container
/// sees as /dev. The service owns every device it attached: <see cref="Detach"/> frees one early, and
/// <see cref="Dispose"/>, when the run ends (also when it fails), frees the rest. Thread-safe: attaches in
/// parallel get distinct devices, because the kernel refuses a second LOOP_SET_FD (EBUSY) and the loser
/// takes another device (<see cref="LoopDeviceBinder"/>).
/// </summary>
internal sealed class LoopDeviceService : IDisposable
{
    private readonly string _hostDevDirectory;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LoopDevice> _devices = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>A service that uses the host's /dev (/dev/loop-control, /dev/loopN).</summary>
    public LoopDeviceService()
        : this("/dev")
    {
    }

    /// <summary>A service that finds loop-control and loopN nodes in <paramref name="hostDevDirectory"/>.</summary>
    public LoopDeviceService(string hostDevDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostDevDirectory);
        if (!Path.IsPathFullyQualified(hostDevDirectory))
        {
            throw new ArgumentException($"the host dev directory must be an absolute path: {hostDevDirectory}", nameof(hostDevDirectory));
        }

        _hostDevDirectory = hostDevDirectory;
    }

    /// <summary>The devices attached by this service and not yet detached.</summary>
    public IReadOnlyList<LoopDevice> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _devices.Values];
            }
        }
    }

    /// <summary>
    /// Binds <paramref name="hostFilePath"/> to a free loop device with LO_FLAGS_AUTOCLEAR.
    /// </summary>
    /// <param name="hostFilePath">Absolute host path of the backing file (or block device).</param>
    /// <param name="offset">Byte offset of the device's first byte in the file; 0 for the start.</param>
    /// <param name="sizeLimit">Size of the device in bytes; 0 for up to the end of the file.</param>
    /// <param name="readOnly">Open the file read-only, which makes the device read-only.</param>
    /// <param name="containerDevDirectory">
    /// The host directory that the container sees as /dev: the node <c>loopN</c> (block 7:N, mode 0600)
    /// is made there and removed on detach. Null to make no node.
    /// </param>
    /// <exception cref="LoopDeviceException">The file cannot be opened, no device can be bound, or the node cannot be made.</exception>
    /// <exception cref="ObjectDisposedException">The service has been disposed.</exception>
    public LoopDevice Attach(string hostFilePath, long offset, long sizeLimit, bool readOnly, string? containerDevDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostFilePath);
        if (!Path.IsPathFullyQualified(hostFilePath))
        {
            throw new ArgumentException($"the backing file must be an absolute host path: {hostFilePath}", nameof(hostFilePath));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeLimit);
        if (containerDevDirectory is not null && !Path.IsPathFullyQualified(containerDevDirectory))
        {
            throw new ArgumentException($"the container dev directory must be an absolute host path: {containerDevDirectory}", nameof(containerDevDirectory));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        LoopDevice device;
        using (SafeFileHandle backing = OpenBackingFile(hostFilePath, readOnly))
        {
            // The device holds its own reference to the file from LOOP_SET_FD on, so ours can go.
            device = LoopDeviceBinder.Bind(_hostDevDirectory, backing, hostFilePath, offset, sizeLimit, readOnly);
        }

        try
        {
            if (containerDevDirectory is not null)
            {
                device.CreateNode(containerDevDirectory);
            }

            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _devices.Add(device.DevName, device);
                device.OnDisposed(Forget);
            }

            return device;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Detaches a device this service attached, by name (<c>loop7</c>), and removes its node.</summary>
    /// <exception cref="LoopDeviceException">This service has no device of that name.</exception>
    public void Detach(string devName)
    {
        ArgumentException.ThrowIfNullOrEmpty(devName);
        LoopDevice? device;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _devices.Remove(devName, out device);
        }

        if (device is null)
        {
            throw new LoopDeviceException(
                $"cannot detach {devName}: this plugin run did not attach it or has already detached it — pass the devname that loop.attach returned",
                devName,
                0);
        }

        device.Dispose();
    }

    /// <summary>Detaches every device still attached by this service. Never throws.</summary>
    public void Dispose()
    {
        LoopDevice[] devices;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            devices = [.. _devices.Values];
            _devices.Clear();
        }

        foreach (LoopDevice device in devices)
        {
            device.Dispose();
        }
    }

    private static SafeFileHandle OpenBackingFile(string path, bool readOnly)
    {
        int error = Files.TryOpen(path, writable: !readOnly, out SafeFileHandle handle);
        if (error == 0)
        {
            return handle;
        }

        handle.Dispose();
        string? hint =
            error == Errno.ENOENT ? "check that the file exists on the host (container paths are translated to host paths before attach)"
            : error == Errno.EROFS ? "the file system is read-only: attach read-only"
            : error == Errno.EACCES || error == Errno.EPERM ? "check the file's permissions; osbuild must run as root"
            : null;
        throw LoopDeviceException.FromErrno($"cannot open the backing file for a loop device{(readOnly ? " (read-only)" : string.Empty)}", path, error, hint);
    }

    /// <summary>A device disposed directly by its user is no longer the service's to detach.</summary>
    private void Forget(LoopDevice device)
    {
        lock (_lock)
        {
            if (_devices.TryGetValue(device.DevName, out LoopDevice? known) && ReferenceEquals(known, device))
            {
                _devices.Remove(device.DevName);
            }
        }
    }
}
