using Engine.Native;

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
internal static class OwnMountNamespace
{
    private const string Marker = "OSBUILD_OWN_MOUNT_NAMESPACE";

    /// <summary>
    /// Returns at once when this process is already in its own namespace (or cannot have one);
    /// otherwise unshares and execs itself with the same arguments, and returns only if that failed.
    /// </summary>
    /// <param name="interrupted">SIGINT or SIGTERM, as Program registers them. A signal caught by this
    /// image would be forgotten by the next one (the exec replaces the handler's state), so an
    /// interrupted build does not exec: it stays here and stops. A build service that sent SIGTERM a
    /// few milliseconds after starting osbuild saw it lost otherwise.</param>
    public static void Enter(CancellationToken interrupted)
    {
        if (interrupted.IsCancellationRequested)
        {
            return;
        }

        string? current = Namespaces.CurrentMountNamespace();
        string? self = Environment.ProcessPath;
        if (current is null || self is null || Environment.GetEnvironmentVariable(Marker) == current || !Users.IsRoot)
        {
            return;
        }

        if (Namespaces.TryEnterPrivateMountNamespace() != 0 || Namespaces.CurrentMountNamespace() is not string entered)
        {
            return;
        }

        ProcessEnvironment.Set(Marker, entered);
        if (interrupted.IsCancellationRequested)
        {
            return; // the build stops before it mounts anything
        }

        Console.Out.Flush();
        Console.Error.Flush();
        _ = Exec.Replace(self, [self, .. Environment.GetCommandLineArgs()[1..]]);

        // exec failed: the build goes on in the caller's namespace, as without root (threads
        // other than this one never left it; each mount is made and removed by one thread).
    }
}
