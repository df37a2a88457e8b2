using Tmds.Linux;

namespace Engine.Native;

/// <summary>mount(2) and umount2(2) by path.</summary>
public static unsafe class Mounts
{
    /// <summary>umount2 flag: detach now, finish when the mount is no longer busy.</summary>
    public const int MNT_DETACH = 2;

    /// <summary>
    /// Mounts a file system of type <paramref name="type"/> from <paramref name="source"/> at
    /// <paramref name="target"/> with the file-system options <paramref name="data"/>; returns 0 or the errno.
    /// </summary>
    public static int TryMount(string source, string target, string type, ulong flags, string? data)
    {
        byte[] sourceZ = FileNames.NulTerminated(source);
        byte[] targetZ = FileNames.NulTerminated(target);
        byte[] typeZ = FileNames.NulTerminated(type);
        byte[]? dataZ = data is null ? null : FileNames.NulTerminated(data);
        fixed (byte* s = sourceZ)
        fixed (byte* t = targetZ)
        fixed (byte* y = typeZ)
        fixed (byte* d = dataZ)
        {
            return LibC.mount(s, t, y, (ulong_t)flags, d) < 0 ? Errno.Last : 0;
        }
    }

    /// <summary>Unmounts <paramref name="target"/> (<paramref name="flags"/>: 0 or <see cref="MNT_DETACH"/>); returns 0 or the errno.</summary>
    public static int TryUnmount(string target, int flags)
    {
        byte[] targetZ = FileNames.NulTerminated(target);
        fixed (byte* t = targetZ)
        {
            return LibC.umount2(t, flags) < 0 ? Errno.Last : 0;
        }
    }
}
