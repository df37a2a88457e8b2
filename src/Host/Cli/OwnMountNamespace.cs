using System.Runtime.InteropServices;

namespace Engine.Host.Cli;

/// <summary>
/// Runs a build in a mount namespace of its own, where mounts made elsewhere still appear (slave
/// propagation) but the host's own mounts (the overlays over cached trees) are seen by nobody
/// else and vanish with the process, even when it is killed with SIGKILL and cleans nothing up
/// (InterruptTests.Sigkill_DuringStageOnAnOverlay_NoMountOutlivesTheHost).
/// </summary>
/// <remarks>
/// A mount namespace belongs to a thread, and the runtime has started several threads before
/// <c>Main</c>: a mount made later from a pool thread would land in the old namespace. So the
/// main thread unshares and then replaces the process with the same program and arguments
/// (<c>execv</c>, same pid, same stdio, stdin still unread): the new image's threads all start in
/// the new namespace. The marker variable names that namespace, so the new image knows it is there.
/// Without root, or where namespaces are not allowed, the build runs in the caller's namespace.
/// </remarks>
internal static unsafe partial class OwnMountNamespace
{
    private const string Marker = "OSBUILD_OWN_MOUNT_NAMESPACE";
    private const int CLONE_NEWNS = 0x00020000;
    private const ulong MS_REC = 0x4000;
    private const ulong MS_SLAVE = 1 << 19;

    /// <summary>
    /// Returns at once when this process is already in its own namespace (or cannot have one);
    /// otherwise unshares and execs itself with the same arguments, and returns only if that failed.
    /// </summary>
    public static void Enter()
    {
        string[] commandLine = Environment.GetCommandLineArgs()[1..];
        string? current = CurrentNamespace();
        if (current is null || Environment.GetEnvironmentVariable(Marker) == current || !HostEnvironment.IsRoot)
        {
            return;
        }

        if (Unshare(CLONE_NEWNS) != 0)
        {
            return;
        }

        byte[] root = "/\0"u8.ToArray();
        fixed (byte* target = root)
        {
            _ = Mount(null, target, null, MS_REC | MS_SLAVE, null);
        }

        string? self = Environment.ProcessPath;
        if (self is null || CurrentNamespace() is not string entered)
        {
            return;
        }

        _ = SetEnv(Marker, entered, 1); // the native environment, which execv passes on

        Console.Out.Flush();
        Console.Error.Flush();
        string[] argv = [self, .. commandLine];
        nint[] pointers = new nint[argv.Length + 1];
        try
        {
            for (int i = 0; i < argv.Length; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            fixed (nint* argvPointer = pointers)
            {
                _ = Execv(pointers[0], argvPointer);
            }

            // exec failed: the build goes on in the caller's namespace, as without root (threads
            // other than this one never left it; each mount is made and removed by one thread).
        }
        finally
        {
            foreach (nint pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static string? CurrentNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/mnt").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true)]
    private static partial int Mount(byte* source, byte* target, byte* type, ulong flags, byte* data);

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static partial int Execv(nint path, nint* argv);

    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
