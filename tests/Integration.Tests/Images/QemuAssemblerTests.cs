using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Engine.Integration.Tests.Images.DiskInspector;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// org.osbuild.qemu run as the published binary on a small real tree, its disks read back with
/// sfdisk, blkid, debugfs, mtools and qemu-img. ext4 and FAT need no loop device; xfs and zipl
/// need the host's loop service (fd 3), which a directly started plugin does not have.
/// </summary>
public sealed class QemuAssemblerTests
{
    private const string RootUuid = "76a22bf4-f153-4541-b6c7-0332c0dfaeac";
    private const string BootUuid = "08a41983-3328-4d1a-ae3c-1699e6d2a806";
    private const string BiosBootType = "21686148-6449-6E6F-744E-656564454649";
    private const string EspType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private const string LinuxType = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private const long MiB = 1024 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Legacy(string format = "raw", string filename = "disk.img") => new()
    {
        ["format"] = format,
        ["filename"] = filename,
        ["ptuuid"] = "0x14fc63d2",
        ["root_fs_uuid"] = RootUuid,
        ["size"] = 64 * MiB,
    };

    [Fact]
    public async Task Qemu_LegacyRaw_OneBootableLinuxPartitionWithTreeAndGrub()
    {
        // Given the sample tree
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);

        // When it is assembled in legacy mode
        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, Legacy(), Token)).AssertSuccess();

        // Then the table is one bootable type-83 partition at sfdisk's default start
        string image = Path.Combine(scratch.Output, "disk.img");
        Assert.Equal(64 * MiB, new FileInfo(image).Length);
        JsonElement table = PartitionTable(image);
        Assert.Equal("dos", table.GetProperty("label").GetString());
        Assert.Equal("0x14fc63d2", table.GetProperty("id").GetString());
        JsonElement partition = Assert.Single(table.GetProperty("partitions").EnumerateArray());
        Assert.Equal(2048, partition.GetProperty("start").GetInt64());
        Assert.Equal("83", partition.GetProperty("type").GetString());
        Assert.True(partition.GetProperty("bootable").GetBoolean());

        // and it holds an ext4 file system with the UUID and the tree's content, modes and owners
        long offset = 2048 * 512;
        var probe = Probe(image, offset);
        Assert.Equal("ext4", probe["TYPE"]);
        Assert.Equal(RootUuid, probe["UUID"]);
        Assert.Equal(SampleTree.Motd, Debugfs(image, offset, "cat /etc/motd"));
        Assert.Equal("0600", Stat(image, offset, "/etc/motd").Mode);
        Assert.Equal("04755", Stat(image, offset, "/usr/bin/tool").Mode);
        Assert.Equal(Stat(image, offset, "/usr/bin/tool").Number, Stat(image, offset, "/usr/bin/tool-again").Number);
        Ext4Inode home = Stat(image, offset, "/home/tester");
        Assert.Equal(("0750", 1000, 1001), (home.Mode, home.Uid, home.Gid));
        Ext4Inode link = Stat(image, offset, "/home/tester/motd");
        Assert.Equal(("symlink", "../../etc/motd", 1000), (link.Type, link.LinkTarget, link.Uid));
        Assert.Equal("FIFO", Stat(image, offset, "/etc/fifo").Type);
        Assert.Equal("0711", Stat(image, offset, "/").Mode);
        Assert.Contains("user.osbuild-root (8) = \"root dir\"", Debugfs(image, offset, "ea_list /"), StringComparison.Ordinal);

        // and GRUB's boot code is in the MBR with the core at sector 1 (the MBR gap)
        byte[] mbr = ReadBytes(image, 0, 512);
        byte[] bootImage = File.ReadAllBytes("/usr/lib/grub/i386-pc/boot.img");
        Assert.Equal(bootImage.AsSpan(0, 0x5C).ToArray(), mbr.AsSpan(0, 0x5C).ToArray());
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(mbr.AsSpan(0x5C)));
        Assert.Equal(bootImage.AsSpan(0x64, 440 - 0x64).ToArray(), mbr.AsSpan(0x64, 440 - 0x64).ToArray());
        Assert.Equal([0x55, 0xAA], mbr.AsSpan(510, 2).ToArray());
        byte[] diskboot = File.ReadAllBytes("/usr/lib/grub/i386-pc/diskboot.img");
        Assert.Equal(diskboot.AsSpan(0, 0x100).ToArray(), ReadBytes(image, 512, 0x100));
    }

    [Fact]
    public async Task Qemu_GptHybridLayout_PartitionsNamesEspAndBiosBootCore()
    {
        // Given a tree with an ESP and a layout like osbuild's f30-qcow2-hybrid sample, plus names
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree, withEsp: true);
        var options = new JsonObject
        {
            ["format"] = "raw",
            ["filename"] = "disk.img",
            ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e",
            ["pttype"] = "gpt",
            ["size"] = 96 * MiB,
            ["bootloader"] = new JsonObject { ["type"] = "grub2" },
            ["partitions"] = new JsonArray(
                new JsonObject { ["size"] = 2048, ["type"] = BiosBootType, ["bootable"] = true, ["name"] = "bios" },
                new JsonObject
                {
                    ["size"] = 65536, ["type"] = EspType, ["name"] = "EFI System",
                    ["filesystem"] = new JsonObject { ["type"] = "vfat", ["uuid"] = "46BB-8120", ["label"] = "EFI System Partition", ["mountpoint"] = "/boot/efi" },
                },
                new JsonObject
                {
                    ["type"] = LinuxType, ["name"] = "root",
                    ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["label"] = "root", ["mountpoint"] = "/" },
                }),
        };

        // When it is assembled
        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token)).AssertSuccess();

        // Then sfdisk reads back the GPT with types, names and the legacy-bootable attribute
        string image = Path.Combine(scratch.Output, "disk.img");
        JsonElement table = PartitionTable(image);
        Assert.Equal("gpt", table.GetProperty("label").GetString());
        Assert.Equal("29579F67-D390-43E7-BD96-DC8F5461171E", table.GetProperty("id").GetString());
        JsonElement[] parts = [.. table.GetProperty("partitions").EnumerateArray()];
        Assert.Equal(3, parts.Length);
        Assert.Equal([BiosBootType, EspType, LinuxType], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal(["bios", "EFI System", "root"], parts.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([2048L, 65536L], parts.Take(2).Select(p => p.GetProperty("size").GetInt64()));
        Assert.Contains("LegacyBIOSBootable", parts[0].GetProperty("attrs").GetString(), StringComparison.Ordinal);

        // and the ESP is FAT with the UUID, the label cut to 11 characters and the tree's /boot/efi
        long espOffset = parts[1].GetProperty("start").GetInt64() * 512;
        var esp = Probe(image, espOffset);
        Assert.Equal(("vfat", "46BB-8120", "EFI System"), (esp["TYPE"], esp["UUID"], esp["LABEL"]));
        Assert.Contains("::/EFI/test/grub.cfg", FatList(image, espOffset, "::/EFI/test"), StringComparison.Ordinal);
        Assert.Equal("configfile x\n", FatRead(image, espOffset, "::/EFI/test/grub.cfg"));

        // and the root file system has /boot/efi only as an empty mountpoint
        long rootOffset = parts[2].GetProperty("start").GetInt64() * 512;
        var root = Probe(image, rootOffset);
        Assert.Equal(("ext4", RootUuid, "root"), (root["TYPE"], root["UUID"], root["LABEL"]));
        Assert.Empty(List(image, rootOffset, "/boot/efi"));
        Assert.Contains("grub2", List(image, rootOffset, "/boot"));

        // and GRUB's core sits in the BIOS boot partition, which the MBR and the core point to
        long biosStart = parts[0].GetProperty("start").GetInt64();
        byte[] mbr = ReadBytes(image, 0, 512);
        Assert.Equal((ulong)biosStart, BinaryPrimitives.ReadUInt64LittleEndian(mbr.AsSpan(0x5C)));
        Assert.Equal((ulong)biosStart + 1, BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(image, (biosStart * 512) + 500, 8)));
        byte[] diskboot = File.ReadAllBytes("/usr/lib/grub/i386-pc/diskboot.img");
        Assert.Equal(diskboot.AsSpan(0, 0x100).ToArray(), ReadBytes(image, biosStart * 512, 0x100));
    }

    [Fact]
    public async Task Qemu_SeparateBoot_EachFileSystemHoldsItsPartAndCorePrefixIsRelative()
    {
        // Given /boot and / on their own ext4 file systems, /boot second in the table
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        var options = new JsonObject
        {
            ["format"] = "raw",
            ["filename"] = "disk.img",
            ["ptuuid"] = "0x0badcafe",
            ["pttype"] = "mbr",
            ["size"] = 96 * MiB,
            ["partitions"] = new JsonArray(
                new JsonObject { ["start"] = 2048, ["size"] = 65536, ["type"] = "83", ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["mountpoint"] = "/" } },
                new JsonObject { ["bootable"] = true, ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = BootUuid, ["label"] = "boot", ["mountpoint"] = "/boot" } }),
        };

        // When it is assembled (dos label without bootloader object: GRUB by default)
        PluginRun run = (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token)).AssertSuccess();

        // Then / has an empty /boot, and /boot's file system has the kernel and GRUB's directory
        string image = Path.Combine(scratch.Output, "disk.img");
        JsonElement[] parts = [.. PartitionTable(image).GetProperty("partitions").EnumerateArray()];
        Assert.Equal(2048, parts[0].GetProperty("start").GetInt64());
        Assert.Equal(2048 + 65536, parts[1].GetProperty("start").GetInt64());
        Assert.False(parts[0].TryGetProperty("bootable", out _));
        Assert.True(parts[1].GetProperty("bootable").GetBoolean());
        long rootOffset = 2048 * 512;
        long bootOffset = parts[1].GetProperty("start").GetInt64() * 512;
        Assert.Empty(List(image, rootOffset, "/boot"));
        Assert.Contains("motd", List(image, rootOffset, "/etc"));
        Assert.Equal(["grub2", "lost+found", "vmlinuz-6.1.0-1-amd64"], List(image, bootOffset, "/").Order(StringComparer.Ordinal));
        Assert.Equal(BootUuid, Probe(image, bootOffset)["UUID"]);

        // and the core looks for its files on partition 2 in /grub2
        Assert.Contains("grub2 prefix msdos2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("(grub2 on the boot file system)", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qcow2", "qcow2")]
    [InlineData("vdi", "vdi")]
    [InlineData("vmdk", "vmdk")]
    [InlineData("raw", "raw")]
    public async Task Qemu_Format_QemuImgReadsFormatAndVirtualSize(string format, string expected)
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, Legacy(format, "disk." + format), Token)).AssertSuccess();

        JsonElement info = QemuImgInfo(Path.Combine(scratch.Output, "disk." + format));
        Assert.Equal(expected, info.GetProperty("format").GetString());
        Assert.Equal(64 * MiB, info.GetProperty("virtual-size").GetInt64());
    }

    /// <summary>
    /// qcow2_compression (our extension): zstd and zlib both give a compressed qcow2 that reads back
    /// as the same disk; qemu-img names the compression type in the header.
    /// </summary>
    [Theory]
    [InlineData(null, "zlib")]
    [InlineData("zlib", "zlib")]
    [InlineData("zstd", "zstd")]
    public async Task Qemu_Qcow2Compression_HeaderNamesItAndTheDiskReadsBack(string? compression, string expected)
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        JsonObject options = Legacy("qcow2", "disk.qcow2");
        if (compression is not null)
        {
            options["qcow2_compression"] = compression;
        }

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token)).AssertSuccess();

        string image = Path.Combine(scratch.Output, "disk.qcow2");
        JsonElement info = QemuImgInfo(image);
        Assert.Equal(expected, info.GetProperty("format-specific").GetProperty("data").GetProperty("compression-type").GetString());
        string raw = Path.Combine(scratch.Output, "disk.raw");
        Run("qemu-img", "convert", "-O", "raw", image, raw);
        Assert.Equal(RootUuid, Probe(raw, 2048 * 512)["UUID"]);
    }

    [Fact]
    public async Task Qemu_VpcFixed_FooterAndExactVirtualSize()
    {
        // A fixed VHD is the raw disk plus a 512-byte footer, so qemu-img's probing calls it raw;
        // read it as vpc explicitly. force_size keeps the virtual size exact (no CHS rounding).
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, Legacy("vpc", "disk.vhd"), Token)).AssertSuccess();

        string image = Path.Combine(scratch.Output, "disk.vhd");
        Assert.Equal((64 * MiB) + 512, new FileInfo(image).Length);
        Assert.Equal("conectix"u8.ToArray(), ReadBytes(image, 64 * MiB, 8));
        JsonElement info = JsonDocument.Parse(Run("qemu-img", "info", "-f", "vpc", "--output=json", image)).RootElement;
        Assert.Equal(64 * MiB, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal(RootUuid, Probe(image, 2048 * 512)["UUID"]);
    }

    [Fact]
    public async Task Qemu_RawXz_DecompressesToTheDisk()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, Legacy("raw.xz", "disk.raw.xz"), Token)).AssertSuccess();

        Run("xz", "--decompress", Path.Combine(scratch.Output, "disk.raw.xz"));
        string image = Path.Combine(scratch.Output, "disk.raw");
        Assert.Equal(64 * MiB, new FileInfo(image).Length);
        Assert.Equal(RootUuid, Probe(image, 2048 * 512)["UUID"]);
    }

    [Fact]
    public async Task Qemu_SizeNotSectorMultiple_FailsNamingSize()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        JsonObject options = Legacy();
        options["size"] = (64 * MiB) + 100;

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("must be a multiple of 512", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Output));
    }

    [Fact]
    public async Task Qemu_SymlinkOnFat_FailsNamingTheLink()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree, withEsp: true);
        File.CreateSymbolicLink(Path.Combine(scratch.Tree, "boot/efi/EFI/test/link"), "grub.cfg");
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["ptuuid"] = "0x11111111", ["size"] = 64 * MiB,
            ["partitions"] = new JsonArray(
                new JsonObject { ["size"] = 40960, ["type"] = "ef", ["filesystem"] = new JsonObject { ["type"] = "vfat", ["uuid"] = "46BB-8120", ["mountpoint"] = "/boot/efi" } },
                new JsonObject { ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["mountpoint"] = "/" } }),
        };

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("EFI/test/link' is a symlink or special file, which a FAT file system cannot hold", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qemu_MbrGapTooSmallForCore_Fails()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["ptuuid"] = "0x11111111", ["size"] = 64 * MiB,
            ["partitions"] = new JsonArray(new JsonObject { ["start"] = 34, ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["mountpoint"] = "/" } }),
        };

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not fit between the MBR and the first partition", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qemu_GptGrubWithoutBiosBootPartition_Fails()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e", ["pttype"] = "gpt", ["size"] = 64 * MiB,
            ["bootloader"] = new JsonObject { ["type"] = "grub2" },
            ["partitions"] = new JsonArray(new JsonObject { ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["mountpoint"] = "/" } }),
        };

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("BIOS-boot partition missing", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qemu_GptWithoutBootloader_NoBootCode()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e", ["pttype"] = "gpt", ["size"] = 64 * MiB,
            ["partitions"] = new JsonArray(new JsonObject { ["filesystem"] = new JsonObject { ["type"] = "ext4", ["uuid"] = RootUuid, ["mountpoint"] = "/" } }),
        };

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token)).AssertSuccess();

        Assert.All(ReadBytes(Path.Combine(scratch.Output, "disk.img"), 0, 440), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Qemu_ZiplWithoutZiplTool_FailsBeforeBuilding()
    {
        Assert.SkipWhen(File.Exists("/usr/sbin/zipl"), "this build root has zipl (s390x); the test covers build roots without it");
        using var scratch = new ImageScratch("h3-qemu-");
        JsonObject options = Legacy();
        options["bootloader"] = new JsonObject { ["type"] = "zipl" };

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bootloader zipl needs /usr/sbin/zipl", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qemu_XfsRootWithoutLoopService_FailsNamingTheLoopService()
    {
        using var scratch = new ImageScratch("h3-qemu-");
        SampleTree.Create(scratch.Tree);
        JsonObject options = Legacy();
        options["root_fs_type"] = "xfs";
        options["size"] = 512 * MiB;

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("an xfs file system needs a loop device from the host's loop service", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Qemu_XfsRootThroughHost_FilledFromTree()
    {
        // xfs needs a loop device and a mount, so it runs through the host (fd-3 loop.attach).
        Assert.SkipUnless(global::Engine.Integration.Tests.Engine.Osbuild.IsRoot, "building needs root");
        using var scratch = new global::Engine.Integration.Tests.Engine.TempStore();
        string manifest = scratch.File("xfs.json", """
            {"stages": [{"name": "org.test.populate"}],
             "assembler": {"name": "org.osbuild.qemu", "options": {"format": "raw", "filename": "disk.img", "ptuuid": "0x14fc63d2",
               "size": 536870912, "pttype": "dos", "partitions": [{"start": 2048, "type": "83", "bootable": true,
               "filesystem": {"type": "xfs", "uuid": "76a22bf4-f153-4541-b6c7-0332c0dfaeac", "mountpoint": "/"}}]}}}
            """);

        var run = global::Engine.Integration.Tests.Engine.Osbuild.Run(["--store", scratch.Store, "--plugin-path",
            Path.Combine(global::Engine.Integration.Tests.Engine.Osbuild.Fixtures, "plugins"), "--json", manifest]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string image = Path.Combine(scratch.Store, "refs", ((global::Engine.Host.Json.JValue.String)run.Json["output_id"]!).Value, "disk.img");
        using var blkid = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("blkid", ["-p", "-O", "1048576", "-o", "export", image]) { RedirectStandardOutput = true })!;
        string probe = blkid.StandardOutput.ReadToEnd();
        blkid.WaitForExit();
        Assert.Contains("TYPE=xfs", probe, StringComparison.Ordinal);
        Assert.Contains("UUID=76a22bf4-f153-4541-b6c7-0332c0dfaeac", probe, StringComparison.Ordinal);
        Assert.Empty(global::Engine.Integration.Tests.Reliability.SystemState.LoopDevicesBackedBelow(scratch.Root));
        Assert.Empty(scratch.Leftovers);
    }
}
