using System.Text;

namespace Engine.Native;

/// <summary>A path as the NUL-terminated UTF-8 bytes that libc takes.</summary>
internal static class Utf8Path
{
    public static byte[] Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }
}
