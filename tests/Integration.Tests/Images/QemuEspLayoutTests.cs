using System.Text.Json.Nodes;
using static Engine.Integration.Tests.Images.DiskInspector;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// The FAT file system org.osbuild.qemu makes in a partition must be the one mkfs.fat makes on a
/// device of the partition's size (the reference formats a loop device of exactly the partition),
/// however large the whole disk is. mkfs.fat run on the disk file with <c>--offset</c> sizes its
/// choices by the whole file instead: a 100 MiB ESP in a 512 MiB disk got FAT32 and failed.
/// </summary>
public sealed class QemuEspLayoutTests
{
    private const string EspType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private const long DiskBytes = 2L * 1024 * 1024 * 1024;
    private const int EspStart = 2048;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(65536)] // 32 MiB
    [InlineData(204800)] // 100 MiB, the usual ESP
    [InlineData(532481)] // 260 MiB and one sector: an odd size, where mkfs.fat's geometry changes
    [InlineData(1046528)] // 511 MiB, the largest size below mkfs.fat's FAT32 threshold
    [InlineData(1048576)] // 512 MiB
    [InlineData(2097152)] // 1 GiB
    public async Task Qemu_EspInLargerDisk_FatLayoutOfADeviceOfThePartitionsSize(long espSectors)
    {
        // Given an ESP of espSectors sectors in a 2 GiB GPT disk
        using var scratch = new ImageScratch("h-esp-layout-");
        SampleTree.Create(scratch.Tree, withEsp: true);
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["pttype"] = "gpt", ["size"] = DiskBytes,
            ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e",
            ["partitions"] = new JsonArray(new JsonObject
            {
                ["start"] = EspStart, ["size"] = espSectors, ["type"] = EspType,
                ["filesystem"] = new JsonObject { ["type"] = "vfat", ["uuid"] = "7B77-95E7", ["label"] = "EFI", ["mountpoint"] = "/boot/efi" },
            }),
        };

        // When the disk is assembled
        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token)).AssertSuccess();

        // Then the ESP has exactly the layout (FAT type, cluster size, FAT length, sectors, geometry)
        // that mkfs.fat gives a device of the partition's size
        string image = Path.Combine(scratch.Output, "disk.img");
        long offset = EspStart * 512L;
        IReadOnlyDictionary<string, string> standalone = StandaloneFatLayout(scratch.Combine("standalone.img"), espSectors * 512);
        IReadOnlyDictionary<string, string> inImage = FatLayout(image, offset);
        Assert.Equal(standalone.OrderBy(p => p.Key, StringComparer.Ordinal), inImage.OrderBy(p => p.Key, StringComparer.Ordinal));

        // and it holds the tree's /boot/efi
        Assert.Equal("configfile x\n", FatRead(image, offset, "::/EFI/test/grub.cfg"));
    }

    [Fact]
    public async Task Qemu_EspTooSmallForFat_FailsNamingThePartitionsSize()
    {
        // Given an ESP of 8 sectors, too small for any FAT
        using var scratch = new ImageScratch("h-esp-layout-");
        SampleTree.Create(scratch.Tree, withEsp: true);
        var options = new JsonObject
        {
            ["format"] = "raw", ["filename"] = "disk.img", ["pttype"] = "gpt", ["size"] = 64L * 1024 * 1024,
            ["ptuuid"] = "29579f67-d390-43e7-bd96-dc8f5461171e",
            ["partitions"] = new JsonArray(new JsonObject
            {
                ["start"] = EspStart, ["size"] = 8, ["type"] = EspType,
                ["filesystem"] = new JsonObject { ["type"] = "vfat", ["uuid"] = "7B77-95E7", ["mountpoint"] = "/boot/efi" },
            }),
        };

        // When the disk is assembled
        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.qemu", scratch.Tree, scratch.Output, options, Token);

        // Then it fails with mkfs.vfat's reason, naming the partition's size, and writes no output
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("mkfs.vfat cannot make a FAT file system in a partition of 4096 bytes (mkfs.vfat: Attempting to create a too small", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Output));
    }
}
