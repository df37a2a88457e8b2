using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// The few Linux calls .NET does not expose: anonymous files (<c>O_TMPFILE</c>) that get a name only
/// once complete, reflink clones (<c>FICLONE</c>) and in-kernel copies (<c>copy_file_range</c>).
/// Signatures are blittable apart from UTF-8 paths, so NativeAOT generates the stubs at compile time.
/// Raw names match the man pages.
/// </summary>
internal static class LinuxFile
{
    private const int O_RDWR = 0x2;
    private const int O_CLOEXEC = 0x80000;
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_FOLLOW = 0x400;

    // _IOW(0x94, 9, int) from linux/fs.h
    private const nuint FICLONE = 0x40049409;

    public const int EEXIST = 17;

    /// <summary><c>O_TMPFILE</c> includes <c>O_DIRECTORY</c>, whose value differs between architectures.</summary>
    private static int O_TMPFILE => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 or Architecture.Arm => 0x400000 | 0x4000,
        _ => 0x400000 | 0x10000,
    };

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "linkat", SetLastError = true)]
    private static extern int linkat(
        int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath,
        int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, int flags);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int ioctl(int fd, nuint request, int argument);

    [DllImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static extern nint copy_file_range(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);

    /// <summary>
    /// Opens an unnamed regular file in <paramref name="directory"/>. It disappears with its last
    /// descriptor, so a process killed with SIGKILL leaves nothing behind.
    /// </summary>
    /// <returns>False when the file system cannot do this (then the caller uses a named temp file).</returns>
    public static bool TryOpenAnonymous(string directory, out SafeFileHandle handle)
    {
        int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, Convert.ToInt32("644", 8));
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
        bool added = false;
        try
        {
            anonymous.DangerousAddRef(ref added);
            // linkat(fd, "", AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH; the /proc link does not.
            string procPath = "/proc/self/fd/" + anonymous.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture);
            return linkat(AT_FDCWD, procPath, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                anonymous.DangerousRelease();
            }
        }
    }

    /// <summary>Makes <paramref name="target"/> share <paramref name="source"/>'s blocks (btrfs, xfs…).</summary>
    public static bool TryClone(SafeFileHandle source, SafeFileHandle target)
        => WithFds(source, target, (s, t) => ioctl(t, FICLONE, s) == 0);

    /// <summary>Copies bytes 0..<paramref name="length"/> of <paramref name="source"/> inside the kernel.</summary>
    /// <returns>False when the kernel refuses (old kernel, cross-file-system on older kernels…) before any byte was copied.</returns>
    /// <remarks>Explicit offsets: .NET reads and writes files with pread/pwrite, so the descriptors' own offsets mean nothing.</remarks>
    public static bool TryCopyRange(SafeFileHandle source, SafeFileHandle target, long length) => WithFds(source, target, (s, t) =>
    {
        long done = 0;
        long sourceOffset = 0, targetOffset = 0;
        while (done < length)
        {
            nint copied = copy_file_range(s, ref sourceOffset, t, ref targetOffset, (nuint)Math.Min(length - done, 1L << 30), 0);
            if (copied < 0)
            {
                if (done == 0)
                {
                    return false;
                }

                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"copy_file_range failed after {done} bytes: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            if (copied == 0)
            {
                break; // the source is shorter than it was: the caller's length check reports it
            }

            done += copied;
        }

        return true;
    });

    private static bool WithFds(SafeFileHandle source, SafeFileHandle target, Func<int, int, bool> action)
    {
        bool sourceAdded = false, targetAdded = false;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            target.DangerousAddRef(ref targetAdded);
            return action((int)source.DangerousGetHandle(), (int)target.DangerousGetHandle());
        }
        finally
        {
            if (targetAdded)
            {
                target.DangerousRelease();
            }

            if (sourceAdded)
            {
                source.DangerousRelease();
            }
        }
    }
}
