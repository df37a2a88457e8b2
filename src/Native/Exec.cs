using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Running another program in this process's place: <c>execv</c>, which .NET does not offer (a
/// runner becomes its plugin and keeps stdin, stdout, stderr and fd 3), and the <c>access</c> check
/// that tells "cannot execute" from "does not exist" before anything is prepared for it.
/// </summary>
public static unsafe partial class Exec
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int execv(byte* path, byte** argv);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint signal(int signum, nint handler);

    private const nint SIG_DFL = 0;

    /// <summary>Whether this process may execute <paramref name="path"/> (<c>access(path, X_OK)</c>).</summary>
    public static bool IsExecutable(string path)
    {
        fixed (byte* p = FileNames.NulTerminated(path))
        {
            return LibC.access(p, LibC.X_OK) == 0;
        }
    }

    /// <summary>
    /// Replaces the process image with <paramref name="path"/>, argv = <paramref name="argv"/>; the
    /// environment and every descriptor without FD_CLOEXEC (stdio, fd 3) carry over. An ignored
    /// signal stays ignored across exec, and so does the blocked mask: the .NET runtime ignores
    /// SIGPIPE, and a program started in the background by a shell inherits SIGINT and SIGQUIT
    /// ignored. Every disposition is set back to the default and the mask cleared first, so that
    /// the program (and all it starts) begins as if started directly (pinned by
    /// HostRunnerTests.Host_Probe_NoSignalIgnoredOrBlocked), as a spawned child does.
    /// </summary>
    /// <returns>Only on failure: the errno of <c>execv</c> (ENOENT, EACCES, ENOEXEC…).</returns>
    public static int Replace(string path, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var pointers = new nint[argv.Count + 1];
        try
        {
            for (int i = 0; i < argv.Count; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            ResetSignals();
            fixed (byte* file = FileNames.NulTerminated(path))
            fixed (nint* arguments = pointers)
            {
                execv(file, (byte**)arguments);
            }

            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (nint pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static void ResetSignals()
    {
        const int Signals = 64;
        for (int signum = 1; signum <= Signals; signum++)
        {
            if (signum != LibC.SIGKILL && signum != LibC.SIGSTOP)
            {
                signal(signum, SIG_DFL); // EINVAL for the numbers glibc reserves: nothing to reset there
            }
        }

        sigset_t empty;
        LibC.sigemptyset(&empty);
        LibC.sigprocmask(LibC.SIG_SETMASK, &empty, null);
    }
}
