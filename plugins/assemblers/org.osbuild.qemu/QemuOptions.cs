using System.Text.Json;
using Engine.Plugins.Common;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>The options of org.osbuild.qemu (spec 2.2), after the reference's defaults.</summary>
internal sealed record QemuOptions(
    string Format,
    string Filename,
    string PtUuid,
    long Size,
    string Label,
    IReadOnlyList<PartitionSpec> Partitions,
    string Bootloader,
    string Platform)
{
    public static readonly IReadOnlyList<string> Formats = ["raw", "raw.xz", "qcow2", "vdi", "vmdk", "vpc"];

    public static QemuOptions Parse(JsonElement options)
    {
        string format = DiskOptions.RequiredString(options, "format");
        string filename = DiskOptions.RequiredString(options, "filename");
        string ptuuid = DiskOptions.RequiredString(options, "ptuuid");
        long size = DiskOptions.Integer(options, "size") ?? throw new PluginFailedException("option 'size' is required");

        // Spec 2.2 step 1.
        if (size % 512 != 0)
        {
            throw new PluginFailedException($"option 'size' ({size}) must be a multiple of 512 (the sector size)");
        }

        if (!Formats.Contains(format))
        {
            throw new PluginFailedException($"unsupported format '{format}'; use one of {string.Join(", ", Formats)}");
        }

        if (filename.Contains('/', StringComparison.Ordinal) || filename is "." or "..")
        {
            throw new PluginFailedException($"option 'filename' must be a plain file name, not '{filename}'");
        }

        string label = DiskOptions.String(options, "pttype") switch
        {
            null or "dos" or "mbr" => "dos",
            "gpt" => "gpt",
            string other => throw new PluginFailedException($"option 'pttype' must be dos, mbr or gpt, not '{other}'"),
        };

        IReadOnlyList<PartitionSpec> partitions;
        if (DiskOptions.Find(options, "partitions") is { } array)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw new PluginFailedException("option 'partitions' must be an array");
            }

            partitions = array.EnumerateArray().Select((p, i) => PartitionSpec.Parse(p, i)).ToList();
        }
        else
        {
            // Legacy mode (step 3): one bootable Linux partition holding the root file system.
            string rootUuid = DiskOptions.String(options, "root_fs_uuid")
                ?? throw new PluginFailedException("option 'root_fs_uuid' is required unless 'partitions' describes the layout");
            string rootType = DiskOptions.String(options, "root_fs_type") ?? "ext4";
            if (rootType is not ("ext4" or "xfs"))
            {
                throw new PluginFailedException($"option 'root_fs_type' must be ext4 or xfs, not '{rootType}'");
            }

            partitions = [new PartitionSpec(null, null, "83", Bootable: true, null, new MountedFilesystem(new DiskFilesystem(rootType, rootUuid, null), "/"))];
        }

        string bootloader = "none";
        string platform = "i386-pc";
        if (DiskOptions.Find(options, "bootloader") is { } loader)
        {
            bootloader = DiskOptions.String(loader, "type")
                ?? throw new PluginFailedException("option 'bootloader' needs a 'type' (grub2 or zipl)");
            platform = DiskOptions.String(loader, "platform") ?? platform;
            if (bootloader is not ("grub2" or "zipl" or "none"))
            {
                throw new PluginFailedException($"unknown bootloader type '{bootloader}'; use grub2 or zipl");
            }
        }

        // Step 6: an MBR disk without a bootloader choice gets GRUB (backwards compatibility).
        if (bootloader == "none" && label == "dos")
        {
            bootloader = "grub2";
        }

        return new QemuOptions(format, filename, ptuuid, size, label, partitions, bootloader, platform);
    }
}

/// <summary>One partition as the manifest describes it; null/0/"" fields are sfdisk's defaults.</summary>
internal sealed record PartitionSpec(long? Start, long? Size, string? Type, bool Bootable, string? Name, MountedFilesystem? Filesystem)
{
    public static PartitionSpec Parse(JsonElement partition, int index)
    {
        if (partition.ValueKind != JsonValueKind.Object)
        {
            throw new PluginFailedException($"partitions[{index}] must be an object");
        }

        MountedFilesystem? filesystem = null;
        if (DiskOptions.Find(partition, "filesystem") is { } fs)
        {
            string type = DiskOptions.RequiredString(fs, "type");
            if (type is not ("ext4" or "xfs" or "vfat"))
            {
                throw new PluginFailedException($"partitions[{index}].filesystem.type must be ext4, xfs or vfat, not '{type}'");
            }

            filesystem = new MountedFilesystem(
                new DiskFilesystem(type, DiskOptions.RequiredString(fs, "uuid"), DiskOptions.String(fs, "label")),
                DiskOptions.RequiredString(fs, "mountpoint"));
        }

        return new PartitionSpec(
            DiskOptions.Integer(partition, "start"),
            DiskOptions.Integer(partition, "size"),
            DiskOptions.String(partition, "type"),
            DiskOptions.Boolean(partition, "bootable", fallback: false),
            DiskOptions.String(partition, "name"),
            filesystem);
    }
}

/// <summary>A file system and where the tree mounts it.</summary>
internal sealed record MountedFilesystem(DiskFilesystem Filesystem, string Mountpoint);
