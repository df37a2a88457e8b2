using Engine.Native;

namespace Engine.Host.Store;

/// <summary>
/// The only way the host deletes a directory tree. We run as root and bind-mount host directories,
/// so a leaked mount below a work dir could turn a plain recursive delete into deleting the host:
/// first every mount at or below the path is detached (deepest first); then the mount table is
/// read again and the delete is refused if anything is still mounted there; only then does
/// <see cref="OneFileSystemRemover"/> (<c>rm -rf --one-file-system</c>, in process) remove the rest.
/// The second check matters: <c>--one-file-system</c> compares device numbers, so it does cross into a bind mount of a
/// directory on the same file system (pinned by GuardedDeleteTests.SameFileSystemBind_RmAlone_CrossesIt).
/// </summary>
public static class GuardedDelete
{
    /// <summary>Unmounts everything at or below <paramref name="path"/>, then deletes it.</summary>
    /// <exception cref="IOException">Something could not be removed; the message names it.</exception>
    public static void Remove(string path)
    {
        string full = Path.GetFullPath(path);
        if (full == "/" || !Directory.Exists(full) && !File.Exists(full) && !IsSymlink(full))
        {
            return;
        }

        UnmountBelow(full);
        RemoveUnmounted(full);
    }

    /// <summary>Deletes <paramref name="full"/> only if nothing is mounted at or below it.</summary>
    /// <exception cref="IOException">A mount is still there, or rm failed.</exception>
    internal static void RemoveUnmounted(string full)
    {
        IReadOnlyList<string> remaining = MountPointsBelow(full);
        if (remaining.Count > 0)
        {
            throw new IOException($"refusing to delete {full}: {string.Join(", ", remaining)} is still mounted there; unmount it (umount -R) and delete the directory by hand");
        }

        OneFileSystemRemover.Remove(full);
    }

    /// <summary>Detaches every mount at or below <paramref name="path"/>, deepest first.</summary>
    public static void UnmountBelow(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd('/');
        foreach (string mountPoint in MountPointsBelow(full).OrderByDescending(m => m.Length))
        {
            // EINVAL and ENOENT: no longer a mount point, or gone with a mount above it that was detached first.
            int errno = Mounts.TryUnmount(mountPoint, Mounts.MNT_DETACH);
            if (errno is not (0 or Errno.EINVAL or Errno.ENOENT))
            {
                Errno.Throw("umount2", mountPoint, errno, $"it must be unmounted before {full} is deleted; unmount it by hand (umount -R {full})");
            }
        }
    }

    /// <summary>Mount points at or below <paramref name="path"/> in this process's mount namespace.</summary>
    public static IReadOnlyList<string> MountPointsBelow(string path)
    {
        string prefix = path.TrimEnd('/') + "/";
        var result = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4)
            {
                string mountPoint = UnescapeMountInfo(fields[4]);
                if (mountPoint == path.TrimEnd('/') || mountPoint.StartsWith(prefix, StringComparison.Ordinal))
                {
                    result.Add(mountPoint);
                }
            }
        }

        return result;
    }

    // mountinfo writes space, tab, newline and backslash as octal escapes (\040 …).
    private static string UnescapeMountInfo(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new System.Text.StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;
}
