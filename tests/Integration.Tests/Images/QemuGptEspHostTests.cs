using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Reliability;
using static Engine.Integration.Tests.Images.DiskInspector;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// The standard UEFI disk (GPT, an EFI system partition at sector 4096, the root file system after
/// it) built through the host, in every output format, read back with tools of their own: qemu-img
/// (back to raw), sfdisk, and each partition attached by offset as a loop device of its own for
/// blkid, fsck.vfat, mtools, debugfs and xfs_db. xfs needs the host's loop service, so all go
/// through the host; the cases share one tree build.
/// </summary>
public sealed class QemuGptEspHostTests(EspTreeStore store) : IClassFixture<EspTreeStore>
{
    private const string EspType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private const string LinuxType = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private const string EspUuid = "7B77-95E7";
    private const string RootUuid = "76a22bf4-f153-4541-b6c7-0332c0dfaeac";
    private const long EspStart = 4096;
    private const long MiB = 1024 * 1024;

    /// <summary>Each format once per ESP size, root file systems alternating, so every format and every ESP/root pair is built.</summary>
    public static TheoryData<int, string, string> Cases => new()
    {
        { 100, "ext4", "qcow2" },
        { 100, "xfs", "raw" },
        { 100, "ext4", "vmdk" },
        { 100, "xfs", "vpc" },
        { 100, "ext4", "vdi" },
        { 512, "xfs", "qcow2" },
        { 512, "ext4", "raw" },
        { 512, "xfs", "vmdk" },
        { 512, "ext4", "vpc" },
        { 512, "xfs", "vdi" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Qemu_GptWithEspThroughHost_EachFileSystemReadsBackWithItsTools(int espMiB, string rootType, string format)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root (bubblewrap, loop devices)");

        // Given a GPT disk with an ESP of espMiB MiB at sector 4096 and the root after it; xfs needs
        // 300 MB at least, so a 512 MiB ESP gets a 1 GiB disk
        long espSectors = espMiB * MiB / 512;
        long diskBytes = espMiB < 512 ? 512 * MiB : 1024 * MiB;
        string filename = "disk." + (format == "vpc" ? "vhd" : format);
        var options = new JsonObject
        {
            ["format"] = format, ["filename"] = filename, ["pttype"] = "gpt", ["size"] = diskBytes,
            ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e",
            ["partitions"] = new JsonArray(
                new JsonObject
                {
                    ["start"] = EspStart, ["size"] = espSectors, ["type"] = EspType,
                    ["filesystem"] = new JsonObject { ["type"] = "vfat", ["uuid"] = EspUuid, ["label"] = "EFI", ["mountpoint"] = "/boot/efi" },
                },
                new JsonObject
                {
                    ["type"] = LinuxType,
                    ["filesystem"] = new JsonObject { ["type"] = rootType, ["uuid"] = RootUuid, ["mountpoint"] = "/" },
                }),
        };

        // When it is built through the host
        (string output, string tree) = store.BuildQemu($"esp{espMiB}-{rootType}-{format}", options);

        // Then qemu-img reads the format and the disk's size, and converts it back to raw
        JsonElement info = JsonDocument.Parse(Run("qemu-img", "info", "-f", format, "--output=json", output)).RootElement;
        Assert.Equal(diskBytes, info.GetProperty("virtual-size").GetInt64());
        string image = output;
        if (format != "raw")
        {
            image = Path.Combine(store.Root, $"esp{espMiB}-{rootType}-{format}.raw");
            Run("qemu-img", "convert", "-f", format, "-O", "raw", output, image);
        }

        try
        {
            // and sfdisk reads the GPT with both partitions where they were asked for
            JsonElement table = PartitionTable(image);
            Assert.Equal("gpt", table.GetProperty("label").GetString());
            JsonElement[] parts = [.. table.GetProperty("partitions").EnumerateArray()];
            Assert.Equal([EspType, LinuxType], parts.Select(p => p.GetProperty("type").GetString()));
            Assert.Equal((EspStart, espSectors), (parts[0].GetProperty("start").GetInt64(), parts[0].GetProperty("size").GetInt64()));

            AssertEsp(image, espSectors, tree);
            AssertRoot(image, parts[1].GetProperty("start").GetInt64() * 512, parts[1].GetProperty("size").GetInt64() * 512, rootType);
        }
        finally
        {
            if (image != output)
            {
                File.Delete(image);
            }
        }

        Assert.Empty(SystemState.LoopDevicesBackedBelow(store.Root));
        Assert.Empty(store.Leftovers);
    }

    /// <summary>
    /// The ESP is FAT of the type and layout mkfs.fat gives a device of its size, clean for
    /// fsck.vfat, with exactly the tree's /boot/efi in it.
    /// </summary>
    private void AssertEsp(string image, long espSectors, string tree)
    {
        IReadOnlyDictionary<string, string> standalone = StandaloneFatLayout(Path.Combine(store.Root, $"standalone-{espSectors}.img"), espSectors * 512);
        using var esp = PartitionLoop.Attach(image, EspStart * 512, espSectors * 512);

        var probe = Probe(esp.Device, 0);
        Assert.Equal(("vfat", EspUuid, "EFI"), (probe["TYPE"], probe["UUID"], probe["LABEL"]));
        Assert.Equal(standalone["disk type"].Trim('"', ' '), probe["VERSION"]);
        Assert.Equal(standalone.OrderBy(p => p.Key, StringComparer.Ordinal), FatLayout(esp.Device, 0).OrderBy(p => p.Key, StringComparer.Ordinal));
        FsckFat(esp.Device);

        string efi = Path.Combine(tree, "boot/efi");
        string[] expected = [.. Directory.EnumerateFileSystemEntries(efi, "*", SearchOption.AllDirectories)
            .Select(path => "::/" + Path.GetRelativePath(efi, path) + (Directory.Exists(path) ? "/" : ""))
            .Order(StringComparer.Ordinal)];
        Assert.Contains("::/EFI/BOOT/BOOTX64.EFI", expected);
        Assert.Equal(expected, FatTree(esp.Device, 0));
        foreach (string file in Directory.EnumerateFiles(efi, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllText(file), FatRead(esp.Device, 0, "::/" + Path.GetRelativePath(efi, file)));
        }
    }

    /// <summary>The root file system has the tree without the ESP's files: /boot/efi is only the empty place to mount it.</summary>
    private static void AssertRoot(string image, long offset, long size, string rootType)
    {
        using var root = PartitionLoop.Attach(image, offset, size);
        var probe = Probe(root.Device, 0);
        Assert.Equal((rootType, RootUuid), (probe["TYPE"], probe["UUID"]));
        if (rootType == "ext4")
        {
            Assert.Equal("root of the esp tree\n", Debugfs(root.Device, 0, "cat /etc/motd"));
            Assert.Equal(["efi"], List(root.Device, 0, "/boot"));
            Assert.Empty(List(root.Device, 0, "/boot/efi"));
        }
        else
        {
            Assert.Equal(["motd"], XfsList(root.Device, "/etc"));
            Assert.Equal(["efi"], XfsList(root.Device, "/boot"));
            Assert.Empty(XfsList(root.Device, "/boot/efi"));
        }
    }
}
