namespace Engine.Plugins.Assemblers.Common;

/// <summary>
/// The directory whose content goes into the file system mounted at one mountpoint of the image:
/// the tree's part at that mountpoint, without what belongs to file systems mounted below it
/// (those get their own). A mountpoint with nothing mounted below is the tree's own directory
/// (read, never copied); otherwise the part is copied with <c>cp -a</c> into a staging directory
/// in /var/tmp and the nested mountpoints are emptied there, keeping the directories themselves
/// (with the tree's mode, owner and times) as the places to mount on.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DiskStaging : IAsyncDisposable
{
    private readonly string? _owned;

    private DiskStaging(string path, string? owned)
    {
        Path = path;
        _owned = owned;
    }

    /// <summary>The directory to fill the file system from.</summary>
    public string Path { get; }

    /// <summary>Normalised form of a mountpoint: no leading or trailing slash, "" for the root.</summary>
    public static string Normalize(string mountpoint)
        => string.Join('/', mountpoint.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != "."));

    /// <summary>Prepares the content for <paramref name="mountpoint"/> given every mountpoint of the image.</summary>
    public static async Task<DiskStaging> PrepareAsync(string tree, string mountpoint, IEnumerable<string> allMountpoints, CancellationToken cancellationToken)
    {
        string self = Normalize(mountpoint);
        string source = self.Length == 0 ? tree : System.IO.Path.Combine(tree, self);
        var nested = allMountpoints
            .Select(Normalize)
            .Where(other => other != self && (self.Length == 0 || other.StartsWith(self + "/", StringComparison.Ordinal)))
            .Select(other => self.Length == 0 ? other : other[(self.Length + 1)..])
            .Distinct(StringComparer.Ordinal)
            .ToList();

        if (nested.Count == 0 && Directory.Exists(source))
        {
            return new DiskStaging(source, owned: null);
        }

        string staging = CreateWorkDirectory("osbuild-stage-");
        var result = new DiskStaging(staging, staging);
        try
        {
            if (Directory.Exists(source))
            {
                await Command.RunAsync("cp", ["-a", "--", System.IO.Path.Combine(source, "."), staging], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Not in the tree: an empty file system, with the mode mkdir -p would give it.
                File.SetUnixFileMode(staging, (UnixFileMode)0x1ed); // 0755
            }

            foreach (string relative in nested)
            {
                string inStaging = System.IO.Path.Combine(staging, relative);
                string inTree = System.IO.Path.Combine(source, relative);
                if (new FileInfo(inStaging).LinkTarget is not null)
                {
                    throw new Protocol.Sdk.PluginFailedException($"the mountpoint /{relative} below {mountpoint} is a symlink in the tree; a file system cannot be mounted there");
                }

                Directory.CreateDirectory(inStaging);
                foreach (string entry in Directory.EnumerateFileSystemEntries(inStaging))
                {
                    FileEntries.Delete(entry);
                }

                if (Directory.Exists(inTree))
                {
                    // Emptying changed the directory's times; give it the tree's again.
                    Directory.SetLastWriteTimeUtc(inStaging, Directory.GetLastWriteTimeUtc(inTree));
                    Directory.SetLastAccessTimeUtc(inStaging, Directory.GetLastAccessTimeUtc(inTree));
                }
            }
        }
        catch
        {
            await result.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    /// <summary>
    /// A new directory in /var/tmp: large work files belong on the store's file system (the
    /// container's /var/tmp), not in a /tmp that may be a small tmpfs.
    /// </summary>
    public static string CreateWorkDirectory(string prefix)
    {
        string path = System.IO.Path.Combine("/var/tmp", prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            // Our own copy, with nothing mounted below it; --one-file-system all the same.
            await Command.TryRunAsync("rm", ["-rf", "--one-file-system", "--", _owned], CancellationToken.None).ConfigureAwait(false);
        }
    }
}
