using System.Runtime.Versioning;
using System.Security.Cryptography;
using Engine.Host.Services.Loop;
using static Engine.Integration.Tests.Loop.LoopTestEnvironment;

namespace Engine.Integration.Tests.Loop;

/// <summary>
/// The loop device service against the real kernel. Every test owns its service with <c>using</c>, declared
/// after its scratch directory, so devices are detached (and then files removed) even when an assertion
/// fails; devices are found by their unique backing file, never by number, because other tests may bind
/// loop devices at the same time.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LoopDeviceServiceTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Attach_SparseFileWithOffsetAndSizeLimit_KernelShowsSettings()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-attach-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 16 * MiB);
        using var service = new LoopDeviceService();

        LoopDevice device = service.Attach(image, offset: 1 * MiB, sizeLimit: 4 * MiB, readOnly: false, containerDevDirectory: null);

        Assert.Equal("loop" + Invariant(device.Number), device.DevName);
        Assert.Equal("/dev/" + device.DevName, device.HostPath);
        Assert.Equal(Invariant(1 * MiB), LoopAttribute(device.Number, "offset"));
        Assert.Equal(Invariant(4 * MiB), LoopAttribute(device.Number, "sizelimit"));
        Assert.Equal("1", LoopAttribute(device.Number, "autoclear"));
        Assert.Equal(image, LoopAttribute(device.Number, "backing_file"));
        Assert.Equal(Invariant(4 * MiB / 512), BlockAttribute(device.Number, "size"));
        Assert.Equal("0", BlockAttribute(device.Number, "ro"));
        Assert.Same(device, Assert.Single(service.Devices));
    }

    [Fact]
    public void Attach_NoOffsetNoSizeLimit_CoversWholeFile()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-whole-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 3 * MiB);
        using var service = new LoopDeviceService();

        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: null);

        Assert.Equal("0", LoopAttribute(device.Number, "offset"));
        Assert.Equal("0", LoopAttribute(device.Number, "sizelimit"));
        Assert.Equal(Invariant(3 * MiB / 512), BlockAttribute(device.Number, "size"));
    }

    [Fact]
    public void Attach_WriteThroughDevice_DataLandsInFileAtOffset()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-write-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 8 * MiB);
        using var service = new LoopDeviceService();
        LoopDevice device = service.Attach(image, offset: 2 * MiB, sizeLimit: 1 * MiB, readOnly: false, containerDevDirectory: null);
        byte[] pattern = RandomNumberGenerator.GetBytes(4096);

        // When a block is written through the device at 8 KiB and flushed
        using (var deviceHandle = File.OpenHandle(device.HostPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            RandomAccess.Write(deviceHandle, pattern, fileOffset: 8192);
            RandomAccess.FlushToDisk(deviceHandle);
        }

        // Then the file holds it at offset + 8 KiB, and nothing at the same place without the offset
        byte[] atOffset = new byte[pattern.Length];
        byte[] atStart = new byte[pattern.Length];
        using (var fileHandle = File.OpenHandle(image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            Assert.Equal(pattern.Length, RandomAccess.Read(fileHandle, atOffset, (2 * MiB) + 8192));
            Assert.Equal(pattern.Length, RandomAccess.Read(fileHandle, atStart, 8192));
        }

        Assert.Equal(pattern, atOffset);
        Assert.All(atStart, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Attach_ReadOnly_DeviceIsReadOnly()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-ro-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService();

        LoopDevice device = service.Attach(image, 0, 0, readOnly: true, containerDevDirectory: null);

        Assert.True(device.ReadOnly);
        Assert.Equal("1", BlockAttribute(device.Number, "ro"));
        Assert.Equal(image, LoopAttribute(device.Number, "backing_file"));
    }

    [Fact]
    public void Detach_AttachedDevice_LeavesNoDevice()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-detach-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService();
        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: null);
        Assert.Equal(device.DevName, Assert.Single(DevicesBackedBy(image)));
        Assert.Contains(device.HostPath, LosetupAssociated(image), StringComparison.Ordinal);

        service.Detach(device.DevName);

        Assert.True(device.IsDisposed);
        Assert.Empty(DevicesBackedBy(image));
        Assert.Equal(string.Empty, LosetupAssociated(image));
        Assert.Empty(service.Devices);
    }

    [Fact]
    public void Dispose_ServiceWithDevices_DetachesAllAndRemovesNodes()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-dispose-");
        string devDirectory = Directory.CreateDirectory(scratch.Combine("dev")).FullName;
        string[] images = [.. Enumerable.Range(0, 3).Select(i => CreateSparseFile(scratch.Path, $"disk{i}.img", 2 * MiB))];
        var nodes = new List<string>();
        using (var service = new LoopDeviceService())
        {
            foreach (string image in images)
            {
                LoopDevice device = service.Attach(image, 512, 1 * MiB, readOnly: false, containerDevDirectory: devDirectory);
                nodes.Add(device.NodePath!);
            }

            Assert.All(images, image => Assert.Single(DevicesBackedBy(image)));
            Assert.All(nodes, node => Assert.True(File.Exists(node), node));
        }

        Assert.All(images, image => Assert.Empty(DevicesBackedBy(image)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(devDirectory));
    }

    [Fact]
    public void Attach_EightInParallel_GetDistinctDevices()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-parallel-");
        const int Count = 8;
        string[] images = [.. Enumerable.Range(0, Count).Select(i => CreateSparseFile(scratch.Path, $"disk{i}.img", 1 * MiB))];
        using var service = new LoopDeviceService();
        var devices = new LoopDevice?[Count];
        var errors = new Exception?[Count];

        // When eight threads, released together, each attach a file
        using (var start = new Barrier(Count))
        {
            Thread[] threads = [.. Enumerable.Range(0, Count).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    devices[i] = service.Attach(images[i], 0, 0, readOnly: false, containerDevDirectory: null);
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
            }))];
            foreach (Thread thread in threads)
            {
                thread.Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }
        }

        // Then all succeed on distinct devices, each bound to its own file
        Assert.All(errors, e => Assert.Null(e));
        Assert.Equal(Count, devices.Select(d => d!.Number).Distinct().Count());
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(images[i], LoopAttribute(devices[i]!.Number, "backing_file"));
        }

        Assert.Equal(Count, service.Devices.Count);
    }

    [Fact]
    public void Attach_WithContainerDevDirectory_CreatesNodeThatDetachRemoves()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-node-");
        string devDirectory = Directory.CreateDirectory(scratch.Combine("dev")).FullName;
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService();

        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: devDirectory);

        string node = Path.Combine(devDirectory, device.DevName);
        Assert.Equal(node, device.NodePath);
        Assert.Equal($"block special file 7:{device.Number:x} 600", StatNode(node));
        (int exit, string size, string stderr) = Run("blockdev", "--getsize64", node);
        Assert.True(exit == 0, "blockdev --getsize64 through the node failed: " + stderr);
        Assert.Equal(Invariant(2 * MiB), size.Trim());

        service.Detach(device.DevName);

        Assert.False(File.Exists(node));
        Assert.Empty(DevicesBackedBy(image));
    }

    [Fact]
    public void Detach_NodeAlreadyUnlinkedByPlugin_StillDetaches()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-unlinked-");
        string devDirectory = Directory.CreateDirectory(scratch.Combine("dev")).FullName;
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService();
        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: devDirectory);

        // The reference's client unlinks the node itself when done with it.
        File.Delete(device.NodePath!);
        service.Detach(device.DevName);

        Assert.Empty(DevicesBackedBy(image));
    }

    [Fact]
    public void Attach_LoopNodeMissingOnHost_CreatesItAndBinds()
    {
        SkipUnlessLoopDevicesWork();

        // Given a host dev directory with loop-control but no loopN nodes (a /dev without devtmpfs or udev)
        using var scratch = new ScratchDirectory("loop-hostdev-");
        string hostDev = Directory.CreateDirectory(scratch.Combine("hostdev")).FullName;
        string[] control = File.ReadAllText("/sys/class/misc/loop-control/dev").Trim().Split(':');
        (int exit, _, string stderr) = Run("mknod", Path.Combine(hostDev, "loop-control"), "c", control[0], control[1]);
        Assert.True(exit == 0, "mknod loop-control: " + stderr);
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService(hostDev);

        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: null);

        Assert.Equal(Path.Combine(hostDev, device.DevName), device.HostPath);
        Assert.Equal($"block special file 7:{device.Number:x} 600", StatNode(device.HostPath));
        Assert.Equal(image, LoopAttribute(device.Number, "backing_file"));
    }

    [Fact]
    public void DisposeDevice_Directly_ServiceForgetsIt()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-own-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 2 * MiB);
        using var service = new LoopDeviceService();
        LoopDevice device = service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: null);

        device.Dispose();

        Assert.Empty(service.Devices);
        Assert.Empty(DevicesBackedBy(image));
        Assert.Throws<LoopDeviceException>(() => service.Detach(device.DevName));
    }

    [Fact]
    public void Attach_FileMissing_FailsWithPath()
    {
        using var scratch = new ScratchDirectory("loop-missing-");
        string missing = scratch.Combine("no-such.img");
        using var service = new LoopDeviceService();

        LoopDeviceException e = Assert.Throws<LoopDeviceException>(() => service.Attach(missing, 0, 0, readOnly: false, containerDevDirectory: null));

        Assert.Equal(missing, e.Path);
        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("ENOENT", e.Message, StringComparison.Ordinal);
        Assert.Empty(service.Devices);
    }

    [Fact]
    public void Attach_NoLoopControl_FailsSayingToLoadTheModule()
    {
        using var scratch = new ScratchDirectory("loop-nocontrol-");
        string hostDev = Directory.CreateDirectory(scratch.Combine("hostdev")).FullName;
        string image = CreateSparseFile(scratch.Path, "disk.img", 1 * MiB);
        using var service = new LoopDeviceService(hostDev);

        LoopDeviceException e = Assert.Throws<LoopDeviceException>(() => service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: null));

        string control = Path.Combine(hostDev, "loop-control");
        Assert.Equal(control, e.Path);
        Assert.StartsWith($"no free loop device: {control}: ENOENT", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("load the loop module (modprobe loop)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attach_ContainerDevDirectoryMissing_FailsAndLeavesNoDevice()
    {
        SkipUnlessLoopDevicesWork();
        using var scratch = new ScratchDirectory("loop-nodir-");
        string image = CreateSparseFile(scratch.Path, "disk.img", 1 * MiB);
        string missingDev = scratch.Combine("no-dev");
        using var service = new LoopDeviceService();

        LoopDeviceException e = Assert.Throws<LoopDeviceException>(() => service.Attach(image, 0, 0, readOnly: false, containerDevDirectory: missingDev));

        Assert.Contains(missingDev, e.Message, StringComparison.Ordinal);
        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Empty(DevicesBackedBy(image));
        Assert.Empty(service.Devices);
    }

    [Fact]
    public void Detach_UnknownDevice_FailsNamingIt()
    {
        using var service = new LoopDeviceService();

        LoopDeviceException e = Assert.Throws<LoopDeviceException>(() => service.Detach("loop999"));

        Assert.Equal("loop999", e.Path);
        Assert.Contains("loop999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attach_AfterDispose_ThrowsObjectDisposed()
    {
        var service = new LoopDeviceService();
        service.Dispose();

        Assert.Throws<ObjectDisposedException>(() => service.Attach("/nonexistent.img", 0, 0, readOnly: false, containerDevDirectory: null));
    }

    [Fact]
    public void Attach_RelativePathOrNegativeOffset_RejectedBeforeAnythingHappens()
    {
        using var service = new LoopDeviceService();

        Assert.Throws<ArgumentException>(() => service.Attach("disk.img", 0, 0, readOnly: false, containerDevDirectory: null));
        Assert.Throws<ArgumentOutOfRangeException>(() => service.Attach("/disk.img", -1, 0, readOnly: false, containerDevDirectory: null));
        Assert.Throws<ArgumentOutOfRangeException>(() => service.Attach("/disk.img", 0, -1, readOnly: false, containerDevDirectory: null));
    }
}
