using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Engine.Plugins.Assemblers.Common;

/// <summary>
/// The layout of a FAT file system as its boot sector records it, and the layout mkfs.fat chooses
/// for a device of a given size.
/// </summary>
/// <remarks>
/// The reference formats a loop device of exactly the partition, so mkfs.fat sizes everything by
/// the partition. Run on the disk file with <c>--offset</c> (no loop device needed), mkfs.fat
/// (dosfstools 4.2) takes several choices from the size of the whole file instead: FAT32 from
/// 512 MiB on, the FAT32 cluster size, and the geometry (heads and sectors per track, to a whole
/// number of which it also rounds the sector count down). A 100 MiB ESP in a 512 MiB disk got
/// FAT32 and mkfs.fat refused it as too small. <see cref="ProbeAsync"/> lets mkfs.fat choose on a
/// scratch file of exactly the partition's size, and <see cref="MkfsArguments"/> hands every
/// choice that depends on the size back to it for the run inside the disk
/// (QemuEspLayoutTests pins the result for sizes from 32 MiB to 1 GiB).
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record DiskFatLayout(
    int FatBits,
    int BytesPerSector,
    int SectorsPerCluster,
    int ReservedSectors,
    int FatCount,
    int RootEntries,
    long TotalSectors,
    int Media,
    long SectorsPerFat,
    int SectorsPerTrack,
    int Heads,
    long HiddenSectors)
{
    private const int BootSectorSize = 512;

    /// <summary>What mkfs.vfat makes on a device of exactly <paramref name="size"/> bytes: it formats a sparse scratch file that large.</summary>
    public static async Task<DiskFatLayout> ProbeAsync(long size, CancellationToken cancellationToken)
    {
        string work = DiskStaging.CreateWorkDirectory("osbuild-fat-");
        try
        {
            string probe = Path.Combine(work, "probe.img");
            await using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write))
            {
                file.SetLength(size);
            }

            // Its banner on stdout would only repeat the one of the real run.
            CommandResult result = await Command.TryRunAsync("mkfs.vfat", [probe], cancellationToken, new() { CaptureStdout = true }).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new PluginFailedException(
                    $"mkfs.vfat cannot make a FAT file system in a partition of {size} bytes ({result.StderrTail.Trim()}); give the partition another size");
            }

            return Read(probe, 0, $"mkfs.vfat's file system on a {size}-byte scratch file");
        }
        finally
        {
            await Command.TryRunAsync("rm", ["-rf", "--one-file-system", "--", work], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the layout from the boot sector at byte <paramref name="offset"/> of <paramref name="file"/>.</summary>
    /// <param name="what">What is read, for the message if it holds no FAT boot sector.</param>
    public static DiskFatLayout Read(string file, long offset, string what)
    {
        var sector = new byte[BootSectorSize];
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read))
        {
            stream.Seek(offset, SeekOrigin.Begin);
            stream.ReadExactly(sector);
        }

        return Parse(sector, what);
    }

    /// <summary>The fields of a boot sector as Microsoft's FAT specification places them.</summary>
    public static DiskFatLayout Parse(ReadOnlySpan<byte> sector, string what)
    {
        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector[11..]);
        int sectorsPerCluster = sector[13];
        int sectorsPerFat16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[22..]);
        int totalSectors16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[19..]);
        bool valid = sector[510] == 0x55 && sector[511] == 0xAA
            && bytesPerSector is 512 or 1024 or 2048 or 4096
            && sectorsPerCluster > 0 && (sectorsPerCluster & (sectorsPerCluster - 1)) == 0;

        // FAT32 has no 16-bit FAT length; FAT12 and FAT16 share a boot sector, told apart by the
        // type mkfs.fat writes into it (the type it chose, which -F must repeat).
        int fatBits = !valid ? 0
            : sectorsPerFat16 == 0 ? 32
            : Encoding.ASCII.GetString(sector.Slice(54, 8)) switch
            {
                "FAT12   " => 12,
                "FAT16   " => 16,
                _ => 0,
            };
        if (fatBits == 0)
        {
            throw new PluginFailedException($"{what} has no FAT boot sector as mkfs.vfat writes it");
        }

        return new DiskFatLayout(
            fatBits,
            bytesPerSector,
            sectorsPerCluster,
            ReservedSectors: BinaryPrimitives.ReadUInt16LittleEndian(sector[14..]),
            FatCount: sector[16],
            RootEntries: BinaryPrimitives.ReadUInt16LittleEndian(sector[17..]),
            TotalSectors: totalSectors16 != 0 ? totalSectors16 : BinaryPrimitives.ReadUInt32LittleEndian(sector[32..]),
            Media: sector[21],
            SectorsPerFat: fatBits == 32 ? BinaryPrimitives.ReadUInt32LittleEndian(sector[36..]) : sectorsPerFat16,
            SectorsPerTrack: BinaryPrimitives.ReadUInt16LittleEndian(sector[24..]),
            Heads: BinaryPrimitives.ReadUInt16LittleEndian(sector[26..]),
            HiddenSectors: BinaryPrimitives.ReadUInt32LittleEndian(sector[28..]));
    }

    /// <summary>
    /// mkfs.vfat options that fix every choice it would otherwise take from the size of its target:
    /// FAT type, cluster size, geometry, media byte and root directory entries. The rest (reserved
    /// sectors, FAT length) follows from these and the sector count.
    /// </summary>
    public IReadOnlyList<string> MkfsArguments()
    {
        var arguments = new List<string>
        {
            "-F", Invariant(FatBits),
            "-s", Invariant(SectorsPerCluster),
            "-g", $"{Invariant(Heads)}/{Invariant(SectorsPerTrack)}",
            "-M", $"0x{Media:x2}",
        };
        if (FatBits != 32)
        {
            arguments.AddRange(["-r", Invariant(RootEntries)]);
        }

        return arguments;
    }

    /// <summary>
    /// The BLOCKS argument (KiB) that makes mkfs.vfat use exactly <see cref="TotalSectors"/> inside
    /// the disk. It adds to the blocks the odd 512-byte sector at the end of the whole file (not
    /// of the partition), then rounds down to whole tracks; <see cref="TotalSectors"/> is already a
    /// whole number of tracks (of 9 sectors at least), so rounding its half up lands on it whether
    /// the file adds a sector or not.
    /// </summary>
    public long MkfsBlocks => ((TotalSectors * BytesPerSector) + 1023) / 1024;

    public string Describe()
        => string.Create(CultureInfo.InvariantCulture, $"FAT{FatBits}, {SectorsPerCluster} sectors per cluster, {TotalSectors} sectors, {SectorsPerFat} per FAT, {ReservedSectors} reserved, {Heads} heads, {SectorsPerTrack} sectors per track, media 0x{Media:x2}");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
