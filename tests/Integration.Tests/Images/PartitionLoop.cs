using System.Globalization;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// One partition of a disk image as a read-only loop device of its own (<c>losetup --offset
/// --sizelimit</c>): this machine has no udev, so <c>losetup -P</c> makes no partition nodes, and
/// tools without an offset option (fsck.vfat, xfs_db) need a device that is exactly the partition.
/// Detached on dispose.
/// </summary>
internal sealed class PartitionLoop : IDisposable
{
    private PartitionLoop(string device) => Device = device;

    public string Device { get; }

    public static PartitionLoop Attach(string image, long offset, long size)
    {
        string device = DiskInspector.Run("losetup", "--find", "--show", "--read-only",
            "--offset", offset.ToString(CultureInfo.InvariantCulture),
            "--sizelimit", size.ToString(CultureInfo.InvariantCulture), image).Trim();
        Assert.StartsWith("/dev/loop", device, StringComparison.Ordinal);
        return new PartitionLoop(device);
    }

    public void Dispose() => DiskInspector.Run("losetup", "--detach", Device);
}
