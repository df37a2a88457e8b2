using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Opening and reading files. Every descriptor is opened with <c>O_CLOEXEC</c>, so no child
/// inherits it by accident, and is a <see cref="SafeFileHandle"/> from the moment it exists.
/// </summary>
public static unsafe class Files
{
    /// <summary>Flags to open a regular file of a walk with <see cref="TryOpenAt"/>: never follow a symlink, never block on a FIFO that replaced it, never become a controlling tty.</summary>
    public static int OpenAtFlags => LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY;

    /// <summary>Opens <paramref name="path"/> read-write or read-only, retrying on EINTR; returns 0 or the errno.</summary>
    public static int TryOpen(string path, bool writable, out SafeFileHandle handle)
    {
        int flags = (writable ? LibC.O_RDWR : LibC.O_RDONLY) | LibC.O_CLOEXEC;
        byte[] pathZ = FileNames.NulTerminated(path);
        int fd;
        fixed (byte* p = pathZ)
        {
            do
            {
                fd = LibC.open(p, flags, 0);
            }
            while (fd < 0 && Errno.Last == LibC.EINTR);
        }

        return Adopt(fd, out handle);
    }

    /// <summary><c>openat(directory, name, flags | O_CLOEXEC)</c>; returns 0 or the errno.</summary>
    public static int TryOpenAt(SafeFileHandle directory, byte[] nameWithNul, int flags, out SafeFileHandle handle)
    {
        int fd;
        using (var lease = new DescriptorLease(directory))
        {
            fixed (byte* name = nameWithNul)
            {
                fd = LibC.openat(lease.Fd, name, flags | LibC.O_CLOEXEC, 0);
            }
        }

        return Adopt(fd, out handle);
    }

    /// <summary>
    /// <c>read(2)</c> into <paramref name="buffer"/>, retrying on EINTR; returns the count, 0 at the end of the file.
    /// </summary>
    /// <exception cref="NativeException">The read failed; <paramref name="pathForErrors"/> names the file.</exception>
    public static int Read(SafeFileHandle handle, Span<byte> buffer, string pathForErrors)
    {
        using var fd = new DescriptorLease(handle);
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long count = LibC.read(fd.Fd, p, (size_t)(ulong)buffer.Length);
                if (count >= 0)
                {
                    return (int)count;
                }

                int errno = Errno.Last;
                if (errno != LibC.EINTR)
                {
                    Errno.Throw("read", pathForErrors, errno);
                }
            }
        }
    }

    /// <summary>The raw bytes of a symlink's target; returns 0 or the errno.</summary>
    public static int TryReadLinkAt(SafeFileHandle directory, byte[] nameWithNul, out byte[] target)
    {
        // PATH_MAX (4096) bounds what the kernel stores for a symlink target.
        Span<byte> buffer = stackalloc byte[4097];
        long count;
        using (var fd = new DescriptorLease(directory))
        {
            fixed (byte* name = nameWithNul)
            fixed (byte* p = buffer)
            {
                count = LibC.readlinkat(fd.Fd, name, p, (size_t)(ulong)buffer.Length);
            }
        }

        if (count < 0)
        {
            target = [];
            return Errno.Last;
        }

        target = buffer[..(int)count].ToArray();
        return 0;
    }

    /// <summary>Wraps the result of an open: a handle that owns <paramref name="fd"/>, or an invalid one and the errno.</summary>
    internal static int Adopt(int fd, out SafeFileHandle handle)
    {
        if (fd < 0)
        {
            int errno = Errno.Last;
            handle = new SafeFileHandle();
            return errno;
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }
}
