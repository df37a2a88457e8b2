using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Host.Cli;

/// <summary>
/// The installed <c>bin/osbuild</c> is a NativeAOT build of this program: it starts in about 10 ms
/// instead of the 150-200 ms of a ReadyToRun .NET start (docs/performance.md). It does by itself
/// everything that runs no container: <c>--help</c>, <c>--inspect</c>, every input check with its
/// exit status 2, <c>plugins</c>, <c>tree-diff</c>, and a fully cached build. For the rest it
/// replaces itself (<c>execv</c>, same pid, same stdio) by the ReadyToRun build of the same code in
/// <c>libexec/osbuild/osbuild</c>, which runs everything again from the start: StreamJsonRpc (the
/// plugin channel), McMaster.NETCore.Plugins (C# source plugins) and Scriban (<c>osbuild new</c>)
/// generate code at run time, which NativeAOT cannot do. Handing over before anything was printed
/// or built keeps the two from ever both reporting on one build. The managed host starts in a
/// mount namespace of its own (<see cref="EnterOwnMountNamespace"/>).
/// </summary>
internal static unsafe partial class ManagedHost
{
    /// <summary>True in the NativeAOT front end, which must hand over before it needs run-time code generation.</summary>
    public static bool MustHandOver => !RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>The command line exactly as the process got it (before option abbreviations were expanded).</summary>
    public static IReadOnlyList<string> CommandLine { get; set; } = [];

    /// <summary>Where the front end finds the managed host: <c>PREFIX/libexec/osbuild/osbuild</c>.</summary>
    public static string? Path => HostEnvironment.InstallPrefix() is string prefix
        ? System.IO.Path.Combine(prefix, "libexec", "osbuild", "osbuild")
        : null;

    /// <summary>
    /// Replaces this process by the managed host with the same arguments. Returns only on failure,
    /// after printing why, with exit status 1.
    /// </summary>
    public static int HandOver()
    {
        string? host = Path;
        if (host is null || !File.Exists(host))
        {
            Console.Error.WriteLine($"error: this needs the full host, {host ?? "PREFIX/libexec/osbuild/osbuild"}, which is not installed beside {Environment.ProcessPath}; run ./build.sh again");
            return ExitCodes.BuildFailed;
        }

        Console.Out.Flush();
        Console.Error.Flush();
        EnterOwnMountNamespace();
        string[] argv = [host, .. CommandLine];
        nint[] pointers = new nint[argv.Length + 1];
        try
        {
            for (int i = 0; i < argv.Length; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            fixed (nint* argvPointer = pointers)
            {
                Execv(pointers[0], argvPointer);
            }

            int errno = Marshal.GetLastPInvokeError();
            Console.Error.WriteLine($"error: cannot start the full host {host}: {Marshal.GetPInvokeErrorMessage(errno)}");
            return ExitCodes.BuildFailed;
        }
        finally
        {
            foreach (nint pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    /// <summary>
    /// Moves this thread, and so the program it is about to exec, into a mount namespace of its own,
    /// where mounts made elsewhere still appear (slave propagation) but the host's own mounts (the
    /// overlays over cached trees) are seen by nobody else and vanish with the process, even when
    /// it is killed with SIGKILL and cleans nothing up. Without root, or where namespaces are not
    /// allowed, the host runs in the caller's namespace as before.
    /// </summary>
    private static void EnterOwnMountNamespace()
    {
        const int CLONE_NEWNS = 0x00020000;
        const ulong MS_REC = 0x4000;
        const ulong MS_SLAVE = 1 << 19;
        if (Unshare(CLONE_NEWNS) == 0)
        {
            byte[] root = "/\0"u8.ToArray();
            fixed (byte* target = root)
            {
                _ = Mount(null, target, null, MS_REC | MS_SLAVE, null);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true)]
    private static partial int Mount(byte* source, byte* target, byte* type, ulong flags, byte* data);

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static partial int Execv(nint path, nint* argv);
}
