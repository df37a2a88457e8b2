using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Engine.Native;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Host.Native;

/// <summary>
/// The file-system calls that the treesum and tree-diff need and .NET does not offer: directory
/// entries as raw bytes (Linux names are bytes; <c>Directory.EnumerateFileSystemEntries</c> turns
/// invalid UTF-8 into U+FFFD and loses the name), <c>lstat</c> relative to a directory fd, and
/// <c>security.selinux</c> read without following symlinks. Every fd is a <see cref="SafeFileHandle"/>
/// from the moment it exists. The <c>Try</c> calls return 0 or the errno, because the callers treat
/// some errnos as normal (ENOENT in tree-diff, ENODATA for a missing label); the others throw a
/// <see cref="NativeException"/> that names the path.
/// </summary>
internal static unsafe partial class FileSystemNative
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ERANGE = 34;
    public const int ENODATA = 61;

    public const uint S_IFMT = 0xf000;
    public const uint S_IFSOCK = 0xc000;
    public const uint S_IFLNK = 0xa000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;

    /// <summary><c>d_type</c> values of <c>getdents64</c>.</summary>
    public const byte DT_UNKNOWN = 0;
    public const byte DT_DIR = 4;

    private const uint StatxMask = 0x1 | 0x2 | 0x8 | 0x10 | 0x200; // STATX_TYPE | MODE | UID | GID | SIZE

    private static ReadOnlySpan<byte> SelinuxAttribute => "security.selinux\0"u8;

    /// <summary>The fields of <c>lstat</c> that the treesum and tree-diff look at.</summary>
    public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, long Size)
    {
        public uint FileType => Mode & S_IFMT;

        public bool IsDirectory => FileType == S_IFDIR;

        public bool IsRegularFile => FileType == S_IFREG;

        public bool IsSymbolicLink => FileType == S_IFLNK;

        /// <summary>"a FIFO", "a socket", … for error messages.</summary>
        public string FileTypeName => FileType switch
        {
            S_IFDIR => "a directory",
            S_IFREG => "a regular file",
            S_IFLNK => "a symbolic link",
            S_IFIFO => "a FIFO",
            S_IFSOCK => "a socket",
            S_IFCHR => "a character device",
            S_IFBLK => "a block device",
            _ => "a file of unknown type (mode 0o" + Convert.ToString(Mode, 8) + ")",
        };
    }

    /// <summary>One entry of a directory: its name as raw bytes (NUL-terminated, for the *at calls) and <c>d_type</c>.</summary>
    public sealed class DirectoryEntry(byte[] nameWithNul, byte type)
    {
        private string? _name;

        /// <summary>The name's bytes followed by one NUL, ready to pass to openat, statx, readlinkat.</summary>
        public byte[] NameWithNul { get; } = nameWithNul;

        public ReadOnlySpan<byte> NameBytes => NameWithNul.AsSpan(0, NameWithNul.Length - 1);

        /// <summary>The name as Python's <c>os.fsdecode</c> sees it (UTF-8 with surrogateescape).</summary>
        public string Name => _name ??= DecodeFileName(NameBytes);

        /// <summary><c>d_type</c>; <see cref="DT_UNKNOWN"/> on file systems that do not fill it in.</summary>
        public byte Type { get; } = type;
    }

    /// <summary>
    /// Opens a directory given by path (a symlink to a directory is followed, as the store's
    /// <c>refs/&lt;id&gt;</c> links need).
    /// </summary>
    /// <exception cref="NativeException">The path cannot be opened as a directory.</exception>
    public static SafeFileHandle OpenDirectory(string path)
    {
        byte[] pathZ = NulTerminated(path);
        int fd;
        fixed (byte* p = pathZ)
        {
            fd = LibC.open(p, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            throw new NativeException("open", path, Marshal.GetLastPInvokeError());
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary><c>openat(dir, name, flags)</c> with O_CLOEXEC added; returns 0 or the errno.</summary>
    public static int TryOpenAt(SafeFileHandle directory, byte[] nameWithNul, int flags, out SafeFileHandle handle)
    {
        int fd;
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            fixed (byte* name = nameWithNul)
            {
                fd = LibC.openat(directory.DangerousGetHandle().ToInt32(), name, flags | LibC.O_CLOEXEC, 0);
            }
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }

        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle = new SafeFileHandle();
            return errno;
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }

    /// <summary>Flags to open a regular file for reading: never follow a symlink, never block on a FIFO that replaced it, never become a controlling tty.</summary>
    public static int OpenFileFlags => LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY;

    /// <summary>Flags to open a subdirectory of a walk: must be a directory, never through a symlink.</summary>
    public static int OpenDirectoryFlags => LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW;

    /// <summary><c>lstat</c> of <paramref name="nameWithNul"/> inside <paramref name="directory"/>; returns 0 or the errno.</summary>
    public static int TryStatAt(SafeFileHandle directory, byte[] nameWithNul, out FileStatus status)
    {
        fixed (byte* name = nameWithNul)
        {
            return Statx(directory, name, LibC.AT_SYMLINK_NOFOLLOW, out status);
        }
    }

    /// <summary><c>fstat</c> of an open fd; returns 0 or the errno.</summary>
    public static int TryStat(SafeFileHandle handle, out FileStatus status)
    {
        byte empty = 0;
        return Statx(handle, &empty, LibC.AT_EMPTY_PATH, out status);
    }

    private static int Statx(SafeFileHandle directory, byte* name, int flags, out FileStatus status)
    {
        statx buffer;
        int result;
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            result = LibC.statx(directory.DangerousGetHandle().ToInt32(), name, flags, StatxMask, &buffer);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }

        if (result < 0)
        {
            status = default;
            return Marshal.GetLastPInvokeError();
        }

        status = new FileStatus(buffer.stx_mode, buffer.stx_uid, buffer.stx_gid, checked((long)buffer.stx_size));
        return 0;
    }

    /// <summary>
    /// All entries of an open directory except "." and "..", in the file system's order (what
    /// Python's <c>os.scandir</c> yields). <paramref name="scratch"/> is the getdents64 buffer.
    /// </summary>
    /// <exception cref="NativeException">getdents64 failed; <paramref name="pathForErrors"/> names the directory.</exception>
    public static List<DirectoryEntry> ReadDirectory(SafeFileHandle directory, byte[] scratch, string pathForErrors)
    {
        var entries = new List<DirectoryEntry>();
        while (true)
        {
            long count;
            bool added = false;
            try
            {
                directory.DangerousAddRef(ref added);
                fixed (byte* buffer = scratch)
                {
                    count = getdents64(directory.DangerousGetHandle().ToInt32(), buffer, (nuint)scratch.Length);
                }
            }
            finally
            {
                if (added)
                {
                    directory.DangerousRelease();
                }
            }

            if (count < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                throw new NativeException("getdents64", pathForErrors, errno);
            }

            if (count == 0)
            {
                return entries;
            }

            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            int offset = 0;
            while (offset < count)
            {
                int recordLength = BitConverter.ToUInt16(scratch, offset + 16);
                byte type = scratch[offset + 18];
                var name = scratch.AsSpan(offset + 19, recordLength - 19);
                name = name[..name.IndexOf((byte)0)];
                offset += recordLength;
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                byte[] nameWithNul = new byte[name.Length + 1];
                name.CopyTo(nameWithNul);
                entries.Add(new DirectoryEntry(nameWithNul, type));
            }
        }
    }

    /// <summary><c>read(2)</c> into <paramref name="buffer"/>, retrying on EINTR; returns the count (0 = end of file) or -errno.</summary>
    public static int Read(SafeFileHandle handle, Span<byte> buffer)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = handle.DangerousGetHandle().ToInt32();
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    long count = LibC.read(fd, p, (size_t)(ulong)buffer.Length);
                    if (count >= 0)
                    {
                        return (int)count;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != EINTR)
                    {
                        return -errno;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The raw bytes of a symlink's target; returns 0 or the errno.</summary>
    public static int TryReadLinkAt(SafeFileHandle directory, byte[] nameWithNul, out byte[] target)
    {
        // PATH_MAX (4096) bounds what the kernel stores for a symlink target.
        Span<byte> buffer = stackalloc byte[4097];
        long count;
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            fixed (byte* name = nameWithNul)
            fixed (byte* p = buffer)
            {
                count = LibC.readlinkat(directory.DangerousGetHandle().ToInt32(), name, p, (size_t)(ulong)buffer.Length);
            }
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }

        if (count < 0)
        {
            target = [];
            return Marshal.GetLastPInvokeError();
        }

        target = buffer[..(int)count].ToArray();
        return 0;
    }

    /// <summary>
    /// <c>security.selinux</c> of an entry without following a symlink; returns 0 (label set),
    /// or the errno (ENODATA: no label). Python and osbuild read it through the path
    /// <c>/proc/self/fd/&lt;dirfd&gt;/&lt;name&gt;</c>, which needs no full path and works for
    /// symlinks, which cannot be opened to use fgetxattr.
    /// </summary>
    public static int TryGetSelinuxLabelAt(SafeFileHandle directory, byte[]? nameWithNul, out byte[] label)
    {
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            byte[] path = ProcFdPath(directory.DangerousGetHandle().ToInt32(), nameWithNul);
            return TryGetXattr(path, out label);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary><c>security.selinux</c> of an open file or directory; returns 0 or the errno.</summary>
    public static int TryGetSelinuxLabel(SafeFileHandle handle, out byte[] label)
    {
        Span<byte> buffer = stackalloc byte[256];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = handle.DangerousGetHandle().ToInt32();
            while (true)
            {
                long size;
                fixed (byte* attribute = SelinuxAttribute)
                fixed (byte* p = buffer)
                {
                    size = fgetxattr(fd, attribute, p, (nuint)buffer.Length);
                }

                if (size >= 0)
                {
                    label = buffer[..(int)size].ToArray();
                    return 0;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != ERANGE)
                {
                    label = [];
                    return errno;
                }

                fixed (byte* attribute = SelinuxAttribute)
                {
                    size = fgetxattr(fd, attribute, null, 0);
                }

                if (size < 0)
                {
                    label = [];
                    return Marshal.GetLastPInvokeError();
                }

                buffer = new byte[size + 1];
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static int TryGetXattr(byte[] pathZ, out byte[] value)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (true)
        {
            long size;
            fixed (byte* path = pathZ)
            fixed (byte* attribute = SelinuxAttribute)
            fixed (byte* p = buffer)
            {
                size = lgetxattr(path, attribute, p, (nuint)buffer.Length);
            }

            if (size >= 0)
            {
                value = buffer[..(int)size].ToArray();
                return 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != ERANGE)
            {
                value = [];
                return errno;
            }

            // The label grew past the buffer: ask for its size and retry (it may change again).
            fixed (byte* path = pathZ)
            fixed (byte* attribute = SelinuxAttribute)
            {
                size = lgetxattr(path, attribute, null, 0);
            }

            if (size < 0)
            {
                value = [];
                return Marshal.GetLastPInvokeError();
            }

            buffer = new byte[size + 1];
        }
    }

    /// <summary>Sets <c>security.selinux</c> on a path without following a symlink (tests label trees with it).</summary>
    /// <exception cref="NativeException">The kernel refused (no permission, unsupported file system, …).</exception>
    public static void SetSelinuxLabel(string path, ReadOnlySpan<byte> label)
    {
        byte[] pathZ = NulTerminated(path);
        int result;
        fixed (byte* p = pathZ)
        fixed (byte* attribute = SelinuxAttribute)
        fixed (byte* value = label)
        {
            result = lsetxattr(p, attribute, value, (nuint)label.Length, 0);
        }

        if (result < 0)
        {
            throw new NativeException("lsetxattr security.selinux", path, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>
    /// Decodes a Linux name as Python's <c>os.fsdecode</c> does: UTF-8, and every byte of an
    /// invalid sequence becomes the lone surrogate U+DC00 + byte ("surrogateescape"). The mapping
    /// is one-to-one, so decoded names can be compared and used as keys like the bytes.
    /// </summary>
    public static string DecodeFileName(ReadOnlySpan<byte> name)
    {
        if (System.Text.Unicode.Utf8.IsValid(name))
        {
            return Encoding.UTF8.GetString(name);
        }

        var builder = new StringBuilder(name.Length);
        Span<char> pair = stackalloc char[2];
        while (!name.IsEmpty)
        {
            // Rune.DecodeFromUtf8 rejects overlong forms, encoded surrogates and values above
            // U+10FFFF like CPython, and consumes the maximal invalid subsequence, whose bytes
            // (a lead byte and continuation bytes) could not start a valid sequence themselves.
            var status = Rune.DecodeFromUtf8(name, out Rune rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                int written = rune.EncodeToUtf16(pair);
                builder.Append(pair[..written]);
            }
            else
            {
                foreach (byte b in name[..consumed])
                {
                    builder.Append((char)(0xdc00 + b));
                }
            }

            name = name[consumed..];
        }

        return builder.ToString();
    }

    private static byte[] ProcFdPath(int fd, byte[]? nameWithNul)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}");
        int nameLength = nameWithNul is null ? 0 : nameWithNul.Length;
        byte[] path = new byte[prefix.Length + 1 + nameLength + 1];
        int length = Encoding.ASCII.GetBytes(prefix, path);
        if (nameWithNul is not null)
        {
            path[length++] = (byte)'/';
            nameWithNul.CopyTo(path, length);
        }

        return path;
    }

    /// <summary>A path as the NUL-terminated UTF-8 bytes that system calls take.</summary>
    public static byte[] NulTerminated(string path)
    {
        int count = Encoding.UTF8.GetByteCount(path);
        byte[] bytes = new byte[count + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long getdents64(int fd, byte* dirp, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long fgetxattr(int fd, byte* name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);
}
