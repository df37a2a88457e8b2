using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Native;

/// <summary>Creating pipes and socket pairs with O_CLOEXEC, owned by SafeHandles from the first instant.</summary>
internal static unsafe class Descriptors
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
