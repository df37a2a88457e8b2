using System.Diagnostics;

namespace Engine.Integration.Tests.Stages;

/// <summary>
/// A throw-away directory under /var/tmp (ext4 here, so SELinux labels and device-less trees work;
/// /tmp may be a tmpfs elsewhere). Deleted with <c>rm -rf --one-file-system</c>, which never
/// crosses into something mounted below it.
/// </summary>
internal sealed class ScratchTree : IDisposable
{
    public ScratchTree(string prefix = "engine-stage-")
    {
        Path = System.IO.Path.Join("/var/tmp", prefix + Guid.NewGuid().ToString("N")[..12]);
        _root = Path;
        Directory.CreateDirectory(Path);
        if (OperatingSystem.IsLinux())
        {
            // Trees are 0755 like a real root, whatever the umask.
            File.SetUnixFileMode(Path, (UnixFileMode)0x1ed);
        }
    }

    private ScratchTree(string path, string root, string? mountPoint)
    {
        Path = path;
        _root = root;
        _mountPoint = mountPoint;
    }

    private readonly string? _root;
    private readonly string? _mountPoint;

    /// <summary>The tree (for an overlay: the merged view).</summary>
    public string Path { get; }

    /// <summary>Adopts <paramref name="path"/> (made by someone else) for deletion.</summary>
    public static ScratchTree Adopt(string path) => new(path, path, mountPoint: null);

    /// <summary>
    /// A private, writable view of <paramref name="lower"/>: an overlay mount whose upper layer
    /// lives in a scratch directory, so <paramref name="lower"/> never changes. It behaves like
    /// a <c>cp -a</c> copy for the tools the stages run, and costs a mount instead of copying
    /// 400 MB per test. Null when overlay cannot be mounted here.
    /// </summary>
    public static async Task<ScratchTree?> TryOverlayAsync(string lower)
    {
        using var scratch = new ScratchTree("engine-overlay-");
        string tree = scratch.Combine("tree");
        foreach (string folder in new[] { "upper", "work", "tree" })
        {
            Directory.CreateDirectory(scratch.Combine(folder));
        }

        PluginResult mount = await ProcessRunner.RunAsync(
            new ProcessStartInfo("mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={scratch.Combine("upper")},workdir={scratch.Combine("work")}", tree])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
            "");
        if (mount.ExitCode != 0)
        {
            return null;
        }

        File.SetUnixFileMode(tree, File.GetUnixFileMode(lower));
        var overlay = new ScratchTree(tree, scratch.Path, tree);
        scratch.Keep();
        return overlay;
    }

    private bool _kept;

    private void Keep() => _kept = true;

    public string Combine(string relative) => System.IO.Path.Join(Path, relative);

    /// <summary>Creates a file below the tree (folders included) and returns its path.</summary>
    public string Write(string relative, string text)
    {
        string path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string Read(string relative) => File.ReadAllText(Combine(relative));

    public void Dispose()
    {
        if (_kept)
        {
            return;
        }

        if (_mountPoint is not null)
        {
            using var unmount = Process.Start("umount", [_mountPoint]);
            unmount.WaitForExit();
        }

        // rm --one-file-system still crosses a bind mount of the same file system: delete
        // nothing while anything is mounted below the directory.
        string root = _root ?? Path;
        if (File.ReadLines("/proc/self/mountinfo").Select(line => line.Split(' ')[4])
                .Any(mountPoint => mountPoint == root || mountPoint.StartsWith(root + "/", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"ScratchTree: {root} is left behind: something is still mounted below it");
            return;
        }

        using var remove = Process.Start("rm", ["-rf", "--one-file-system", root]);
        remove.WaitForExit();
    }
}
