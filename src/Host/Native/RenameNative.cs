using System.Runtime.InteropServices;
using Engine.Native;

namespace Engine.Host.Native;

/// <summary>
/// Plain rename(2). .NET's File.Move refuses a symlink whose target is a directory (it checks the
/// target's type first), and the store's refs are exactly such links.
/// </summary>
internal static partial class RenameNative
{
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameRaw(string oldPath, string newPath);

    /// <summary>Atomically renames <paramref name="oldPath"/> to <paramref name="newPath"/>, replacing it.</summary>
    /// <exception cref="NativeException">rename(2) failed.</exception>
    public static void Rename(string oldPath, string newPath)
    {
        if (RenameRaw(oldPath, newPath) != 0)
        {
            throw new NativeException("rename", $"{oldPath} → {newPath}", Marshal.GetLastPInvokeError());
        }
    }
}
