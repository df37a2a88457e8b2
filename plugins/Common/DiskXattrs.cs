using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Plugins.Common;

/// <summary>
/// Reads extended attributes (SELinux labels, ACLs, capabilities) of one path with
/// <c>llistxattr</c>/<c>lgetxattr</c>, which .NET does not offer. Used to carry the tree root's
/// attributes to a file system root that <c>mke2fs -d</c> made (it copies only the children's).
/// </summary>
internal static class DiskXattrs
{
    private const int ERANGE = 34;
    private const int ENOTSUP = 95;

    [DllImport("libc", EntryPoint = "llistxattr", SetLastError = true)]
    private static extern nint llistxattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[]? list, nint size);

    [DllImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    private static extern nint lgetxattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[]? value, nint size);

    /// <summary>Every attribute of <paramref name="path"/> (not following a symlink), name → raw value.</summary>
    /// <exception cref="IOException">The attributes could not be read; the message names the path.</exception>
    public static IReadOnlyList<(string Name, byte[] Value)> Read(string path)
    {
        if (llistxattr(path, null, 0) < 0 && Marshal.GetLastPInvokeError() == ENOTSUP)
        {
            return []; // The file system has no extended attributes at all.
        }

        byte[] names = Query(path, (buffer, size) => llistxattr(path, buffer, size));
        var result = new List<(string, byte[])>();
        foreach (string name in Encoding.UTF8.GetString(names).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Add((name, Query(path, (buffer, size) => lgetxattr(path, name, buffer, size))));
        }

        return result;
    }

    /// <summary>The size-then-fill protocol of the *xattr calls, retried when the value grows in between.</summary>
    private static byte[] Query(string path, Func<byte[]?, nint, nint> call)
    {
        while (true)
        {
            nint size = call(null, 0);
            if (size < 0)
            {
                throw Error(path);
            }

            var buffer = new byte[size];
            nint filled = size == 0 ? 0 : call(buffer, size);
            if (filled >= 0)
            {
                return buffer[..(int)filled];
            }

            if (Marshal.GetLastPInvokeError() != ERANGE)
            {
                throw Error(path);
            }
        }
    }

    private static IOException Error(string path)
        => new($"reading the extended attributes of {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
}
