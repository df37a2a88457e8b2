using Tmds.Linux;

namespace Engine.Native;

/// <summary>Namespaces of the calling thread (unshare(2)) and mount propagation.</summary>
public static unsafe class Namespaces
{
    private const int CLONE_NEWNS = 0x00020000;
    private const ulong MS_REC = 0x4000;
    private const ulong MS_SLAVE = 1 << 19;

    /// <summary>
    /// Moves the calling thread into a new mount namespace in which mounts made elsewhere still
    /// appear (<c>/</c> becomes a recursive slave) but its own stay private; returns 0 or the errno
    /// (EPERM without CAP_SYS_ADMIN).
    /// </summary>
    public static int TryEnterPrivateMountNamespace()
    {
        if (LibC.unshare(CLONE_NEWNS) != 0)
        {
            return Errno.Last;
        }

        byte[] root = FileNames.NulTerminated("/");
        fixed (byte* target = root)
        {
            return LibC.mount(null, target, null, (ulong_t)(MS_REC | MS_SLAVE), null) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>The calling thread's mount namespace, as /proc names it (<c>mnt:[4026531841]</c>); null without /proc.</summary>
    public static string? CurrentMountNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/mnt").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
