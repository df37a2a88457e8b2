using Engine.Plugins.Assemblers.Common;

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
    string Platform,
    string Qcow2Compression = "zlib")
{
    public static readonly IReadOnlyList<string> Formats = ["raw", "raw.xz", "qcow2", "vdi", "vmdk", "vpc"];

    public static QemuOptions Parse(JsonElement options)
    {
        QemuOptionsJson given = OptionReader.Read(options, QemuJsonContext.Default.QemuOptionsJson);
        string format = given.Format ?? throw OptionReader.Missing("format");
        string filename = given.Filename ?? throw OptionReader.Missing("filename");
        string ptuuid = given.PtUuid ?? throw OptionReader.Missing("ptuuid");
        long size = given.Size ?? throw OptionReader.Missing("size");

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

        string label = given.PtType switch
        {
            null or "dos" or "mbr" => "dos",
            "gpt" => "gpt",
            string other => throw new PluginFailedException($"option 'pttype' must be dos, mbr or gpt, not '{other}'"),
        };

        IReadOnlyList<PartitionSpec> partitions;
        if (given.Partitions is { } described)
        {
            partitions = [.. described.Select((p, i) => PartitionSpec.From(p, i))];
        }
        else
        {
            // Legacy mode (step 3): one bootable Linux partition holding the root file system.
            string rootUuid = given.RootFsUuid
                ?? throw new PluginFailedException("option 'root_fs_uuid' is required unless 'partitions' describes the layout");
            string rootType = given.RootFsType ?? "ext4";
            if (rootType is not ("ext4" or "xfs"))
            {
                throw new PluginFailedException($"option 'root_fs_type' must be ext4 or xfs, not '{rootType}'");
            }

            partitions = [new PartitionSpec(null, null, "83", Bootable: true, null, new MountedFilesystem(new DiskFilesystem(rootType, rootUuid, null), "/"))];
        }

        string bootloader = "none";
        string platform = "i386-pc";
        if (given.Bootloader is { } loader)
        {
            bootloader = loader.Type
                ?? throw new PluginFailedException("option 'bootloader' needs a 'type' (grub2 or zipl)");
            platform = loader.Platform ?? platform;
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

        // An extension of ours: osbuild always compresses qcow2 with zlib, on one core (22 s of the
        // Debian sample's 24 s assembler here); zstd gives the same bytes in a sixth of the time.
        string compression = given.Qcow2Compression ?? "zlib";
        if (compression is not ("zlib" or "zstd" or "none"))
        {
            throw new PluginFailedException($"option 'qcow2_compression' must be zlib, zstd or none, not '{compression}'");
        }

        return new QemuOptions(format, filename, ptuuid, size, label, partitions, bootloader, platform, compression);
    }
}

/// <summary>One partition as the manifest describes it; null/0/"" fields are sfdisk's defaults.</summary>
internal sealed record PartitionSpec(long? Start, long? Size, string? Type, bool Bootable, string? Name, MountedFilesystem? Filesystem)
{
    /// <summary>Checks <c>partitions[<paramref name="index"/>]</c> and fills in its defaults.</summary>
    public static PartitionSpec From(PartitionJson? partition, int index)
    {
        if (partition is null)
        {
            throw new PluginFailedException($"partitions[{index}] must be an object");
        }

        MountedFilesystem? filesystem = null;
        if (partition.Filesystem is { } fs)
        {
            string type = fs.Type ?? throw OptionReader.Missing($"partitions[{index}].filesystem.type");
            if (type is not ("ext4" or "xfs" or "vfat"))
            {
                throw new PluginFailedException($"partitions[{index}].filesystem.type must be ext4, xfs or vfat, not '{type}'");
            }

            filesystem = new MountedFilesystem(
                new DiskFilesystem(type, fs.Uuid ?? throw OptionReader.Missing($"partitions[{index}].filesystem.uuid"), fs.Label),
                fs.Mountpoint ?? throw OptionReader.Missing($"partitions[{index}].filesystem.mountpoint"));
        }

        return new PartitionSpec(partition.Start, partition.Size, partition.Type, partition.Bootable ?? false, partition.Name, filesystem);
    }
}

/// <summary>A file system and where the tree mounts it.</summary>
internal sealed record MountedFilesystem(DiskFilesystem Filesystem, string Mountpoint);
