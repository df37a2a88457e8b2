using System.Globalization;
using System.Text;

namespace Engine.Plugins.Assemblers.Common;

/// <summary>A file system to make: type (ext4, xfs, vfat), UUID and optional label.</summary>
internal sealed record DiskFilesystem(string Type, string Uuid, string? Label);

/// <summary>
/// Makes a file system in a region of an image file and fills it from a directory, with as little
/// kernel help as each type allows:
/// <list type="bullet">
/// <item>ext4: <c>mkfs.ext4 -E offset=… -d DIR</c> writes the region directly, no loop device, no
/// mount (mke2fs keeps modes, owners, times, xattrs, hard links, symlinks and device nodes).</item>
/// <item>vfat: <c>mkfs.vfat --offset</c> with the layout it gives a device of the partition's size
/// (<see cref="DiskFatLayout"/>), and mtools' <c>IMAGE@@OFFSET</c>; this kernel has no vfat
/// driver at all, and FAT holds neither owners nor symlinks anyway.</item>
/// <item>xfs: nothing can fill it offline here (xfsprogs 6.1 has no directory import), so it takes
/// a loop device from the host's loop service, a mount, and <c>cp -a</c>.</item>
/// </list>
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DiskFilesystems
{
    private const int FatLabelLength = 11;

    /// <summary>Makes <paramref name="filesystem"/> in image[offset, offset+size) and copies <paramref name="content"/>/. into it.</summary>
    public static Task MakeAsync(PluginContext context, string image, long offset, long size, DiskFilesystem filesystem, string content, CancellationToken cancellationToken)
        => filesystem.Type switch
        {
            "ext4" => MakeExt4Async(image, offset, size, filesystem, content, cancellationToken),
            "vfat" => MakeVfatAsync(image, offset, size, filesystem, content, cancellationToken),
            "xfs" => MakeXfsAsync(context, image, offset, size, filesystem, content, cancellationToken),
            _ => throw new PluginFailedException($"unknown file system type '{filesystem.Type}'; use ext4, xfs or vfat"),
        };

    private static async Task MakeExt4Async(string image, long offset, long size, DiskFilesystem filesystem, string content, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "-U", filesystem.Uuid };
        if (!string.IsNullOrEmpty(filesystem.Label))
        {
            arguments.AddRange(["-L", filesystem.Label]);
        }

        if (offset > 0)
        {
            arguments.AddRange(["-E", $"offset={offset.ToString(CultureInfo.InvariantCulture)}"]);
        }

        // The size is given so that mke2fs never looks past the region (or grows the file).
        arguments.AddRange(["-d", content, image, $"{(size / 1024).ToString(CultureInfo.InvariantCulture)}k"]);

        // "y" answers mke2fs' question when the image already carries a partition table, as the reference does.
        await Command.RunAsync("mkfs.ext4", arguments, cancellationToken, new() { Input = "y\n" }).ConfigureAwait(false);
        await CopyRootAttributesAsync(image, offset, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>mke2fs -d</c> copies the directory's children but gives the root directory its own
    /// defaults (0755, owned by the caller, no extended attributes). <c>cp -a TREE/. MNT</c> in the
    /// reference copies the tree root's mode, owner, times and xattrs (an SELinux label, say) too,
    /// so do the same with debugfs, which, like mke2fs, reaches the region through unix_io's
    /// <c>?offset=</c>.
    /// </summary>
    private static async Task CopyRootAttributesAsync(string image, long offset, string content, CancellationToken cancellationToken)
    {
        string stat = await Command.CaptureAsync("stat", ["-c", "%f %u %g %X %Y", content], cancellationToken).ConfigureAwait(false);
        string[] fields = stat.Trim().Split(' ');
        int mode = int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var commands = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"sif / mode 0{Convert.ToString(mode, 8)}\n")
            .Append(CultureInfo.InvariantCulture, $"sif / uid {fields[1]}\n")
            .Append(CultureInfo.InvariantCulture, $"sif / gid {fields[2]}\n")
            .Append(CultureInfo.InvariantCulture, $"sif / atime @{fields[3]}\n")
            .Append(CultureInfo.InvariantCulture, $"sif / mtime @{fields[4]}\n");

        // Values go through files: they are binary (ACLs, capabilities) and debugfs reads them raw.
        string values = DiskStaging.CreateWorkDirectory("osbuild-xattr-");
        try
        {
            int index = 0;
            foreach (var (name, value) in Engine.Native.Xattrs.Read(content))
            {
                string file = Path.Combine(values, index++.ToString(CultureInfo.InvariantCulture));
                await File.WriteAllBytesAsync(file, value, cancellationToken).ConfigureAwait(false);
                commands.Append(CultureInfo.InvariantCulture, $"ea_set -f {file} / {name}\n");
            }

            string device = offset > 0 ? $"{image}?offset={offset.ToString(CultureInfo.InvariantCulture)}" : image;
            string[] arguments = ["-w", "-f", "-", device];
            CommandResult result = await Command.TryRunAsync("debugfs", arguments, cancellationToken, new() { Input = commands.ToString(), CaptureStdout = true }).ConfigureAwait(false);

            // debugfs exits 0 when a request fails; anything on stderr but its banner is a failure.
            bool complained = result.StderrTail.Split('\n').Any(line => line.Length > 0 && !line.StartsWith("debugfs ", StringComparison.Ordinal));
            if (result.ExitCode != 0 || complained)
            {
                throw new PluginFailedException($"copying the attributes of {content} to the root of the new file system failed: " + Command.DescribeFailure("debugfs", arguments, result));
            }
        }
        finally
        {
            Directory.Delete(values, recursive: true);
        }
    }

    private static async Task MakeVfatAsync(string image, long offset, long size, DiskFilesystem filesystem, string content, CancellationToken cancellationToken)
    {
        await RequireFatCompatibleAsync(content, cancellationToken).ConfigureAwait(false);
        var arguments = new List<string> { "-i", filesystem.Uuid.Replace("-", "", StringComparison.Ordinal) };
        if (!string.IsNullOrEmpty(filesystem.Label))
        {
            string label = filesystem.Label;
            if (label.Length > FatLabelLength)
            {
                // dosfstools up to 4.1 (the reference's) cut longer labels silently; 4.2 refuses them.
                // Keep the old result ("EFI System Partition" → "EFI System ") and say so.
                label = label[..FatLabelLength];
                Console.WriteLine($"warning: FAT labels have at most {FatLabelLength} characters; '{filesystem.Label}' is written as '{label}'");
            }

            arguments.AddRange(["-n", label]);
        }

        if (offset > 0)
        {
            if (offset % 512 != 0)
            {
                throw new PluginFailedException($"a FAT file system must start on a 512-byte sector; offset {offset} does not");
            }

            arguments.Add($"--offset={(offset / 512).ToString(CultureInfo.InvariantCulture)}");
        }

        // Inside the disk file mkfs.vfat would size its choices by the whole disk, not the
        // partition: take them from a device of the partition's size (see DiskFatLayout).
        DiskFatLayout layout = await DiskFatLayout.ProbeAsync(size, cancellationToken).ConfigureAwait(false);
        arguments.AddRange(layout.MkfsArguments());
        arguments.AddRange([image, layout.MkfsBlocks.ToString(CultureInfo.InvariantCulture)]);
        await Command.RunAsync("mkfs.vfat", arguments, cancellationToken).ConfigureAwait(false);
        DiskFatLayout made = DiskFatLayout.Read(image, offset, $"the partition at byte {offset}");
        if (made != layout)
        {
            throw new PluginFailedException(
                $"mkfs.vfat made the FAT file system at byte {offset} as {made.Describe()}, not as on a device of the partition's {size} bytes ({layout.Describe()}); " +
                "the build root's dosfstools does not keep the layout it is given with -F, -s, -g, -M and -r (dosfstools 4.2 does)");
        }

        string[] entries = Directory.Exists(content) ? Directory.GetFileSystemEntries(content) : [];
        if (entries.Length == 0)
        {
            return;
        }

        // -s recursive, -p keep attributes, -m keep modification times, -Q stop at the first error.
        string drive = $"{image}@@{offset.ToString(CultureInfo.InvariantCulture)}";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["MTOOLS_SKIP_CHECK"] = "1" };
        await Command.RunAsync("mcopy", ["-s", "-p", "-m", "-Q", "-i", drive, .. entries.Order(StringComparer.Ordinal), "::/"], cancellationToken, new() { Environment = environment }).ConfigureAwait(false);
    }

    /// <summary>FAT stores regular files and directories only; the reference's <c>cp -a</c> fails on anything else too.</summary>
    private static async Task RequireFatCompatibleAsync(string content, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(content))
        {
            return;
        }

        string found = await Command.CaptureAsync("find", [content, "-mindepth", "1", "!", "-type", "f", "!", "-type", "d", "-print", "-quit"], cancellationToken).ConfigureAwait(false);
        if (found.Length > 0)
        {
            throw new PluginFailedException($"'{found.Trim()}' is a symlink or special file, which a FAT file system cannot hold");
        }
    }

    private static async Task MakeXfsAsync(PluginContext context, string image, long offset, long size, DiskFilesystem filesystem, string content, CancellationToken cancellationToken)
    {
        await using var loops = new DiskLoopDevices(context, "an xfs file system");
        string device = await loops.AttachAsync(image, offset, size, cancellationToken).ConfigureAwait(false);
        var arguments = new List<string> { "-m", $"uuid={filesystem.Uuid}" };
        if (!string.IsNullOrEmpty(filesystem.Label))
        {
            arguments.AddRange(["-L", filesystem.Label]);
        }

        arguments.Add(device);
        await Command.RunAsync("mkfs.xfs", arguments, cancellationToken).ConfigureAwait(false);

        DirectoryInfo mountpoint = Directory.CreateTempSubdirectory("osbuild-mnt");
        try
        {
            await using (var mounts = new Mounts())
            {
                await mounts.MountAsync([device], mountpoint.FullName, cancellationToken).ConfigureAwait(false);
                if (Directory.Exists(content))
                {
                    await Command.RunAsync("cp", ["-a", "--", Path.Combine(content, "."), mountpoint.FullName], cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            mountpoint.Delete();
        }
    }
}
