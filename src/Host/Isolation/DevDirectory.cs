using System.Runtime.InteropServices;

namespace Engine.Host.Isolation;

/// <summary>
/// The container's /dev: a directory on the host with the usual character devices, bound into the
/// container, so that the loop service can add block device nodes to it while a plugin runs.
/// </summary>
public static partial class DevDirectory
{
    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mknod(string path, uint mode, ulong dev);

    private const uint S_IFCHR = 0x2000;

    private static readonly (string Name, uint Major, uint Minor, uint Mode)[] s_nodes =
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
            ulong dev = ((ulong)major << 8) | minor;
            if (Mknod(node, S_IFCHR | mode, dev) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"cannot create the container device node {node}: {Marshal.GetPInvokeErrorMessage(errno)}; the store must be on a file system that allows device nodes (not mounted nodev)");
            }

            // mknod honours the umask; the nodes must be usable by every user in the container.
            File.SetUnixFileMode(node, (UnixFileMode)mode);
        }

        File.CreateSymbolicLink(Path.Combine(path, "fd"), "/proc/self/fd");
        File.CreateSymbolicLink(Path.Combine(path, "stdin"), "/proc/self/fd/0");
        File.CreateSymbolicLink(Path.Combine(path, "stdout"), "/proc/self/fd/1");
        File.CreateSymbolicLink(Path.Combine(path, "stderr"), "/proc/self/fd/2");
        Directory.CreateDirectory(Path.Combine(path, "shm"));
        Directory.CreateDirectory(Path.Combine(path, "pts"));
    }
}
