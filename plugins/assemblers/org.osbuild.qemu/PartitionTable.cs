using System.Globalization;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>A partition as sfdisk placed it, with what the manifest wants in it.</summary>
/// <param name="Index">0-based position in the table.</param>
/// <param name="Start">First sector.</param>
/// <param name="Size">Size in sectors.</param>
/// <param name="Type">sfdisk's type: MBR hex id (<c>83</c>) or upper-case GPT GUID.</param>
/// <param name="Name">GPT name, if any.</param>
/// <param name="Spec">The manifest's description.</param>
internal sealed record Partition(int Index, long Start, long Size, string Type, string? Name, PartitionSpec Spec)
{
    public const int SectorSize = 512;

    public long ByteOffset => Start * SectorSize;

    public long ByteSize => Size * SectorSize;
}

/// <summary>Writes the partition table with sfdisk and reads back where the partitions went (spec 2.2 steps 4-5).</summary>
internal static class PartitionTable
{
    /// <summary>
    /// The sfdisk script, byte for byte as the reference writes it: per partition the set fields
    /// <c>start</c>, <c>size</c>, <c>type</c>, <c>name</c>, each followed by <c>bootable</c> for a bootable
    /// partition whether the field was set or not (sfdisk treats the repeats as one). Two additions
    /// where the reference's text makes no partition or loses the flag: see the comments below.
    /// </summary>
    public static string Script(string label, string ptuuid, IReadOnlyList<PartitionSpec> partitions)
    {
        var lines = new List<string> { $"label: {label}", $"label-id: {ptuuid}" };
        foreach (PartitionSpec partition in partitions)
        {
            var items = new List<string>();
            (string Field, string? Value)[] fields =
            [
                ("start", partition.Start is > 0 ? partition.Start.Value.ToString(CultureInfo.InvariantCulture) : null),
                ("size", partition.Size is > 0 ? partition.Size.Value.ToString(CultureInfo.InvariantCulture) : null),
                ("type", string.IsNullOrEmpty(partition.Type) ? null : partition.Type),
                ("name", string.IsNullOrEmpty(partition.Name) ? null : partition.Name),
            ];
            foreach (var (field, value) in fields)
            {
                if (value is not null)
                {
                    items.Add($"{field}=\"{value}\"");
                }

                if (partition.Bootable)
                {
                    items.Add("bootable");
                }
            }

            if (!items.Any(item => item.Contains('=', StringComparison.Ordinal)))
            {
                // Nothing set: the reference's line ("" or only "bootable") is no partition to
                // sfdisk (an empty line is skipped, "bootable" alone is an "unsupported command").
                // size=+ asks for every default explicitly: the first free gap, all of it.
                items.Insert(0, "size=+");
            }

            if (partition.Bootable && label == "gpt")
            {
                // sfdisk (2.38) ignores "bootable" on GPT; the attribute it stands for there is
                // the legacy BIOS bootable bit, which some firmware wants on the boot partition.
                items.Add("attrs=\"LegacyBIOSBootable\"");
            }

            lines.Add(string.Join(", ", items));
        }

        return string.Join('\n', lines);
    }

    public static async Task<IReadOnlyList<Partition>> WriteAsync(string image, string label, string ptuuid, IReadOnlyList<PartitionSpec> partitions, CancellationToken cancellationToken)
    {
        await Command.RunAsync("sfdisk", ["-q", image], cancellationToken, new() { Input = Script(label, ptuuid, partitions) }).ConfigureAwait(false);
        string json = await Command.CaptureAsync("sfdisk", ["--json", image], cancellationToken).ConfigureAwait(false);
        return ReadBack(json, partitions);
    }

    internal static IReadOnlyList<Partition> ReadBack(string sfdiskJson, IReadOnlyList<PartitionSpec> partitions)
    {
        using JsonDocument document = JsonDocument.Parse(sfdiskJson);
        JsonElement table = document.RootElement.GetProperty("partitiontable");
        JsonElement[] found = table.TryGetProperty("partitions", out JsonElement list) ? [.. list.EnumerateArray()] : [];
        if (found.Length != partitions.Count)
        {
            throw new PluginFailedException(
                $"sfdisk made {found.Length} partition(s) where the manifest describes {partitions.Count}; check the partitions' start and size against the disk size");
        }

        return found.Select((entry, i) => new Partition(
            i,
            entry.GetProperty("start").GetInt64(),
            entry.GetProperty("size").GetInt64(),
            entry.GetProperty("type").GetString() ?? "",
            entry.TryGetProperty("name", out JsonElement name) ? name.GetString() : null,
            partitions[i])).ToList();
    }
}
