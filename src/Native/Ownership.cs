using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>Owner and group of a path by number: <c>chown</c>, which .NET offers only by name.</summary>
public static unsafe class Ownership
{
    /// <summary>Sets owner and group of <paramref name="path"/>, following symlinks (like Python's os.chown).</summary>
    /// <exception cref="NativeException">chown failed; names the path and the errno.</exception>
    public static void Chown(string path, int uid, int gid)
    {
        fixed (byte* p = FileNames.NulTerminated(path))
        {
            if (LibC.chown(p, (uint)uid, (uint)gid) != 0)
            {
                throw new NativeException("chown", path, Marshal.GetLastPInvokeError());
            }
        }
    }
}
