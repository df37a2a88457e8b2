using System.Runtime.InteropServices;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

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
internal static class OneFileSystemRemover
{
    /// <summary>Levels walked with open directory fds; a tree deeper than this is unusual enough to pay for rm.</summary>
    public const int MaxDepth = 128;

    private const int ReportedErrors = 5;

    /// <summary>Removes <paramref name="full"/> (an absolute path) and everything below it on its file system.</summary>
    /// <exception cref="IOException">Something could not be removed; the message names the first few paths and why.</exception>
    public static void Remove(string full)
    {
        var errors = new List<string>();
        byte[] pathZ = FileNames.NulTerminated(full);
        int errno = FileStatus.TryGet(pathZ, out FileStatus top);
        if (errno == Errno.ENOENT)
        {
            return;
        }

        if (errno != 0)
        {
            Errno.Throw("lstat", full, errno);
        }

        if (top.IsDirectory)
        {
            errno = Directories.TryOpenNoFollow(pathZ, out SafeFileHandle directory);
            using (directory)
            {
                if (errno != 0)
                {
                    Errno.Throw("open", full, errno);
                }

                RemoveContents(directory, full, top, depth: 1, errors);
            }
        }

        AddError(errors, full, Entries.TryRemove(pathZ, top.IsDirectory));
        if (errors.Count > 0)
        {
            string more = errors.Count > ReportedErrors ? $" (and {errors.Count - ReportedErrors} more)" : "";
            throw new IOException($"could not delete {full}: {string.Join("; ", errors.Take(ReportedErrors))}{more}");
        }
    }

    private static void RemoveContents(SafeFileHandle directory, string directoryPath, in FileStatus top, int depth, List<string> errors)
    {
        byte[] scratch = new byte[32 * 1024];
        foreach (DirectoryEntry entry in Directories.ReadEntries(directory, scratch, directoryPath))
        {
            string childPath = directoryPath + "/" + entry.Name;
            bool isDirectory = entry.IsDirectory;
            FileStatus status = default;
            if (isDirectory || entry.IsTypeUnknown)
            {
                int statError = FileStatus.TryGetAt(directory, entry.NameWithNul, out status);
                if (statError != 0)
                {
                    AddError(errors, childPath, statError);
                    continue;
                }

                isDirectory = status.IsDirectory;
            }

            if (!isDirectory)
            {
                AddError(errors, childPath, Entries.TryRemoveAt(directory, entry.NameWithNul, directory: false));
                continue;
            }

            if (!status.SameDevice(top))
            {
                errors.Add($"{childPath} is on another file system (a mount?), not entered");
                continue;
            }

            if (depth >= MaxDepth)
            {
                if (FileTool.Run("rm", ["-rf", "--one-file-system", "--", childPath], CancellationToken.None) is string rmErrors)
                {
                    errors.Add(rmErrors);
                }

                continue;
            }

            int openError = Files.TryOpenAt(directory, entry.NameWithNul, Directories.OpenAtFlags, out SafeFileHandle child);
            using (child)
            {
                if (openError != 0)
                {
                    AddError(errors, childPath, openError);
                    continue;
                }

                RemoveContents(child, childPath, top, depth + 1, errors);
            }

            AddError(errors, childPath, Entries.TryRemoveAt(directory, entry.NameWithNul, directory: true));
        }
    }

    /// <summary>Records a failure; 0 (success) and ENOENT (gone already, as rm -f allows) are not failures.</summary>
    private static void AddError(List<string> errors, string path, int errno)
    {
        if (errno != 0 && errno != Errno.ENOENT)
        {
            errors.Add($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }
}
