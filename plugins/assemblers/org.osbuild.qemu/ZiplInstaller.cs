using System.Globalization;
using Engine.Plugins.Assemblers.Common;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>
/// Installs zipl, s390x's boot loader (spec 2.2 step 8): zipl reads the kernel and initrd named by
/// the first non-rescue BLS entry from the mounted file systems and writes its boot map into the
/// disk through a whole-disk loop device. Needs /usr/sbin/zipl in the build root, which only
/// s390x distributions ship: checked up front so that a build elsewhere fails before the work.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class ZiplInstaller
{
    public const string Zipl = "/usr/sbin/zipl";

    public static void RequireTool()
    {
        if (!File.Exists(Zipl))
        {
            throw new PluginFailedException(
                $"bootloader zipl needs {Zipl} (s390-tools) in the build root, and there is none; zipl exists for s390x only, so build s390x images with an s390x build root");
        }
    }

    public static async Task InstallAsync(PluginContext context, string image, long size, IReadOnlyList<Partition> partitions, CancellationToken cancellationToken)
    {
        Partition boot = GrubInstaller.FindBootPartition(partitions)
            ?? throw new PluginFailedException("zipl needs a partition with a file system mounted at /boot or /; the layout has none");

        await using var loops = new DiskLoopDevices(context, "zipl");
        string disk = await loops.AttachAsync(image, 0, size, cancellationToken).ConfigureAwait(false);
        DirectoryInfo root = Directory.CreateTempSubdirectory("osbuild-mnt");
        try
        {
            await using var mounts = new Mounts();

            // The reference's order: by mountpoint length, so parents are mounted before children.
            foreach (Partition partition in partitions.Where(p => p.Spec.Filesystem is not null).OrderBy(p => p.Spec.Filesystem!.Mountpoint.Length))
            {
                string device = await loops.AttachAsync(image, partition.ByteOffset, partition.ByteSize, cancellationToken).ConfigureAwait(false);
                string target = Path.Combine(root.FullName, DiskStaging.Normalize(partition.Spec.Filesystem!.Mountpoint));
                Directory.CreateDirectory(target);
                await mounts.MountAsync([device], target, cancellationToken).ConfigureAwait(false);
            }

            Dictionary<string, string> entry = ReadDefaultEntry(Path.Combine(root.FullName, "boot/loader/entries"));
            string mnt = root.FullName;
            await Command.RunAsync(Zipl, [
                "--verbose",
                "--target", $"{mnt}/boot",
                "--image", mnt + entry.GetValueOrDefault("linux", ""),
                "--ramdisk", mnt + entry.GetValueOrDefault("initrd", ""),
                "--parameters", entry.GetValueOrDefault("options", ""),
                "--targetbase", disk,
                "--targettype", "SCSI",
                "--targetblocksize", "512",
                "--targetoffset", boot.Start.ToString(CultureInfo.InvariantCulture),
            ], cancellationToken).ConfigureAwait(false);
            await mounts.UnmountAllAsync().ConfigureAwait(false);
        }
        finally
        {
            root.Delete(recursive: false);
        }
    }

    /// <summary>The first <c>*.conf</c> entry (directory order) that is not a rescue entry, as key → value.</summary>
    private static Dictionary<string, string> ReadDefaultEntry(string entries)
    {
        string file = (Directory.Exists(entries) ? Directory.EnumerateFiles(entries, "*.conf") : [])
            .FirstOrDefault(path => !Path.GetFileNameWithoutExtension(path).EndsWith("rescue", StringComparison.Ordinal))
            ?? throw new PluginFailedException("zipl: no boot loader entry (/boot/loader/entries/*.conf, not rescue) in the image");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(file))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new PluginFailedException($"zipl: {file}: line '{line}' is not 'key value'");
            }

            values[line[..space]] = line[(space + 1)..].Trim();
        }

        return values;
    }
}
