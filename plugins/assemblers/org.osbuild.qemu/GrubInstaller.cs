using System.Buffers.Binary;
using Engine.Plugins.Assemblers.Common;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>
/// Installs GRUB's boot code into the disk image (spec 2.2 step 7): a core image made by
/// grub(2)-mkimage, embedded in the MBR gap (dos), the BIOS boot partition (gpt) or the PReP
/// partition (powerpc-ieee1275), and for i386-pc the first 440 bytes of boot.img in the MBR with
/// the core's sector at 0x5C. The configuration and modules come from org.osbuild.grub2.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class GrubInstaller
{
    private const string BiosBootType = "21686148-6449-6E6F-744E-656564454649";
    private const string PrepGptType = "9E1A2D38-C612-4316-AA26-8B49521E5A8B";
    private const string PrepDosType = "41";
    private const int BootCodeLength = 440;
    private const int CoreLocationOffset = 0x5C;

    public static async Task InstallAsync(string image, string tree, string label, string platform, IReadOnlyList<Partition> partitions, CancellationToken cancellationToken)
    {
        Partition boot = FindBootPartition(partitions)
            ?? throw new PluginFailedException("GRUB needs a partition with a file system mounted at /boot or /; the layout has none");
        MountedFilesystem bootFs = boot.Spec.Filesystem!;

        var modules = new List<string>();
        if (platform == "i386-pc")
        {
            modules.Add("biosdisk");
        }

        modules.Add(label == "gpt" ? "part_gpt" : "part_msdos");
        modules.Add(bootFs.Filesystem.Type switch
        {
            "ext4" => "ext2",
            "xfs" => "xfs",
            string other => throw new PluginFailedException($"unknown boot filesystem type: '{other}'"),
        });

        string partId = $"{(label == "gpt" ? "gpt" : "msdos")}{boot.Index + 1}";
        Console.WriteLine($"grub2 prefix {partId}");
        string grubDirectory = GrubDirectory(tree, bootFs.Mountpoint);

        string moduleDirectory = Path.Combine("/usr/lib/grub", platform);
        if (!Directory.Exists(moduleDirectory))
        {
            throw new PluginFailedException(
                $"the build root has no {moduleDirectory}; install GRUB for {platform} there (Debian: grub-pc-bin; Fedora: grub2-pc-modules)");
        }

        string core = Path.Combine("/var/tmp", $"grub2-core-{Guid.NewGuid():N}.img");
        try
        {
            await Command.RunAsync(FindMkImage(), [
                "--verbose",
                "--directory", moduleDirectory,
                "--prefix", $"(,{partId})/{grubDirectory}",
                "--format", platform,
                "--compression", "auto",
                "--output", core,
                .. modules,
            ], cancellationToken).ConfigureAwait(false);
            byte[] coreImage = await File.ReadAllBytesAsync(core, cancellationToken).ConfigureAwait(false);
            Embed(image, label, platform, partitions, coreImage, moduleDirectory);
        }
        finally
        {
            File.Delete(core);
        }
    }

    /// <summary>The partition with a file system at /boot, else the one at /.</summary>
    internal static Partition? FindBootPartition(IReadOnlyList<Partition> partitions)
    {
        Partition? At(string mountpoint) => partitions.FirstOrDefault(
            p => p.Spec.Filesystem is { } fs && DiskStaging.Normalize(fs.Mountpoint) == mountpoint);
        return At("boot") ?? At("");
    }

    /// <summary>
    /// GRUB's directory relative to the boot file system: org.osbuild.grub2 writes /boot/grub2
    /// (bls, the reference) or /boot/grub (classic, Debian's layout). The tree shows which; grub2
    /// wins when both exist, and is the reference's choice when neither does.
    /// </summary>
    internal static string GrubDirectory(string tree, string bootMountpoint)
    {
        string name = Directory.Exists(Path.Combine(tree, "boot/grub2")) || !Directory.Exists(Path.Combine(tree, "boot/grub"))
            ? "grub2"
            : "grub";
        string relative = Path.GetRelativePath("/" + DiskStaging.Normalize(bootMountpoint), $"/boot/{name}");
        Console.WriteLine($"GRUB directory: /boot/{name} ({relative} on the boot file system)");
        return relative;
    }

    private static string FindMkImage()
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in new[] { "grub2-mkimage", "grub-mkimage" })
        {
            foreach (string directory in directories.Concat(["/usr/bin", "/usr/sbin"]))
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new PluginFailedException("neither grub2-mkimage nor grub-mkimage is in the build root; install GRUB's tools (Debian: grub-common; Fedora: grub2-tools)");
    }

    private static void Embed(string image, string label, string platform, IReadOnlyList<Partition> partitions, byte[] core, string moduleDirectory)
    {
        using var disk = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        long coreLocation;
        if (platform == "powerpc-ieee1275")
        {
            string prepType = label == "gpt" ? PrepGptType : PrepDosType;
            Partition prep = partitions.FirstOrDefault(p => string.Equals(p.Type, prepType, StringComparison.OrdinalIgnoreCase))
                ?? throw new PluginFailedException("PrEP partition missing");
            if (core.Length >= prep.ByteSize - 512)
            {
                throw new PluginFailedException($"the core image ({core.Length} bytes) does not fit the PReP partition ({prep.ByteSize} bytes)");
            }

            WriteAt(disk, prep.ByteOffset, core);
            coreLocation = prep.Start;
        }
        else if (label == "gpt")
        {
            Partition biosBoot = partitions.FirstOrDefault(p => string.Equals(p.Type, BiosBootType, StringComparison.OrdinalIgnoreCase))
                ?? throw new PluginFailedException("BIOS-boot partition missing");
            if (biosBoot.ByteSize < core.Length)
            {
                throw new PluginFailedException("BIOS-boot partition too small");
            }

            WriteAt(disk, biosBoot.ByteOffset, core);

            // The core's first sector (diskboot) holds the sector of the rest of the core at byte 500.
            var next = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(next, (ulong)(biosBoot.Start + 1));
            WriteAt(disk, biosBoot.ByteOffset + 500, next);
            coreLocation = biosBoot.Start;
        }
        else
        {
            // dos: the gap between the MBR and the first partition (in table order).
            long gap = partitions.Count > 0 ? partitions[0].ByteOffset - 512 : 0;
            if (core.Length >= gap)
            {
                throw new PluginFailedException(
                    $"the core image ({core.Length} bytes) does not fit between the MBR and the first partition ({gap} bytes); start the first partition later (e.g. sector 2048)");
            }

            WriteAt(disk, 512, core);
            coreLocation = 1;
        }

        if (platform == "i386-pc")
        {
            // Only the boot code: bytes 440-511 (disk signature, partition table, 0x55AA) stay.
            string bootImage = Path.Combine(moduleDirectory, "boot.img");
            if (!File.Exists(bootImage))
            {
                throw new PluginFailedException($"{bootImage} is missing in the build root");
            }

            byte[] boot = File.ReadAllBytes(bootImage);
            if (boot.Length < BootCodeLength)
            {
                throw new PluginFailedException($"{bootImage} is {boot.Length} bytes, shorter than the {BootCodeLength} bytes of MBR boot code");
            }

            WriteAt(disk, 0, boot.AsSpan(0, BootCodeLength).ToArray());
            var location = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(location, (ulong)coreLocation);
            WriteAt(disk, CoreLocationOffset, location);
        }
    }

    private static void WriteAt(FileStream disk, long offset, byte[] bytes)
    {
        disk.Seek(offset, SeekOrigin.Begin);
        disk.Write(bytes);
    }
}
