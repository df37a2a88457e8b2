using Engine.Plugins.Assemblers.Common;
using Engine.Plugins.Builtin;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>
/// org.osbuild.qemu: a partitioned, bootable disk image of the tree, converted to a VM image format
/// (spec 2.2). The raw disk is built in a work directory in /var/tmp: partition table by sfdisk,
/// each file system made and filled in its region of the file (see <see cref="DiskFilesystems"/>:
/// ext4 and FAT need neither loop devices nor mounts), then the boot loader, then the conversion.
/// Unlike the reference, the boot code is written after the file systems, so that no mkfs can
/// touch it; the result is the same disk.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class QemuAssembler
{
    public const string Name = "org.osbuild.qemu";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddAssembler(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        QemuOptions options = QemuOptions.Parse(context.Options);
        if (options.Bootloader == "zipl")
        {
            ZiplInstaller.RequireTool();
        }

        RequireDistinctMountpoints(options.Partitions);
        string output = context.OutputDir;
        string work = DiskStaging.CreateWorkDirectory("osbuild-qemu-");
        try
        {
            string image = Path.Combine(work, "osbuild-image.raw");
            await using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write))
            {
                // Sparse: only what the file systems write takes space.
                file.SetLength(options.Size);
            }

            IReadOnlyList<Partition> partitions = await PartitionTable.WriteAsync(image, options.Label, options.PtUuid, options.Partitions, cancellationToken).ConfigureAwait(false);

            var withFilesystems = partitions.Where(p => p.Spec.Filesystem is not null).ToList();
            string[] mountpoints = [.. withFilesystems.Select(p => p.Spec.Filesystem!.Mountpoint)];

            // The reference's order (by the length of the mountpoint); each file system is filled
            // independently, so the order only shows in the log.
            foreach (Partition partition in withFilesystems.OrderBy(p => p.Spec.Filesystem!.Mountpoint.Length))
            {
                MountedFilesystem fs = partition.Spec.Filesystem!;
                Console.WriteLine($"partition {partition.Index + 1}: {fs.Filesystem.Type} {fs.Filesystem.Uuid} for {fs.Mountpoint} (sectors {partition.Start}+{partition.Size})");
                await using DiskStaging content = await DiskStaging.PrepareAsync(context.Tree, fs.Mountpoint, mountpoints, cancellationToken).ConfigureAwait(false);
                await DiskFilesystems.MakeAsync(context, image, partition.ByteOffset, partition.ByteSize, fs.Filesystem, content.Path, cancellationToken).ConfigureAwait(false);
            }

            if (options.Bootloader == "grub2")
            {
                await GrubInstaller.InstallAsync(image, context.Tree, options.Label, options.Platform, partitions, cancellationToken).ConfigureAwait(false);
            }
            else if (options.Bootloader == "zipl")
            {
                await ZiplInstaller.InstallAsync(context, image, options.Size, partitions, cancellationToken).ConfigureAwait(false);
            }

            await ImageConverter.ConvertAsync(image, options.Format, Path.Combine(output, options.Filename), cancellationToken, options.Qcow2Compression).ConfigureAwait(false);
        }
        finally
        {
            await Command.TryRunAsync("rm", ["-rf", "--one-file-system", "--", work], CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void RequireDistinctMountpoints(IReadOnlyList<PartitionSpec> partitions)
    {
        var duplicate = partitions
            .Where(p => p.Filesystem is not null)
            .GroupBy(p => DiskStaging.Normalize(p.Filesystem!.Mountpoint), StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PluginFailedException($"two partitions are mounted at /{duplicate.Key}; each mountpoint can hold one file system");
        }
    }
}
