using System.Globalization;

namespace Engine.Plugins.Stages.Common;

/// <summary>
/// What org.osbuild.rpm, org.osbuild.dnf and org.osbuild.yum do around the package manager: the API
/// file systems in the tree, the fake machine id that package scripts may need, the rpm database
/// location, and the clean-ups afterwards.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class PackageTree
{
    /// <summary>
    /// Where the tree's rpm database lives. Debian's rpm defaults <c>%_dbpath</c> to <c>~/.rpmdb</c>,
    /// which would put the database at TREE/root/.rpmdb (or wherever HOME points); an image's rpm
    /// looks in /var/lib/rpm, so every command names it explicitly.
    /// </summary>
    public const string DbPath = "/var/lib/rpm";

    private const string FakeMachineId = "ffffffffffffffffffffffffffffffff\n";

    /// <summary>
    /// Bind-mounts the build root's /dev, /sys and /proc into the tree (recorded in
    /// <paramref name="mounts"/>, undone when it is disposed) and creates a fake
    /// /etc/machine-id when the tree has none.
    /// </summary>
    /// <returns>Whether the fake machine id was created (and must be replaced by <see cref="Finish"/>).</returns>
    public static async Task<bool> PrepareAsync(string tree, Mounts mounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        foreach (string name in new[] { "dev", "sys", "proc" })
        {
            string target = Path.Combine(tree, name);
            Directory.CreateDirectory(target);
            await mounts.MountAsync(["--bind", "/" + name], target, cancellationToken).ConfigureAwait(false);
        }

        string machineId = Path.Combine(tree, "etc/machine-id");
        if (FileEntries.Exists(machineId))
        {
            return false;
        }

        Console.WriteLine("creating a fake machine id");
        Console.Out.Flush();
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(machineId, FakeMachineId);
        File.SetUnixFileMode(machineId, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return true;
    }

    /// <summary>
    /// Replaces the fake machine id by an empty file (systemd makes one on first boot) and removes
    /// systemd's random seed, which must differ between machines.
    /// </summary>
    public static void Finish(string tree, bool fakeMachineId)
    {
        if (fakeMachineId)
        {
            Console.WriteLine("deleting the fake machine id");
            Console.Out.Flush();
            string machineId = Path.Combine(tree, "etc/machine-id");
            File.Delete(machineId);
            using (File.Create(machineId))
            {
                // Empty, with the default mode (0666 masked by the umask).
            }
        }

        string seed = Path.Combine(tree, "var/lib/systemd/random-seed");
        if (FileEntries.Exists(seed))
        {
            File.Delete(seed);
        }
    }

    /// <summary>
    /// Creates a private scratch directory under /tmp named <c>PREFIX.XXXXXXXX</c>, like Python's
    /// tempfile.mkdtemp, holding an <c>.rpmmacros</c> that points <c>%_dbpath</c> at <see cref="DbPath"/>.
    /// Tools that have no dbpath option (dnf, yum) read it when HOME is this directory.
    /// </summary>
    public static string CreateScratch(string prefix)
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory(prefix + ".");
        File.WriteAllText(Path.Combine(directory.FullName, ".rpmmacros"), $"%_dbpath {DbPath}\n");
        return directory.FullName;
    }

    /// <summary>Removes a directory made by <see cref="CreateScratch"/> (plain files only below it).</summary>
    public static void RemoveScratch(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // /tmp is the container's private one; a leftover goes with it.
        }
    }

    /// <summary>The source's reply, or a failure naming the source and its message.</summary>
    public static async Task<System.Text.Json.JsonElement> GetSourcesAsync(PluginContext context, string source, IReadOnlyList<string> checksums, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await context.GetSourcesAsync(source, checksums, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcErrorException e)
        {
            throw new PluginFailedException(string.Create(CultureInfo.InvariantCulture, $"{source} could not provide {checksums.Count} item(s): {e.HostMessage}"));
        }
    }
}
