using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Extended attributes, never following a symlink, with names and values as raw bytes: copying a
/// directory's attributes (SELinux labels, ACLs, user.*), reading overlayfs' own
/// <c>trusted.overlay.*</c> markers, and the SELinux labels of <see cref="SelinuxLabels"/>.
/// Names are NUL-terminated. Every read goes through one loop that copes with a value that
/// grows between asking for its size and reading it.
/// </summary>
public static unsafe partial class Xattrs
{
    /// <summary>Every attribute of <paramref name="pathZ"/> as (NUL-terminated name, value).</summary>
    /// <exception cref="NativeException">The attributes cannot be read.</exception>
    public static List<(byte[] NameZ, byte[] Value)> ReadAll(byte[] pathZ, string pathForErrors)
    {
        byte[] names;
        int errno;
        fixed (byte* path = pathZ)
        {
            errno = TryRead(new ListCall(path), out names);
        }

        if (errno != 0)
        {
            Errno.Throw("llistxattr", pathForErrors, errno);
        }

        var result = new List<(byte[], byte[])>();
        int start = 0;
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] == 0)
            {
                byte[] nameZ = names.AsSpan(start, i - start + 1).ToArray();
                start = i + 1;
                if (Get(pathZ, nameZ, pathForErrors) is byte[] value)
                {
                    result.Add((nameZ, value));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Every attribute of <paramref name="path"/> (not following a symlink) by name, as the
    /// assemblers carry a tree root's attributes over; none where the file system has no xattrs.
    /// </summary>
    /// <exception cref="NativeException">The attributes cannot be read.</exception>
    public static IReadOnlyList<(string Name, byte[] Value)> Read(string path)
    {
        try
        {
            return [.. ReadAll(FileNames.NulTerminated(path), path).Select(a => (FileNames.DecodeZ(a.NameZ), a.Value))];
        }
        catch (NativeException e) when (e.Errno == LibC.ENOTSUP)
        {
            return [];
        }
    }

    /// <summary>The value of attribute <paramref name="nameZ"/>, or null when it is not set (ENODATA).</summary>
    /// <exception cref="NativeException">The attribute cannot be read.</exception>
    public static byte[]? Get(byte[] pathZ, ReadOnlySpan<byte> nameZ, string pathForErrors)
    {
        int errno = TryGet(pathZ, nameZ, out byte[] value);
        if (errno == LibC.ENODATA)
        {
            return null;
        }

        if (errno != 0)
        {
            Errno.Throw("lgetxattr " + FileNames.DecodeZ(nameZ), pathForErrors, errno);
        }

        return value;
    }

    /// <summary>The value of attribute <paramref name="nameZ"/> of <paramref name="pathZ"/>; returns 0 or the errno (ENODATA: not set).</summary>
    public static int TryGet(byte[] pathZ, ReadOnlySpan<byte> nameZ, out byte[] value)
    {
        fixed (byte* path = pathZ)
        fixed (byte* name = nameZ)
        {
            return TryRead(new PathCall(path, name), out value);
        }
    }

    /// <summary>The value of attribute <paramref name="nameZ"/> of an open file or directory; returns 0 or the errno.</summary>
    public static int TryGet(SafeFileHandle handle, ReadOnlySpan<byte> nameZ, out byte[] value)
    {
        using var fd = new DescriptorLease(handle);
        fixed (byte* name = nameZ)
        {
            return TryRead(new DescriptorCall(fd.Fd, name), out value);
        }
    }

    /// <summary>
    /// The value of attribute <paramref name="nameZ"/> of the entry <paramref name="entryWithNul"/> of
    /// <paramref name="directory"/> (of the directory itself when null), without following a symlink;
    /// returns 0 or the errno. Read through the path <c>/proc/self/fd/&lt;dirfd&gt;/&lt;entry&gt;</c>,
    /// as Python and osbuild do: it needs no full path and works for symlinks, which cannot be opened
    /// to use fgetxattr.
    /// </summary>
    public static int TryGetAt(SafeFileHandle directory, byte[]? entryWithNul, ReadOnlySpan<byte> nameZ, out byte[] value)
    {
        using var fd = new DescriptorLease(directory);
        return TryGet(ProcFdPath(fd.Fd, entryWithNul), nameZ, out value);
    }

    /// <summary>Sets attribute <paramref name="nameZ"/> of <paramref name="pathZ"/>, creating or replacing it.</summary>
    /// <exception cref="NativeException">The kernel refused (no permission, unsupported file system, …).</exception>
    public static void Set(byte[] pathZ, ReadOnlySpan<byte> nameZ, ReadOnlySpan<byte> value, string pathForErrors)
    {
        fixed (byte* path = pathZ)
        fixed (byte* name = nameZ)
        fixed (byte* data = value)
        {
            Errno.Check(lsetxattr(path, name, data, (nuint)value.Length, 0), "lsetxattr " + FileNames.DecodeZ(nameZ), pathForErrors);
        }
    }

    /// <summary>
    /// Reads a value of unknown size: first into a buffer that holds the usual ones (labels, ACLs),
    /// so that most reads are one call; on ERANGE asks for the size and reads again, as often as the
    /// value keeps growing in between. Returns 0 or the errno.
    /// </summary>
    private static int TryRead<TCall>(TCall call, out byte[] value)
        where TCall : struct, ISizedCall
    {
        byte* first = stackalloc byte[256];
        nint size = call.Invoke(first, 256);
        if (size >= 0)
        {
            value = new ReadOnlySpan<byte>(first, (int)size).ToArray();
            return 0;
        }

        int errno = Errno.Last;
        while (errno == LibC.ERANGE)
        {
            size = call.Invoke(null, 0);
            if (size < 0)
            {
                errno = Errno.Last;
                break;
            }

            // One byte more than asked keeps the buffer non-empty (a null pointer would ask for the size again).
            byte[] buffer = new byte[size + 1];
            fixed (byte* p = buffer)
            {
                size = call.Invoke(p, (nuint)buffer.Length);
            }

            if (size >= 0)
            {
                value = buffer.AsSpan(0, (int)size).ToArray();
                return 0;
            }

            errno = Errno.Last;
        }

        value = [];
        return errno;
    }

    private static byte[] ProcFdPath(int fd, byte[]? entryWithNul)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}");
        int entryLength = entryWithNul is null ? 0 : entryWithNul.Length;
        byte[] path = new byte[prefix.Length + 1 + entryLength + 1];
        int length = Encoding.ASCII.GetBytes(prefix, path);
        if (entryWithNul is not null)
        {
            path[length++] = (byte)'/';
            entryWithNul.CopyTo(path, length);
        }

        return path;
    }

    /// <summary>One of the *xattr reads: fills <c>buffer</c> (or, given size 0, returns the size needed).</summary>
    private interface ISizedCall
    {
        nint Invoke(byte* buffer, nuint size);
    }

    private readonly struct PathCall(byte* path, byte* name) : ISizedCall
    {
        public nint Invoke(byte* buffer, nuint size) => lgetxattr(path, name, buffer, size);
    }

    private readonly struct DescriptorCall(int fd, byte* name) : ISizedCall
    {
        public nint Invoke(byte* buffer, nuint size) => fgetxattr(fd, name, buffer, size);
    }

    private readonly struct ListCall(byte* path) : ISizedCall
    {
        public nint Invoke(byte* buffer, nuint size) => llistxattr(path, buffer, size);
    }

    // The xattr calls are not in Tmds.LibC.
    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial nint llistxattr(byte* path, byte* list, nuint size);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial nint fgetxattr(int fd, byte* name, byte* value, nuint size);

    [LibraryImport(LibraryNames.Libc, SetLastError = true)]
    private static partial int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);
}
