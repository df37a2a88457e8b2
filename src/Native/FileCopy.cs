using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Engine.Native;

/// <summary>
/// Copies that never pass the bytes through this process: reflink clones (<c>FICLONE</c>: the
/// target shares the source's blocks on btrfs, xfs…) and in-kernel copies (<c>copy_file_range</c>).
/// </summary>
public static unsafe partial class FileCopy
{
    /// <summary><c>_IOW(0x94, 9, int)</c> from linux/fs.h.</summary>
    private const int FICLONE = 0x40049409;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint copy_file_range(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    /// <summary>Makes <paramref name="target"/> share <paramref name="source"/>'s blocks.</summary>
    /// <returns>False when the file system cannot (then nothing was written).</returns>
    public static bool TryClone(SafeFileHandle source, SafeFileHandle target)
        => WithFds(source, target, (s, t) => LibC.ioctl(t, FICLONE, s) == 0);

    /// <summary>Copies bytes 0..<paramref name="length"/> of <paramref name="source"/> into <paramref name="target"/> inside the kernel.</summary>
    /// <returns>False when the kernel refuses (old kernel, across file systems on older kernels…) before any byte was copied.</returns>
    /// <exception cref="NativeException">The copy failed part way.</exception>
    /// <remarks>Explicit offsets: .NET reads and writes files with pread/pwrite, so the descriptors' own offsets mean nothing.</remarks>
    public static bool TryCopyRange(SafeFileHandle source, SafeFileHandle target, long length) => WithFds(source, target, (s, t) =>
    {
        long done = 0;
        long sourceOffset = 0, targetOffset = 0;
        while (done < length)
        {
            nint copied = copy_file_range(s, &sourceOffset, t, &targetOffset, (nuint)Math.Min(length - done, 1L << 30), 0);
            if (copied < 0)
            {
                if (done == 0)
                {
                    return false;
                }

                throw new NativeException("copy_file_range", $"the copy after {done} bytes", Marshal.GetLastPInvokeError());
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
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
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
