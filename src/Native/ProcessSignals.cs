using LibC = Tmds.Linux.LibC;

namespace Engine.Native;

/// <summary>
/// kill(2) for a process this program did not spawn with <see cref="PosixSpawn"/> (a
/// System.Diagnostics.Process): .NET's Process.Kill sends only SIGKILL, but osbuild must get SIGTERM
/// to stop cleanly (exit 143, no mount, loop device or process left behind).
/// </summary>
public static class ProcessSignals
{
    public const int SIGTERM = 15;
    public const int SIGKILL = 9;
    private const int ESRCH = 3;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is already gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (LibC.kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = Errno.Last;
        if (errno == ESRCH)
        {
            return false;
        }

        Errno.Throw("kill", $"process {pid} (signal {signal})", errno);
        return false;
    }
}
