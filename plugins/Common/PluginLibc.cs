using System.Runtime.InteropServices;

namespace Engine.Plugins.Common;

/// <summary>
/// The few libc calls the plugins need and .NET does not offer: <c>access</c>, <c>chown</c> and
/// <c>execv</c> (a runner replaces itself with the plugin, keeping fds 0-3). Raw calls keep their C
/// names; the wrappers turn errno into exceptions that name the path.
/// </summary>
internal static class PluginLibc
{
    private const int X_OK = 1;

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    private const int SIGPIPE = 13;

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern IntPtr signal(int signum, IntPtr handler);

    [DllImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static extern int execv([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr[] argv);

    /// <summary>Whether the calling process may execute <paramref name="path"/> (access(2) with X_OK).</summary>
    public static bool IsExecutable(string path) => access(path, X_OK) == 0;

    /// <summary>Sets owner and group of <paramref name="path"/> (follows symlinks, like os.chown).</summary>
    /// <exception cref="IOException">chown(2) failed; the message names the path and errno.</exception>
    public static void Chown(string path, int uid, int gid)
    {
        if (chown(path, uid, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown {uid}:{gid} {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>
    /// Replaces the process image with <paramref name="path"/>, argv = <paramref name="argv"/>;
    /// the environment and every descriptor without FD_CLOEXEC (stdio, fd 3) carry over.
    /// The .NET runtime ignores SIGPIPE, and an ignored signal stays ignored across exec: it is
    /// set back to the default first, so that the plugin (and every program it starts) sees
    /// SIGPIPE as if started directly. Pinned by HostRunnerTests.Host_Probe_NoSignalIgnoredOrBlocked.
    /// Returns only on failure, with errno.
    /// </summary>
    public static int Exec(string path, IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var pointers = new IntPtr[argv.Count + 1];
        try
        {
            for (int i = 0; i < argv.Count; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            signal(SIGPIPE, IntPtr.Zero); // SIG_DFL
            execv(path, pointers);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (IntPtr pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    /// <summary>strerror text for <paramref name="errno"/>.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
