using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Debs;

/// <summary>
/// Removes what a package installation leaves that differs from build to build or describes the
/// build machine, so that two builds of the same packages give the same treesum.
/// </summary>
internal static class ReproducibleTree
{
    /// <summary>Files removed when present: logs with the time of the build, caches with inode numbers or times, backups.</summary>
    private static readonly string[] BuildRecords =
    [
        // mmdebstrap copies the build host's name and resolver into the tree for package scripts.
        "etc/hostname",
        "etc/resolv.conf",
        // ldconfig's cache of library inodes and times: rebuilt when missing.
        "var/cache/ldconfig/aux-cache",
        // Logs of the installation, stamped with the build's time.
        "var/log/dpkg.log",
        "var/log/alternatives.log",
        "var/log/bootstrap.log",
        "var/log/apt/history.log",
        "var/log/apt/term.log",
        "var/log/apt/eipp.log.xz",
        // debconf's and dpkg's backups of their databases from the previous run.
        "var/cache/debconf/config.dat-old",
        "var/cache/debconf/templates.dat-old",
        "var/lib/dpkg/status-old",
        "var/lib/dpkg/diversions-old",
        "var/lib/dpkg/statoverride-old",
        // systemd's seed must differ between machines.
        "var/lib/systemd/random-seed",
    ];

    public static void Clean(string tree)
    {
        foreach (string relative in BuildRecords)
        {
            string path = Path.Combine(tree, relative);
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }

        DebianTree.RemoveAptCaches(tree);
        DebianTree.ResetMachineId(tree);

        // Device nodes that mmdebstrap makes in /dev: a stored tree holds only files, directories
        // and links (the treesum refuses others), and a booted system mounts devtmpfs there.
        string dev = Path.Combine(tree, "dev");
        if (Directory.Exists(dev))
        {
            Command.Run("find", [dev, "-mindepth", "1", "(", "-type", "b", "-o", "-type", "c", "-o", "-type", "p", "-o", "-type", "s", ")", "-delete"], CommandSettings.Echoed with { StdoutTarget = Stream.Null });
        }
    }
}
