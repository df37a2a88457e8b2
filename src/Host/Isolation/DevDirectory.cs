using Engine.Native;

namespace Engine.Host.Isolation;

/// <summary>
/// The container's /dev: a directory on the host with the usual character devices, bound into the
/// container, so that the loop service can add block device nodes to it while a plugin runs.
/// </summary>
public static class DevDirectory
{
    private static readonly (string Name, uint Major, uint Minor, ushort Mode)[] s_nodes =
    [
        ("null", 1, 3, 0x1b6), ("zero", 1, 5, 0x1b6), ("full", 1, 7, 0x1b6),
        ("random", 1, 8, 0x1b6), ("urandom", 1, 9, 0x1b6), ("tty", 5, 0, 0x1b6),
    ];

    /// <summary>Fills the empty directory <paramref name="path"/>.</summary>
    public static void Populate(string path)
    {
        foreach (var (name, major, minor, mode) in s_nodes)
        {
            string node = Path.Combine(path, name);
            // Made with exactly this mode whatever the umask: every user in the container uses them.
            int errno = DeviceNodes.TryMakeCharacterNode(node, mode, DeviceNodes.MakeDev(major, minor));
            if (errno != 0)
            {
                Errno.Throw("mknod", $"the container device node {node}", errno, "the store must be on a file system that allows device nodes (not mounted nodev)");
            }
        }

        File.CreateSymbolicLink(Path.Combine(path, "fd"), "/proc/self/fd");
        File.CreateSymbolicLink(Path.Combine(path, "stdin"), "/proc/self/fd/0");
        File.CreateSymbolicLink(Path.Combine(path, "stdout"), "/proc/self/fd/1");
        File.CreateSymbolicLink(Path.Combine(path, "stderr"), "/proc/self/fd/2");
        Directory.CreateDirectory(Path.Combine(path, "shm"));
        Directory.CreateDirectory(Path.Combine(path, "pts"));
    }
}
