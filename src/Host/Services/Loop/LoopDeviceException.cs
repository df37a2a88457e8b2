using Engine.Native;

namespace Engine.Host.Services.Loop;

/// <summary>
/// A loop device could not be attached, set up or detached. The message says what failed, names the
/// file or device, gives the errno and, where there is one, how to fix it.
/// </summary>
public sealed class LoopDeviceException : Exception
{
    internal LoopDeviceException(string message, string? path, int errno)
        : base(message)
    {
        Path = path;
        Errno = errno;
    }

    /// <summary>The backing file, device or node the failure is about.</summary>
    public string? Path { get; }

    /// <summary>The errno of the failed system call; 0 when the failure was not a system call's.</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name (<c>ENOENT</c>…), or null when <see cref="Errno"/> is 0.</summary>
    public string? ErrnoName => Errno == 0 ? null : Native.Errno.Name(Errno);

    /// <summary>"<paramref name="what"/>: <paramref name="path"/>: ENAME (text) — <paramref name="hint"/>".</summary>
    internal static LoopDeviceException FromErrno(string what, string path, int errno, string? hint = null)
    {
        string message = $"{what}: {path}: {Native.Errno.Describe(errno)}";
        if (hint is not null)
        {
            message += " — " + hint;
        }

        return new LoopDeviceException(message, path, errno);
    }
}
