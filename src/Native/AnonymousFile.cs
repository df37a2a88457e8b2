using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Files that get a name only once complete: <c>open(O_TMPFILE)</c> makes an unnamed file that
/// disappears with its last descriptor (a process killed with SIGKILL leaves nothing behind), and
/// <c>linkat</c> names it, never replacing an existing file. The files source downloads this way.
/// </summary>
public static unsafe class AnonymousFile
{
    /// <summary>The errno of <see cref="Link"/> when the name is taken.</summary>
    public static int EEXIST => LibC.EEXIST;

    /// <summary>Opens an unnamed regular file (mode 0644) in <paramref name="directory"/> for reading and writing.</summary>
    /// <returns>False when the file system cannot do this (then the caller uses a named temporary file).</returns>
    public static bool TryOpen(string directory, out SafeFileHandle handle)
    {
        int fd;
        fixed (byte* p = FileNames.NulTerminated(directory))
        {
            fd = LibC.open(p, LibC.O_TMPFILE | LibC.O_RDWR | LibC.O_CLOEXEC, 0x1a4); // 0644
        }

        if (fd < 0)
        {
            handle = new SafeFileHandle();
            return false;
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        return true;
    }

    /// <summary>Gives an anonymous file the name <paramref name="path"/>; never replaces an existing file.</summary>
    /// <returns>0 on success, else errno (<see cref="EEXIST"/> when the name is taken).</returns>
    public static int Link(SafeFileHandle anonymous, string path)
    {
        ArgumentNullException.ThrowIfNull(anonymous);
        bool added = false;
        try
        {
            anonymous.DangerousAddRef(ref added);
            // linkat(fd, "", AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH; the /proc link does not.
            string procPath = "/proc/self/fd/" + anonymous.DangerousGetHandle().ToString(CultureInfo.InvariantCulture);
            fixed (byte* from = FileNames.NulTerminated(procPath))
            fixed (byte* to = FileNames.NulTerminated(path))
            {
                return LibC.linkat(LibC.AT_FDCWD, from, LibC.AT_FDCWD, to, LibC.AT_SYMLINK_FOLLOW) == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added)
            {
                anonymous.DangerousRelease();
            }
        }
    }
}
