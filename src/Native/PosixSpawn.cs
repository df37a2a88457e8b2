using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>
/// glibc's posix_spawn family and waitpid, which Tmds.LibC does not declare. .NET's Process cannot
/// hand a child any descriptor beyond 0-2, but the container needs the RPC socket as fd 3;
/// posix_spawn's file actions place it there without forking managed code.
/// </summary>
public static unsafe partial class PosixSpawn
{
    // glibc x86_64: posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128.
    // Buffers are allocated larger so a libc with bigger structs cannot overrun them.
    public const int FileActionsSize = 256;
    public const int AttrSize = 1024;
    public const int SigSetSize = 256;

    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    /// <summary>Signals for <see cref="SpawnedProcess.Signal"/> and <see cref="SpawnedProcess.SignalGroup"/>.</summary>
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
}
