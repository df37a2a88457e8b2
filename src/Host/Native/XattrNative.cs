using System.Runtime.InteropServices;
using Engine.Native;

namespace Engine.Host.Native;

/// <summary>
/// Extended attributes by path, never following a symlink, with names and values as raw bytes:
/// copying a directory's attributes (SELinux labels, ACLs, user.*) and reading overlayfs' own
/// <c>trusted.overlay.*</c> markers on an upper layer. Paths are NUL-terminated byte strings, as
/// Linux names are bytes.
/// </summary>
internal static unsafe partial class XattrNative
{
    private const int ENODATA = 61;
    private const int ERANGE = 34;

    /// <summary>Every attribute of <paramref name="pathZ"/> as (NUL-terminated name, value).</summary>
    /// <exception cref="NativeException">The attributes cannot be read.</exception>
    public static List<(byte[] NameZ, byte[] Value)> ReadAll(byte[] pathZ, string pathForErrors)
    {
        var result = new List<(byte[], byte[])>();
        byte[] names = ListNames(pathZ, pathForErrors);
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

    /// <summary>The value of attribute <paramref name="nameZ"/>, or null when it is not set.</summary>
    /// <exception cref="NativeException">The attribute cannot be read.</exception>
    public static byte[]? Get(byte[] pathZ, ReadOnlySpan<byte> nameZ, string pathForErrors)
    {
        fixed (byte* path = pathZ)
        fixed (byte* name = nameZ)
        {
            while (true)
            {
                nint size = lgetxattr(path, name, null, 0);
                if (size < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    return errno == ENODATA ? null : throw new NativeException("lgetxattr", pathForErrors, errno);
                }

                byte[] value = new byte[size];
                fixed (byte* buffer = value)
                {
                    nint read = lgetxattr(path, name, buffer, (nuint)value.Length);
                    if (read >= 0)
                    {
                        return value.AsSpan(0, (int)read).ToArray();
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != ERANGE)
                    {
                        return errno == ENODATA ? null : throw new NativeException("lgetxattr", pathForErrors, errno);
                    }
                }
            }
        }
    }

    /// <summary>Sets attribute <paramref name="nameZ"/> of <paramref name="pathZ"/>.</summary>
    /// <exception cref="NativeException">The attribute cannot be set.</exception>
    public static void Set(byte[] pathZ, byte[] nameZ, byte[] value, string pathForErrors)
    {
        fixed (byte* path = pathZ)
        fixed (byte* name = nameZ)
        fixed (byte* data = value)
        {
            if (lsetxattr(path, name, data, (nuint)value.Length, 0) != 0)
            {
                throw new NativeException("lsetxattr", pathForErrors, Marshal.GetLastPInvokeError());
            }
        }
    }

    private static byte[] ListNames(byte[] pathZ, string pathForErrors)
    {
        fixed (byte* path = pathZ)
        {
            while (true)
            {
                nint size = llistxattr(path, null, 0);
                if (size < 0)
                {
                    throw new NativeException("llistxattr", pathForErrors, Marshal.GetLastPInvokeError());
                }

                byte[] names = new byte[size];
                fixed (byte* buffer = names)
                {
                    nint read = llistxattr(path, buffer, (nuint)names.Length);
                    if (read >= 0)
                    {
                        return names.AsSpan(0, (int)read).ToArray();
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != ERANGE)
                    {
                        throw new NativeException("llistxattr", pathForErrors, errno);
                    }
                }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint llistxattr(byte* path, byte* list, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);
}
