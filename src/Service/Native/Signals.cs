using System.Runtime.InteropServices;

namespace Engine.Service.Native;

/// <summary>
/// kill(2), the one libc call of the service: .NET's Process.Kill sends SIGKILL, but osbuild must
/// get SIGTERM to stop cleanly (exit 143, no mount, loop device or process left behind).
/// </summary>
internal static class Signals
{
    public const int SIGTERM = 15;
    public const int SIGKILL = 9;
    private const int ESRCH = 3;

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == ESRCH
            ? false
            : throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, and int arguments need no marshalling.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
