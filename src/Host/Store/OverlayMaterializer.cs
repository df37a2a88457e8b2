using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Engine.Host.Native;
using Engine.Native;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Host.Store;

/// <summary>
/// Turns what a mounted overlay shows (<see cref="OverlayTree"/>) into a plain directory tree on the
/// store's file system without copying file contents: the merged view is walked; every directory
/// is made anew with the merged directory's owner, mode, extended attributes and times; every
/// other entry (file, symlink, device, FIFO, socket) becomes a hard link to the inode that backs
/// it: the upper layer's when the stage created or changed it, else the lower layer's, which is an
/// immutable stored object, so sharing its inodes is safe (objects are never written in place;
/// a write through an overlay copies up first). Renamed directories are followed through
/// overlayfs' <c>trusted.overlay.redirect</c>, opaque ones (<c>trusted.overlay.opaque</c>) have no
/// lower entries. An inode at the file system's link limit is copied instead (<c>cp -a</c>).
/// </summary>
internal static unsafe class OverlayMaterializer
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int EMLINK = 31;
    private const uint StatxBasics = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x40; // TYPE MODE UID GID ATIME MTIME

    private static ReadOnlySpan<byte> OpaqueAttribute => "trusted.overlay.opaque\0"u8;

    private static ReadOnlySpan<byte> RedirectAttribute => "trusted.overlay.redirect\0"u8;

    /// <summary>Builds <paramref name="destination"/> (must not exist) from the overlay's merged view.</summary>
    /// <param name="merged">The mounted overlay.</param>
    /// <param name="upper">Its upper directory.</param>
    /// <param name="lower">Its (single) lower directory.</param>
    /// <exception cref="NativeException">A system call failed; the message names the path.</exception>
    public static void Run(string merged, string upper, string lower, string destination, CancellationToken cancellationToken)
    {
        var roots = new Roots(Bytes(merged), Bytes(upper), Bytes(lower), Bytes(destination));
        Directory(roots, [], roots.Lower, new byte[64 * 1024], cancellationToken);
    }

    private static void Directory(Roots roots, byte[] relative, byte[]? lowerDirectory, byte[] scratch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] mergedPath = Join(roots.Merged, relative);
        byte[] destinationPath = Join(roots.Destination, relative);
        Check(Call(destinationPath, p => LibC.mkdir(p, 0x1c0)), "mkdir", destinationPath); // 0700 until its metadata is set

        List<FileSystemNative.DirectoryEntry> entries;
        int fd = Call(mergedPath, p => LibC.open(p, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0));
        Check(fd < 0 ? -1 : 0, "open", mergedPath);
        using (var directory = new SafeFileHandle(fd, ownsHandle: true))
        {
            entries = FileSystemNative.ReadDirectory(directory, scratch, Text(mergedPath));
        }

        // Which names the upper layer has here, read once per directory: a stat per file through
        // the overlay and into the upper layer cost ~100 µs a file (0.5 s for 5000 files).
        HashSet<string>? upperNames = Names(Join(roots.Upper, relative), scratch);
        foreach (FileSystemNative.DirectoryEntry entry in entries)
        {
            byte[] name = entry.NameBytes.ToArray();
            byte[] childRelative = Join(relative, name);
            bool inUpper = upperNames?.Contains(Encoding.Latin1.GetString(name)) == true;
            bool isDirectory = entry.Type == FileSystemNative.DT_DIR
                || (entry.Type == FileSystemNative.DT_UNKNOWN && (Stat(Join(roots.Merged, childRelative)).stx_mode & FileSystemNative.S_IFMT) == FileSystemNative.S_IFDIR);
            if (isDirectory)
            {
                byte[]? childLower = inUpper ? LowerOfChangedDirectory(roots, Join(roots.Upper, childRelative), lowerDirectory, name)
                    : lowerDirectory is null ? null : Join(lowerDirectory, name);
                Directory(roots, childRelative, childLower, scratch, cancellationToken);
                continue;
            }

            byte[] source = inUpper ? Join(roots.Upper, childRelative)
                : lowerDirectory is not null ? Join(lowerDirectory, name)
                : throw new IOException($"{Text(Join(roots.Merged, childRelative))} is in neither layer of the overlay");
            Link(source, Join(roots.Destination, childRelative));
        }

        CopyMetadata(mergedPath, destinationPath);
    }

    /// <summary>Where the lower layer holds the entries of a directory that the upper layer has, or null when it holds none.</summary>
    private static byte[]? LowerOfChangedDirectory(Roots roots, byte[] upperPath, byte[]? parentLower, byte[] name)
    {
        string forErrors = Text(upperPath);
        if (XattrNative.Get(Z(upperPath), OpaqueAttribute, forErrors) is [(byte)'y'])
        {
            return null;
        }

        if (XattrNative.Get(Z(upperPath), RedirectAttribute, forErrors) is byte[] redirect && redirect.Length > 0)
        {
            // Absolute redirects start at the lower root; relative ones name a sibling.
            return redirect[0] == (byte)'/' ? Join(roots.Lower, redirect[1..])
                : parentLower is null ? null : Join(parentLower, redirect);
        }

        return parentLower is null ? null : Join(parentLower, name);
    }

    /// <summary>The names in a directory of a layer (bytes as Latin-1 characters, one to one), or null when it has no such directory.</summary>
    private static HashSet<string>? Names(byte[] directoryPath, byte[] scratch)
    {
        int fd = Call(directoryPath, p => LibC.open(p, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0));
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR ? null : throw new NativeException("open", Text(directoryPath), errno);
        }

        using var directory = new SafeFileHandle(fd, ownsHandle: true);
        return FileSystemNative.ReadDirectory(directory, scratch, Text(directoryPath))
            .Select(e => Encoding.Latin1.GetString(e.NameBytes))
            .ToHashSet(StringComparer.Ordinal);
    }

    private static void Link(byte[] source, byte[] destination)
    {
        int result = Call2(source, destination, (s, d) => LibC.linkat(LibC.AT_FDCWD, s, LibC.AT_FDCWD, d, 0));
        if (result == 0)
        {
            return;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno != EMLINK)
        {
            throw new NativeException("link", $"{Text(source)} -> {Text(destination)}", errno);
        }

        using var cp = Process.Start(new ProcessStartInfo("cp", ["-a", "--reflink=auto", "--", Text(source), Text(destination)]) { RedirectStandardError = true })
            ?? throw new IOException($"cannot start cp to copy {Text(source)}");
        string errors = cp.StandardError.ReadToEnd();
        cp.WaitForExit();
        if (cp.ExitCode != 0)
        {
            throw new IOException($"copying {Text(source)} (at its hard link limit) failed: {errors.Trim()}");
        }
    }

    /// <summary>Gives directory <paramref name="to"/> the owner, mode, extended attributes and times of <paramref name="from"/>.</summary>
    public static void CopyDirectoryMetadata(string from, string to) => CopyMetadata(Bytes(from), Bytes(to));

    private static void CopyMetadata(byte[] from, byte[] to)
    {
        statx status = Stat(from);
        Check(Call(to, p => LibC.fchownat(LibC.AT_FDCWD, p, status.stx_uid, status.stx_gid, LibC.AT_SYMLINK_NOFOLLOW)), "chown", to);
        Check(Call(to, p => LibC.chmod(p, (ushort)(status.stx_mode & 0xfff))), "chmod", to); // after chown, which may clear set-id bits
        string forErrors = Text(from);
        foreach (var (nameZ, value) in XattrNative.ReadAll(Z(from), forErrors))
        {
            XattrNative.Set(Z(to), nameZ, value, Text(to));
        }

        timespec* times = stackalloc timespec[2];
        times[0] = new timespec { tv_sec = status.stx_atime.tv_sec, tv_nsec = (long_t)status.stx_atime.tv_nsec };
        times[1] = new timespec { tv_sec = status.stx_mtime.tv_sec, tv_nsec = (long_t)status.stx_mtime.tv_nsec };
        Check(Call(to, p => LibC.utimensat(LibC.AT_FDCWD, p, times, LibC.AT_SYMLINK_NOFOLLOW)), "utimensat", to);
    }

    private static statx Stat(byte[] path)
    {
        statx status;
        fixed (byte* p = Z(path))
        {
            if (LibC.statx(LibC.AT_FDCWD, p, LibC.AT_SYMLINK_NOFOLLOW, StatxBasics, &status) != 0)
            {
                throw new NativeException("statx", Text(path), Marshal.GetLastPInvokeError());
            }
        }

        return status;
    }

    private delegate int PathCall(byte* path);

    private delegate int TwoPathCall(byte* first, byte* second);

    private static int Call(byte[] path, PathCall call)
    {
        fixed (byte* p = Z(path))
        {
            return call(p);
        }
    }

    private static int Call2(byte[] first, byte[] second, TwoPathCall call)
    {
        fixed (byte* a = Z(first))
        fixed (byte* b = Z(second))
        {
            return call(a, b);
        }
    }

    private static void Check(int result, string call, byte[] path)
    {
        if (result != 0)
        {
            throw new NativeException(call, Text(path), Marshal.GetLastPInvokeError());
        }
    }

    private static byte[] Join(byte[] directory, byte[] name)
    {
        if (directory.Length == 0)
        {
            return name;
        }

        byte[] joined = new byte[directory.Length + 1 + name.Length];
        directory.CopyTo(joined, 0);
        joined[directory.Length] = (byte)'/';
        name.CopyTo(joined, directory.Length + 1);
        return joined;
    }

    private static byte[] Z(byte[] path)
    {
        byte[] terminated = new byte[path.Length + 1];
        path.CopyTo(terminated, 0);
        return terminated;
    }

    private static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path.TrimEnd('/'));

    private static string Text(byte[] path) => FileSystemNative.DecodeFileName(path);

    private sealed record Roots(byte[] Merged, byte[] Upper, byte[] Lower, byte[] Destination);
}
