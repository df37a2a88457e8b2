using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Every extended attribute of one path (SELinux label, ACLs, capabilities) with
/// <c>llistxattr</c>/<c>lgetxattr</c>, which .NET does not offer. The qemu and rawfs assemblers carry
/// the tree root's attributes to the root of a file system that <c>mke2fs -d</c> made (it copies
/// only the children's).
/// </summary>
public static unsafe partial class Xattrs
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial nint llistxattr(byte* path, byte* list, nint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint lgetxattr(byte* path, byte* name, byte* value, nint size);

    /// <summary>Name → raw value of every attribute of <paramref name="path"/>, not following a symlink; none on a file system without them.</summary>
    /// <exception cref="NativeException">The attributes could not be read; names the call and the path.</exception>
    public static IReadOnlyList<(string Name, byte[] Value)> Read(string path)
    {
        byte[] file = Utf8Path.Of(path);
        fixed (byte* p = file)
        {
            if (llistxattr(p, null, 0) < 0 && Marshal.GetLastPInvokeError() == LibC.ENOTSUP)
            {
                return [];
            }
        }

        byte[] names = Query("llistxattr", path, (buffer, size) =>
        {
            fixed (byte* p = file)
            {
                return llistxattr(p, buffer, size);
            }
        });
        var result = new List<(string, byte[])>();
        foreach (string name in Encoding.UTF8.GetString(names).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            byte[] attribute = Utf8Path.Of(name);
            result.Add((name, Query("lgetxattr", $"{path} ({name})", (buffer, size) =>
            {
                fixed (byte* p = file)
                fixed (byte* n = attribute)
                {
                    return lgetxattr(p, n, buffer, size);
                }
            })));
        }

        return result;
    }

    private delegate nint SizedCall(byte* buffer, nint size);

    /// <summary>The size-then-fill protocol of the *xattr calls, retried when the value grows in between (ERANGE).</summary>
    private static byte[] Query(string call, string subject, SizedCall read)
    {
        while (true)
        {
            nint size = read(null, 0);
            if (size < 0)
            {
                throw new NativeException(call, subject, Marshal.GetLastPInvokeError());
            }

            var buffer = new byte[size];
            nint filled;
            fixed (byte* b = buffer)
            {
                filled = size == 0 ? 0 : read(b, size);
            }

            if (filled >= 0)
            {
                return buffer[..(int)filled];
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.ERANGE)
            {
                throw new NativeException(call, subject, errno);
            }
        }
    }
}
