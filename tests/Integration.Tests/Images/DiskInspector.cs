using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// Reads disk images with tools independent of the plugins' code paths: sfdisk --json, blkid -p
/// (probing at an offset), debugfs (ext4 read-only, through unix_io's <c>?offset=</c>), mtools,
/// fsck.vfat, qemu-img info. Nothing here needs a mount; see <see cref="PartitionLoop"/> for tools
/// that need a device of their own.
/// </summary>
internal static partial class DiskInspector
{
    public static string Run(string file, params string[] arguments) => RunWith(file, arguments, null);

    public static string RunWith(string file, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>The <c>partitiontable</c> object of <c>sfdisk --json</c>.</summary>
    public static JsonElement PartitionTable(string image)
        => JsonDocument.Parse(Run("sfdisk", "--json", image)).RootElement.GetProperty("partitiontable").Clone();

    /// <summary><c>blkid -p -O offset</c> as NAME → value (TYPE, UUID, LABEL, …).</summary>
    public static Dictionary<string, string> Probe(string image, long offset)
    {
        string output = Run("blkid", "-p", "-o", "export", "-O", offset.ToString(CultureInfo.InvariantCulture), image);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => Unescape(parts[1]), StringComparer.Ordinal);
    }

    /// <summary>blkid's export format escapes spaces and shell characters with a backslash.</summary>
    private static string Unescape(string value) => EscapedCharacter().Replace(value, "$1");

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex EscapedCharacter();

    /// <summary>Runs one debugfs request on the ext4 file system at <paramref name="offset"/>.</summary>
    public static string Debugfs(string image, long offset, string request)
        => Run("debugfs", "-R", request, offset > 0 ? $"{image}?offset={offset.ToString(CultureInfo.InvariantCulture)}" : image);

    /// <summary>Type, permission bits, owner and inode of a path in an ext4 file system.</summary>
    public static Ext4Inode Stat(string image, long offset, string path)
    {
        string text = Debugfs(image, offset, $"stat \"{path}\"");
        Match inode = InodeLine().Match(text);
        Match owner = OwnerLine().Match(text);
        Assert.True(inode.Success && owner.Success, $"debugfs stat {path}: {text}");
        Match link = LinkLine().Match(text);
        return new Ext4Inode(
            long.Parse(inode.Groups["inode"].Value, CultureInfo.InvariantCulture),
            inode.Groups["type"].Value,
            inode.Groups["mode"].Value,
            int.Parse(owner.Groups["uid"].Value, CultureInfo.InvariantCulture),
            int.Parse(owner.Groups["gid"].Value, CultureInfo.InvariantCulture),
            link.Success ? link.Groups["target"].Value : null);
    }

    /// <summary>Names in a directory of an ext4 file system (without . and ..).</summary>
    public static IReadOnlyList<string> List(string image, long offset, string path)
        => Debugfs(image, offset, $"ls -p \"{path}\"")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('/'))
            .Where(fields => fields.Length >= 6 && fields[5] is not ("." or ".."))
            .Select(fields => fields[5])
            .ToList();

    /// <summary>Names in a directory of an xfs file system (without . and ..), read with <c>xfs_db -r</c>.</summary>
    public static IReadOnlyList<string> XfsList(string device, string path)
        => Run("xfs_db", "-r", "-c", $"ls {path}", device)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => XfsDirectoryEntry().Match(line))
            .Where(entry => entry.Success && entry.Groups["name"].Value is not ("." or ".."))
            .Select(entry => entry.Groups["name"].Value)
            .ToList();

    /// <summary>mtools' listing of a FAT directory (<c>mdir -b</c>: one path per line).</summary>
    public static string FatList(string image, long offset, string path)
        => RunWith("mdir", ["-b", "-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", path], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });

    public static string FatRead(string image, long offset, string path)
        => RunWith("mtype", ["-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", path], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });

    /// <summary>Every path of a FAT file system (<c>mdir -/ -b</c>: directories end in /), sorted.</summary>
    public static IReadOnlyList<string> FatTree(string image, long offset)
        => [.. RunWith("mdir", ["-/", "-b", "-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", "::"], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" })
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The layout of a FAT file system as mtools' <c>minfo</c> reads it from the boot sector: FAT type,
    /// cluster size, reserved sectors, FAT length, total sectors, geometry, media byte and so on,
    /// as name → value; without the serial number and the label, which are not layout.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FatLayout(string image, long offset)
    {
        string info = RunWith("minfo", ["-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", "::"], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });
        var layout = info.Split('\n')
            .SkipWhile(line => line != "bootsector information")
            .TakeWhile(line => line != "Infosector:")
            .Select(line => line.Split([':', '='], 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() is not ("" or "serial number" or "disk label" or "banner"))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        Assert.True(layout.ContainsKey("disk type") && layout.ContainsKey("cluster size"), $"minfo found no FAT boot sector at {offset} in {image}:\n{info}");
        return layout;
    }

    /// <summary>
    /// The layout mkfs.fat gives a device of exactly <paramref name="bytes"/> bytes on its own: it makes
    /// <paramref name="file"/> that large and runs on the whole file, as on a partition's block device.
    /// </summary>
    public static IReadOnlyDictionary<string, string> StandaloneFatLayout(string file, long bytes)
    {
        Run("truncate", "--size", bytes.ToString(CultureInfo.InvariantCulture), file);
        Run("mkfs.fat", file);
        return FatLayout(file, 0);
    }

    /// <summary><c>fsck.vfat -n</c> (check only) on a FAT file system; fails unless it finds nothing wrong.</summary>
    public static string FsckFat(string device) => Run("fsck.vfat", "-n", device);

    /// <summary><c>qemu-img info --output=json</c>.</summary>
    public static JsonElement QemuImgInfo(string image)
        => JsonDocument.Parse(Run("qemu-img", "info", "--output=json", image)).RootElement.Clone();

    public static byte[] ReadBytes(string image, long offset, int count)
    {
        using var stream = File.OpenRead(image);
        stream.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    [GeneratedRegex(@"Inode:\s+(?<inode>\d+)\s+Type:\s+(?<type>\S+)\s+Mode:\s+(?<mode>\d+)")]
    private static partial Regex InodeLine();

    [GeneratedRegex(@"User:\s+(?<uid>\d+)\s+Group:\s+(?<gid>\d+)")]
    private static partial Regex OwnerLine();

    [GeneratedRegex(@"^\d+\s+\d+\s+\S+\s+0x[0-9a-f]+\s+\d+\s(?<name>.*) \(\w+\)$")]
    private static partial Regex XfsDirectoryEntry();

    [GeneratedRegex("Fast link dest: \"(?<target>[^\"]*)\"")]
    private static partial Regex LinkLine();
}

/// <summary>What debugfs says about one inode.</summary>
internal sealed record Ext4Inode(long Number, string Type, string Mode, int Uid, int Gid, string? LinkTarget);
