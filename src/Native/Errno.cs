using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using LibC = Tmds.Linux.LibC;

namespace Engine.Native;

/// <summary>
/// Where errno becomes an exception, for every call of this layer. Two shapes of wrapper sit on top:
/// calls whose failure is always an error throw a <see cref="NativeException"/> naming the call and the
/// path or device (through <see cref="Check"/> and <see cref="Throw(string, string, string?)"/>);
/// calls whose errno the caller acts on (ENOENT in a tree walk, EBUSY while binding a loop device)
/// are named <c>TryX</c> and return 0 or the errno, read right after the call.
/// </summary>
public static class Errno
{
    // The errnos that callers act on, as constants for switch and pattern matching (Tmds.LibC has
    // them as properties). asm-generic values: the same on x86_64 and arm64.
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int EROFS = 30;
    public const int EMLINK = 31;
    public const int ERANGE = 34;
    public const int ENODATA = 61;

    private static readonly FrozenDictionary<int, string> s_names = new Dictionary<int, string>
    {
        [LibC.EPERM] = nameof(LibC.EPERM),
        [LibC.ENOENT] = nameof(LibC.ENOENT),
        [LibC.EINTR] = nameof(LibC.EINTR),
        [LibC.EIO] = nameof(LibC.EIO),
        [LibC.ENXIO] = nameof(LibC.ENXIO),
        [LibC.EBADF] = nameof(LibC.EBADF),
        [LibC.EAGAIN] = nameof(LibC.EAGAIN),
        [LibC.ENOMEM] = nameof(LibC.ENOMEM),
        [LibC.EACCES] = nameof(LibC.EACCES),
        [LibC.EBUSY] = nameof(LibC.EBUSY),
        [LibC.EEXIST] = nameof(LibC.EEXIST),
        [LibC.EXDEV] = nameof(LibC.EXDEV),
        [LibC.ENODEV] = nameof(LibC.ENODEV),
        [LibC.ENOTDIR] = nameof(LibC.ENOTDIR),
        [LibC.EISDIR] = nameof(LibC.EISDIR),
        [LibC.EINVAL] = nameof(LibC.EINVAL),
        [LibC.ENFILE] = nameof(LibC.ENFILE),
        [LibC.EMFILE] = nameof(LibC.EMFILE),
        [LibC.ENOTTY] = nameof(LibC.ENOTTY),
        [LibC.EFBIG] = nameof(LibC.EFBIG),
        [LibC.ENOSPC] = nameof(LibC.ENOSPC),
        [LibC.EROFS] = nameof(LibC.EROFS),
        [LibC.EMLINK] = nameof(LibC.EMLINK),
        [LibC.ERANGE] = nameof(LibC.ERANGE),
        [LibC.ENAMETOOLONG] = nameof(LibC.ENAMETOOLONG),
        [LibC.ENOTEMPTY] = nameof(LibC.ENOTEMPTY),
        [LibC.ELOOP] = nameof(LibC.ELOOP),
        [LibC.ENODATA] = nameof(LibC.ENODATA),
        [LibC.EOVERFLOW] = nameof(LibC.EOVERFLOW),
        [LibC.EOPNOTSUPP] = nameof(LibC.EOPNOTSUPP),
    }.ToFrozenDictionary();

    /// <summary>The errno of the last call made through this layer (SetLastError captures it right after the call).</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>Throws for the last errno when <paramref name="result"/> is negative (the -1 of a failed call).</summary>
    /// <exception cref="NativeException">The call failed.</exception>
    public static void Check(long result, string call, string subject, string? hint = null)
    {
        if (result < 0)
        {
            Throw(call, subject, Last, hint);
        }
    }

    /// <summary>Throws for the last errno.</summary>
    /// <exception cref="NativeException">Always.</exception>
    [DoesNotReturn]
    public static void Throw(string call, string subject, string? hint = null) => Throw(call, subject, Last, hint);

    /// <summary>Throws for <paramref name="errno"/> (a value a <c>TryX</c> call returned, or one a call returns instead of setting errno).</summary>
    /// <exception cref="NativeException">Always.</exception>
    [DoesNotReturn]
    public static void Throw(string call, string subject, int errno, string? hint = null) =>
        throw new NativeException(call, subject, errno, hint);

    /// <summary>The symbolic name (what man pages and forums use), or <c>errno N</c> for values not in the table.</summary>
    public static string Name(int errno) =>
        s_names.TryGetValue(errno, out string? name) ? name : "errno " + errno.ToString(CultureInfo.InvariantCulture);

    /// <summary>"ENAME (text)", e.g. "ENOENT (No such file or directory)".</summary>
    public static string Describe(int errno) => $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
