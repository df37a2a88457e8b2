using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// A child started with posix_spawn with an explicit descriptor map (child fd ← parent handle).
/// Every other descriptor of ours is close-on-exec (.NET opens everything O_CLOEXEC), so the child
/// gets exactly the map. Signals that .NET ignores (SIGPIPE) are reset to default and the mask is
/// cleared, so the child starts like a child of a shell.
/// The child is spawned from a dedicated thread that lives until the child has exited: the
/// kernel ties a child's parent-death signal (bwrap's <c>--die-with-parent</c>) to the thread that
/// created it, so spawning from a pool thread that later retires would SIGKILL a running stage.
/// </summary>
public sealed unsafe class SpawnedProcess
{
    private readonly TaskCompletionSource<ProcessExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _ownProcessGroup;

    private SpawnedProcess(bool ownProcessGroup)
    {
        _ownProcessGroup = ownProcessGroup;
    }

    public int Pid { get; private set; }

    /// <summary>Completes with how the child ended: its exit status, or the signal that killed it.</summary>
    public Task<ProcessExit> Exited => _exit.Task;

    /// <summary>Starts the child from its own thread, which then waits for it (the runtime's SIGCHLD
    /// handling only reaps children it started itself, so this pid stays ours to wait for).</summary>
    /// <param name="ownProcessGroup">Make the child the leader of a new process group (its pgid is its
    /// pid), so that <see cref="SignalGroup"/> reaches everything it starts.</param>
    public static SpawnedProcess Start(
        string path,
        IReadOnlyList<string> argv,
        IReadOnlyList<string> environment,
        IReadOnlyList<(SafeHandle Handle, int ChildFd)> descriptors,
        bool ownProcessGroup = false)
    {
        var process = new SpawnedProcess(ownProcessGroup);
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            int pid;
            try
            {
                pid = Spawn(path, argv, environment, descriptors, ownProcessGroup);
            }
            catch (Exception e)
            {
                started.SetException(e);
                return;
            }

            started.SetResult(pid);
            try
            {
                process._exit.SetResult(WaitForExit(pid));
            }
            catch (Exception e)
            {
                process._exit.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "spawn " + Path.GetFileName(path),
        };
        thread.Start();
        process.Pid = started.Task.GetAwaiter().GetResult();
        return process;
    }

    private static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, IReadOnlyList<(SafeHandle Handle, int ChildFd)> descriptors, bool ownProcessGroup)
    {
        void* actions = NativeMemory.AllocZeroed(PosixSpawn.FileActionsSize);
        void* attr = NativeMemory.AllocZeroed(PosixSpawn.AttrSize);
        void* sigset = NativeMemory.AllocZeroed(PosixSpawn.SigSetSize);
        var pinned = new List<SafeHandle>();
        var strings = new List<IntPtr>();
        try
        {
            Check(PosixSpawn.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", path);
            Check(PosixSpawn.posix_spawnattr_init(attr), "posix_spawnattr_init", path);
            foreach (var (handle, childFd) in descriptors)
            {
                bool added = false;
                handle.DangerousAddRef(ref added);
                pinned.Add(handle);
                Check(PosixSpawn.posix_spawn_file_actions_adddup2(actions, (int)handle.DangerousGetHandle(), childFd), "posix_spawn_file_actions_adddup2", path);
            }

            LibC.sigemptyset((sigset_t*)sigset);
            Check(PosixSpawn.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask", path);
            LibC.sigfillset((sigset_t*)sigset);
            Check(PosixSpawn.posix_spawnattr_setsigdefault(attr, sigset), "posix_spawnattr_setsigdefault", path);
            short flags = PosixSpawn.POSIX_SPAWN_SETSIGMASK | PosixSpawn.POSIX_SPAWN_SETSIGDEF;
            if (ownProcessGroup)
            {
                Check(PosixSpawn.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup", path);
                flags |= PosixSpawn.POSIX_SPAWN_SETPGROUP;
            }

            Check(PosixSpawn.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags", path);

            byte** argvPtr = ToNativeArray(argv, strings);
            byte** envPtr = ToNativeArray(environment, strings);
            byte* pathPtr = (byte*)Utf8(path, strings);
            int error = PosixSpawn.posix_spawn(out int pid, pathPtr, actions, attr, argvPtr, envPtr);
            if (error != 0)
            {
                Errno.Throw("posix_spawn", path, error);
            }

            return pid;
        }
        finally
        {
            PosixSpawn.posix_spawn_file_actions_destroy(actions);
            PosixSpawn.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (SafeHandle handle in pinned)
            {
                handle.DangerousRelease();
            }

            foreach (IntPtr p in strings)
            {
                Marshal.FreeHGlobal(p);
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/>; a child that already exited is not an error.</summary>
    public void Signal(int signal)
    {
        if (!_exit.Task.IsCompleted)
        {
            LibC.kill(Pid, signal);
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the child's process group: the child and whatever it started
    /// that stayed in the group, also after the child itself has exited. A group with no process left
    /// is not an error.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child was not started with its own process group.</exception>
    public void SignalGroup(int signal)
    {
        if (!_ownProcessGroup)
        {
            throw new InvalidOperationException($"process {Pid} was not started with a process group of its own; use Signal");
        }

        LibC.kill(-Pid, signal);
    }

    private static ProcessExit WaitForExit(int pid)
    {
        while (true)
        {
            int result = PosixSpawn.waitpid(pid, out int status, 0);
            if (result == pid)
            {
                return ProcessExit.FromWaitStatus(status);
            }

            int errno = Errno.Last;
            if (errno != LibC.EINTR)
            {
                Errno.Throw("waitpid", $"process {pid}", errno);
            }
        }
    }

    /// <summary>The posix_spawn calls return the error number instead of setting errno.</summary>
    private static void Check(int error, string call, string subject)
    {
        if (error != 0)
        {
            Errno.Throw(call, subject, error);
        }
    }

    private static IntPtr Utf8(string value, List<IntPtr> owned)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        IntPtr p = Marshal.AllocHGlobal(bytes.Length + 1);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        ((byte*)p)[bytes.Length] = 0;
        owned.Add(p);
        return p;
    }

    private static byte** ToNativeArray(IReadOnlyList<string> values, List<IntPtr> owned)
    {
        IntPtr array = Marshal.AllocHGlobal(IntPtr.Size * (values.Count + 1));
        owned.Add(array);
        var pointers = (byte**)array;
        for (int i = 0; i < values.Count; i++)
        {
            pointers[i] = (byte*)Utf8(values[i], owned);
        }

        pointers[values.Count] = null;
        return pointers;
    }
}
