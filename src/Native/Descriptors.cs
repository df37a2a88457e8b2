using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>Creating pipes and socket pairs with O_CLOEXEC, owned by SafeHandles from the first instant.</summary>
public static unsafe class Descriptors
{
    /// <summary>A pipe: (read end, write end).</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Errno.Check(LibC.pipe2(fds, LibC.O_CLOEXEC), "pipe2", "a log pipe");

        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>
    /// Marks an inherited descriptor close-on-exec, so that programs started from here do not get
    /// it. False when <paramref name="fd"/> is not open.
    /// </summary>
    public static bool TrySetCloseOnExec(int fd)
    {
        int flags = LibC.fcntl(fd, LibC.F_GETFD);
        return flags >= 0 && LibC.fcntl(fd, LibC.F_SETFD, flags | LibC.FD_CLOEXEC) == 0;
    }

    /// <summary>A connected AF_UNIX stream socket pair: (host end, plugin end).</summary>
    public static (SafeSocketHandle Host, SafeSocketHandle Plugin) SocketPair()
    {
        int* fds = stackalloc int[2];
        Errno.Check(LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds), "socketpair", "the RPC channel");

        return (new SafeSocketHandle(fds[0], ownsHandle: true), new SafeSocketHandle(fds[1], ownsHandle: true));
    }
}
