using System.Security.Cryptography;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// A file being written in a directory that only gets its final name once it is complete, so the
/// directory never shows a partial file under a real name. Preferred form: an <c>O_TMPFILE</c> file
/// that has no name at all until <see cref="Publish"/> links it, and which the kernel frees if the
/// process dies, even by SIGKILL. File systems without <c>O_TMPFILE</c> get a named temp file
/// <c>osbuild-unverified-file-XXXXXXXX</c> that is renamed into place, deleted on every error path,
/// and swept up by a later run (<see cref="SweepAbandoned"/>) when SIGKILL left it behind.
/// Tests: FilesSourceTests.Fetch_KilledMidDownload_LeavesNoPartialFile,
/// FilesSourceTests.Fetch_AbandonedTempFiles_OnlyUnlockedOldOnesRemoved.
/// </summary>
internal sealed class StagedFile : IDisposable
{
    public const string TempPrefix = "osbuild-unverified-file-";

    /// <summary>A named temp file younger than this is never swept, even if its lock is free.</summary>
    private static readonly TimeSpan s_abandonedAge = TimeSpan.FromMinutes(10);

    private readonly string? _tempPath;
    private bool _published;

    private StagedFile(SafeFileHandle handle, string? tempPath)
    {
        Handle = handle;
        _tempPath = tempPath;
    }

    /// <summary>Where the bytes go; .NET writes with pwrite, so callers pass offsets.</summary>
    public SafeFileHandle Handle { get; }

    public static StagedFile Create(string directory)
    {
        if (AnonymousFile.TryOpen(directory, out SafeFileHandle anonymous))
        {
            return new StagedFile(anonymous, null);
        }

        anonymous.Dispose();
        string tempPath = Path.Combine(directory, TempPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        // FileShare.None makes .NET hold flock(LOCK_EX) while the file is open: the sign that its writer lives.
        var handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new StagedFile(handle, tempPath);
    }

    /// <summary>
    /// Deletes named temp files in <paramref name="directory"/> whose writer is gone: not locked, and
    /// old enough that the writer cannot be between creating and locking it.
    /// </summary>
    public static void SweepAbandoned(string directory)
    {
        foreach (string path in Directory.EnumerateFiles(directory, TempPrefix + "*"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < s_abandonedAge)
                {
                    continue;
                }

                using (File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // locked by a live writer, or gone already
            }
        }
    }

    /// <summary>Drops what was written, for another attempt.</summary>
    public void Truncate() => RandomAccess.SetLength(Handle, 0);

    /// <summary>
    /// Gives the file the name <paramref name="path"/>. When a concurrent fetch of the same content
    /// got there first, its file stays: both are verified, so they are identical by definition.
    /// </summary>
    public void Publish(string path, bool durable)
    {
        if (durable)
        {
            // Without this, a crash shortly after could leave a cache file named by a checksum it does not have.
            RandomAccess.FlushToDisk(Handle);
        }

        if (_tempPath is null)
        {
            int errno = AnonymousFile.Link(Handle, path);
            if (errno != 0 && errno != AnonymousFile.EEXIST)
            {
                throw new IOException($"cannot link the finished file to {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        else
        {
            File.Move(_tempPath, path, overwrite: true);
        }

        _published = true;
    }

    public void Dispose()
    {
        Handle.Dispose();
        if (_tempPath is not null && !_published)
        {
            File.Delete(_tempPath);
        }
    }
}
