using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Engine.Native;

/// <summary>Creating pipes and socket pairs with O_CLOEXEC, owned by SafeHandles from the first instant.</summary>
public static unsafe class Descriptors
{
    /// <summary>A pipe: (read end, write end).</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        int* fds = stackalloc int[2];
        if (PosixSpawn.pipe2(fds, PosixSpawn.O_CLOEXEC) != 0)
        {
            throw new NativeException("pipe2", "a log pipe", Marshal.GetLastPInvokeError());
        }

        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>
    /// Marks an inherited descriptor close-on-exec, so that programs started from here do not get
    /// it. False when <paramref name="fd"/> is not open.
    /// </summary>
    public static bool TrySetCloseOnExec(int fd)
    {
        const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
        int flags = PosixSpawn.fcntl(fd, F_GETFD, 0);
        return flags >= 0 && PosixSpawn.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
    }

    /// <summary>A connected AF_UNIX stream socket pair: (host end, plugin end).</summary>
    public static (SafeSocketHandle Host, SafeSocketHandle Plugin) SocketPair()
    {
        int* fds = stackalloc int[2];
        if (PosixSpawn.socketpair(PosixSpawn.AF_UNIX, PosixSpawn.SOCK_STREAM | PosixSpawn.SOCK_CLOEXEC, 0, fds) != 0)
        {
            throw new NativeException("socketpair", "the RPC channel", Marshal.GetLastPInvokeError());
        }

        return (new SafeSocketHandle(fds[0], ownsHandle: true), new SafeSocketHandle(fds[1], ownsHandle: true));
    }
}
