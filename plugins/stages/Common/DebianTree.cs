namespace Engine.Plugins.Stages.Common;

/// <summary>
/// Clean-ups shared by the Debian tree stages (org.osbuild.debootstrap, org.osbuild.apt): what
/// apt and package scripts leave in a tree that has no place in an image.
/// </summary>
internal static class DebianTree
{
    /// <summary>
    /// Removes apt's downloaded package lists and caches. The lists are a snapshot of the archive
    /// at build time (tens of MB, stale within days; an image's apt starts with <c>apt update</c>),
    /// the <c>*.bin</c> caches are rebuilt from them, and the <c>.deb</c> files are already installed.
    /// The directories themselves and apt's lock files stay, as a fresh install has them.
    /// </summary>
    public static void RemoveAptCaches(string tree)
    {
        DeleteFiles(Path.Combine(tree, "var/cache/apt"), "*.bin");
        DeleteFiles(Path.Combine(tree, "var/cache/apt/archives"), "*.deb");
        DeleteFiles(Path.Combine(tree, "var/cache/apt/archives/partial"), "*");
        string lists = Path.Combine(tree, "var/lib/apt/lists");
        if (Directory.Exists(lists))
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(lists))
            {
                string name = Path.GetFileName(entry);
                if (name is "lock" or "partial" or "auxfiles")
                {
                    continue;
                }

                FileEntries.Delete(entry);
            }

            DeleteFiles(Path.Combine(lists, "partial"), "*");
        }
    }

    /// <summary>
    /// Empties <c>/etc/machine-id</c> when a package script (systemd's postinst) filled it: an id made
    /// at build time would be shared by every machine booted from the image. An empty file makes
    /// systemd generate one on first boot (and keeps the file there for a read-only root). D-Bus's
    /// copy is removed unless it is the usual symlink to /etc/machine-id.
    /// </summary>
    public static void ResetMachineId(string tree)
    {
        string machineId = Path.Combine(tree, "etc/machine-id");
        if (File.Exists(machineId) && new FileInfo(machineId).LinkTarget is null && new FileInfo(machineId).Length > 0)
        {
            using (new FileStream(machineId, FileMode.Truncate, FileAccess.Write))
            {
                // Truncate only: the file keeps its inode, mode and owner.
            }
        }

        string dbusId = Path.Combine(tree, "var/lib/dbus/machine-id");
        if (File.Exists(dbusId) && new FileInfo(dbusId).LinkTarget is null)
        {
            File.Delete(dbusId);
        }
    }

    private static void DeleteFiles(string directory, string pattern)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(directory, pattern))
        {
            File.Delete(file);
        }
    }
}
