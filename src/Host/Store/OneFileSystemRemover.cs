using System.Diagnostics;
using System.Runtime.InteropServices;
using Engine.Host.Native;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Host.Store;

/// <summary>
/// <c>rm -rf --one-file-system</c> done in process: every stage removes two transient directories,
/// and starting <c>rm</c> for each cost 3.5-4 ms of CPU and 8-9 ms of wall time per removal
/// (docs/performance.md); this walk costs well under 1 ms for them. Same rules as rm's: symlinks
/// are never followed (<c>O_NOFOLLOW</c>, <c>AT_SYMLINK_NOFOLLOW</c>), a directory whose device
/// differs from the top's is not entered and makes the removal fail, and everything else that can
/// be removed is removed before the failure is reported. Subtrees deeper than
/// <see cref="MaxDepth"/> (one open fd per level) are handed to rm itself.
/// Callers check the mount table first (<see cref="GuardedDelete"/>): like rm, this compares device
/// numbers, which a bind mount from the same file system does not change.
/// </summary>
internal static unsafe class OneFileSystemRemover
{
    /// <summary>Levels walked with open directory fds; a tree deeper than this is unusual enough to pay for rm.</summary>
    public const int MaxDepth = 128;

    private const int ENOENT = 2;
    private const uint StatxType = 0x1;
    private const int ReportedErrors = 5;

    /// <summary>Removes <paramref name="full"/> (an absolute path) and everything below it on its file system.</summary>
    /// <exception cref="IOException">Something could not be removed; the message names the first few paths and why.</exception>
    public static void Remove(string full)
    {
        var errors = new List<string>();
        byte[] pathZ = FileSystemNative.NulTerminated(full);
        fixed (byte* path = pathZ)
        {
            if (!TryStatx(LibC.AT_FDCWD, path, out statx top))
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != ENOENT)
                {
                    throw new IOException($"could not delete {full}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                return;
            }

            if ((top.stx_mode & FileSystemNative.S_IFMT) == FileSystemNative.S_IFDIR)
            {
                int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
                if (fd < 0)
                {
                    throw new IOException($"could not delete {full}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                }

                using (var directory = new SafeFileHandle(fd, ownsHandle: true))
                {
                    RemoveContents(directory, full, top.stx_dev_major, top.stx_dev_minor, depth: 1, errors);
                }

                Unlink(LibC.AT_FDCWD, path, LibC.AT_REMOVEDIR, full, errors);
            }
            else
            {
                Unlink(LibC.AT_FDCWD, path, 0, full, errors);
            }
        }

        if (errors.Count > 0)
        {
            string more = errors.Count > ReportedErrors ? $" (and {errors.Count - ReportedErrors} more)" : "";
            throw new IOException($"could not delete {full}: {string.Join("; ", errors.Take(ReportedErrors))}{more}");
        }
    }

    private static void RemoveContents(SafeFileHandle directory, string directoryPath, uint devMajor, uint devMinor, int depth, List<string> errors)
    {
        int fd = (int)directory.DangerousGetHandle();
        byte[] scratch = new byte[32 * 1024];
        foreach (FileSystemNative.DirectoryEntry entry in FileSystemNative.ReadDirectory(directory, scratch, directoryPath))
        {
            string childPath = directoryPath + "/" + entry.Name;
            fixed (byte* name = entry.NameWithNul)
            {
                bool isDirectory = entry.Type == FileSystemNative.DT_DIR;
                statx status = default;
                if (isDirectory || entry.Type == FileSystemNative.DT_UNKNOWN)
                {
                    if (!TryStatx(fd, name, out status))
                    {
                        AddError(errors, childPath, Marshal.GetLastPInvokeError());
                        continue;
                    }

                    isDirectory = (status.stx_mode & FileSystemNative.S_IFMT) == FileSystemNative.S_IFDIR;
                }

                if (!isDirectory)
                {
                    Unlink(fd, name, 0, childPath, errors);
                    continue;
                }

                if (status.stx_dev_major != devMajor || status.stx_dev_minor != devMinor)
                {
                    errors.Add($"{childPath} is on another file system (a mount?), not entered");
                    continue;
                }

                if (depth >= MaxDepth)
                {
                    RemoveWithRm(childPath, errors);
                    continue;
                }

                int openError = FileSystemNative.TryOpenAt(directory, entry.NameWithNul, FileSystemNative.OpenDirectoryFlags, out SafeFileHandle child);
                if (openError != 0)
                {
                    AddError(errors, childPath, openError);
                    continue;
                }

                using (child)
                {
                    RemoveContents(child, childPath, devMajor, devMinor, depth + 1, errors);
                }

                Unlink(fd, name, LibC.AT_REMOVEDIR, childPath, errors);
            }
        }

        GC.KeepAlive(directory);
    }

    private static bool TryStatx(int directoryFd, byte* name, out statx status)
    {
        statx buffer;
        int result = LibC.statx(directoryFd, name, LibC.AT_SYMLINK_NOFOLLOW, StatxType, &buffer);
        status = buffer;
        return result == 0;
    }

    private static void Unlink(int directoryFd, byte* name, int flags, string pathForErrors, List<string> errors)
    {
        if (LibC.unlinkat(directoryFd, name, flags) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != ENOENT)
            {
                AddError(errors, pathForErrors, errno);
            }
        }
    }

    private static void AddError(List<string> errors, string path, int errno)
    {
        if (errno != ENOENT)
        {
            errors.Add($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    private static void RemoveWithRm(string path, List<string> errors)
    {
        using var rm = Process.Start(new ProcessStartInfo("rm", ["-rf", "--one-file-system", "--", path])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new IOException($"cannot start rm to delete {path}");
        string output = rm.StandardError.ReadToEnd();
        rm.WaitForExit();
        if (rm.ExitCode != 0)
        {
            errors.Add(output.Trim());
        }
    }

}
