using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// Reads disk images with tools independent of the plugins' code paths: sfdisk --json, blkid -p
/// (probing at an offset), debugfs (ext4 read-only, through unix_io's <c>?offset=</c>), mtools,
/// qemu-img info. Nothing here needs a loop device or a mount.
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

    /// <summary>mtools' listing of a FAT directory (<c>mdir -b</c>: one path per line).</summary>
    public static string FatList(string image, long offset, string path)
        => RunWith("mdir", ["-b", "-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", path], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });

    public static string FatRead(string image, long offset, string path)
        => RunWith("mtype", ["-i", $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}", path], new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1" });

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

    [GeneratedRegex("Fast link dest: \"(?<target>[^\"]*)\"")]
    private static partial Regex LinkLine();
}

/// <summary>What debugfs says about one inode.</summary>
internal sealed record Ext4Inode(long Number, string Type, string Mode, int Uid, int Gid, string? LinkTarget);
