using System.Runtime.InteropServices;

namespace Engine.Integration.Tests.Stages;

/// <summary>Inode numbers and extended attributes, which .NET does not expose (for "keeps the inode" and SELinux label checks).</summary>
internal static class FileStatus
{
    /// <summary>The inode of <paramref name="path"/> (following links), from <c>stat -c %i</c>.</summary>
    public static long Inode(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%i", path]) { RedirectStandardOutput = true })!;
        string text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The value of xattr <paramref name="name"/> of <paramref name="path"/> (not following links), or null.</summary>
    public static string? GetXattr(string path, string name)
    {
        byte[] buffer = new byte[1024];
        long length = lgetxattr(path, name, buffer, buffer.Length);
        return length < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)length).TrimEnd('\0');
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long lgetxattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, long size);
}
